/**
 * The reminder plan made on the device, and its calendar file: pure functions of the
 * server's rules (rendered into the page), a day and "now", with no DOM and no network,
 * so node runs them as they are (tests/js/remind.test.js, tests/test_calendar.py).
 * The form that uses them is remind.js.
 */

/** YYYY-MM-DD of a local date. */
function isoDay (date) {
  const pad = (n) => String(n).padStart(2, '0');
  return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate());
}

/**
 * The plan's reminders as device-local Date objects, from the server's rules
 * (rendered into the page), skipping those already past. Pure: testable in node.
 */
function localPlan (day, rules, now) {
  const parts = day.split('-').map(Number);
  return rules.map((rule) => {
    const hm = rule.time.split(':').map(Number);
    const due = new Date(parts[0], parts[1] - 1, parts[2] + rule.day_offset, hm[0], hm[1]);
    return { kind: rule.kind, due: due };
  }).filter((item) => item.due > now);
}

/**
 * One content line of an iCalendar file, folded as RFC 5545 §3.1 asks: no line longer than
 * 75 octets (UTF-8), each continuation starting with a space, never inside a character.
 */
function foldLine (line) {
  const encoder = new TextEncoder();
  const parts = [];
  let current = '';
  let octets = 0;
  for (const char of line) { // by code point: a character is never split
    const size = encoder.encode(char).length;
    const limit = parts.length ? 74 : 75; // a continuation line's leading space counts
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/**
 * An iCalendar file (RFC 5545) with one event and alarm per reminder, at floating local
 * times (the phone's own zone, as on the page). ``plan``: ``{id, operator, url, stamp, lang}``;
 * each UID names the plan, the operator and the step, so two SIMs closed on the same day,
 * or the same operator's plan made twice, never overwrite each other's events. Texts name
 * their language (``LANGUAGE=ar``).
 */
function buildIcs (items, texts, title, plan) {
  const fmt = (d) => isoDay(d).replace(/-/g, '') + 'T' +
    String(d.getHours()).padStart(2, '0') + String(d.getMinutes()).padStart(2, '0') + '00';
  const escape = (s) => String(s).replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');
  const text = (name) => name + (plan.lang ? ';LANGUAGE=' + plan.lang : '') + ':';
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//SIM Exit//Reminders//EN', 'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH'];
  items.forEach((item) => {
    const end = new Date(item.due.getTime() + 30 * 60000);
    lines.push('BEGIN:VEVENT',
      'UID:simexit-' + plan.id + '-' + plan.operator + '-' + item.kind + '@sim-exit.invalid',
      'DTSTAMP:' + plan.stamp, 'DTSTART:' + fmt(item.due), 'DTEND:' + fmt(end),
      text('SUMMARY') + escape(title + ' — ' + texts[item.kind]),
      text('DESCRIPTION') + escape(texts[item.kind] + '\n' + plan.url),
      'URL:' + plan.url,
      'BEGIN:VALARM', 'ACTION:DISPLAY', text('DESCRIPTION') + escape(texts[item.kind]), 'TRIGGER:PT0M',
      'END:VALARM', 'END:VEVENT');
  });
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

if (typeof module !== 'undefined' && module.exports) {
  module.exports = { isoDay: isoDay, localPlan: localPlan, buildIcs: buildIcs, foldLine: foldLine };
}
