// Unit tests of the reminder plan built on the device and its calendar file (node --test).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const js = (name) => fs.readFileSync(path.join(__dirname, '..', '..', 'static', 'js', name), 'utf8');
/** A file's exports, run alone: the plan and calendar file need nothing of the page. */
function load (name, globals) {
  const sandbox = Object.assign({ module: { exports: {} } }, globals);
  vm.runInNewContext(js(name), sandbox);
  return sandbox.module.exports;
}
const { localPlan, buildIcs, foldLine } = load('remind-plan.js', { Date, Intl, String, Number, TextEncoder });
const { base64UrlToBytes } = load('remind.js', {
  Component: class {}, Uint8Array, window: { atob: (s) => Buffer.from(s, 'base64').toString('binary') }
});
const rules = JSON.parse(process.env.SIMEXIT_REMINDER_RULES);

test('the plan has four reminders around the day, at daytime hours', () => {
  const items = localPlan('2027-03-10', rules, new Date(2027, 0, 1));
  assert.deepStrictEqual(items.map((i) => i.kind), ['unbind', 'prepare', 'close', 'verify']);
  assert.deepStrictEqual(items.map((i) => i.due.getDate()), [7, 9, 10, 12]);
  items.forEach((i) => assert.ok(i.due.getHours() >= 8 && i.due.getHours() <= 20));
});

test('reminders already past are skipped', () => {
  const items = localPlan('2027-03-10', rules, new Date(2027, 2, 9, 12, 0));
  assert.deepStrictEqual(items.map((i) => i.kind), ['prepare', 'close', 'verify']);
  assert.strictEqual(localPlan('2027-03-10', rules, new Date(2027, 2, 20)).length, 0);
});

test('month boundaries are handled', () => {
  const items = localPlan('2027-03-01', rules, new Date(2027, 0, 1));
  assert.strictEqual(items[0].due.getMonth(), 1); // three days before 1 March is in February
});

const plan = { id: 'a1b2', operator: 'nar', stamp: '20270101T000000Z', url: 'https://example.test/en/nar/' };

test('the calendar file has an event and an alarm per reminder', () => {
  const items = localPlan('2027-03-10', rules, new Date(2027, 0, 1));
  const texts = { unbind: 'Unbind, banks; apps', prepare: 'Pack', close: 'Close', verify: 'Check' };
  const ics = buildIcs(items, texts, 'SIM Exit: Nar number', plan);
  assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
  assert.strictEqual((ics.match(/BEGIN:VEVENT/g) || []).length, 4);
  assert.strictEqual((ics.match(/BEGIN:VALARM/g) || []).length, 4);
  assert.ok(ics.includes('SUMMARY:SIM Exit: Nar number — Unbind\\, banks\\; apps'));
  assert.ok(ics.includes('DTSTART:20270307T'));
  assert.ok(ics.includes('URL:https://example.test/en/nar/\r\n'));
  assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
});

test('every event has its own UID naming the plan, the operator and the step', () => {
  const items = localPlan('2027-03-10', rules, new Date(2027, 0, 1));
  const texts = { unbind: 'U', prepare: 'P', close: 'C', verify: 'V' };
  const uids = (ics) => ics.split('\r\n').filter((l) => l.startsWith('UID:'));
  const nar = uids(buildIcs(items, texts, 'T', plan));
  const azercell = uids(buildIcs(items, texts, 'T', Object.assign({}, plan, { operator: 'azercell' })));
  assert.strictEqual(new Set(nar).size, 4);
  assert.ok(nar[0].includes('a1b2') && nar[0].includes('nar') && nar[0].includes('unbind'));
  assert.strictEqual(nar.filter((uid) => azercell.includes(uid)).length, 0);
});

test('long lines are folded at 75 octets without splitting a character', () => {
  const long = 'SUMMARY:' + 'Закрыть номер и расторгнуть договор, 注销号码 '.repeat(6);
  const folded = foldLine(long);
  const lines = folded.split('\r\n');
  assert.ok(lines.length > 1);
  lines.forEach((line, i) => {
    assert.ok(Buffer.byteLength(line, 'utf8') <= 75, line);
    if (i > 0) { assert.strictEqual(line[0], ' '); }
  });
  assert.strictEqual(lines.map((l, i) => (i ? l.slice(1) : l)).join(''), long);
  assert.strictEqual(foldLine('SHORT:line'), 'SHORT:line');
});

test('VAPID keys are decoded from base64url', () => {
  assert.deepStrictEqual(Array.from(base64UrlToBytes('AQID_w')), [1, 2, 3, 255]);
});
