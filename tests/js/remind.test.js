// Unit tests of the reminder plan built on the device and its calendar file (node --test).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const source = fs.readFileSync(path.join(__dirname, '..', '..', 'static', 'js', 'remind.js'), 'utf8');
const sandbox = { module: { exports: {} }, Component: class {}, Date, Intl, String, Number, Uint8Array, window: { atob: (s) => Buffer.from(s, 'base64').toString('binary') } };
vm.runInNewContext(source, sandbox);
const { localPlan, buildIcs, base64UrlToBytes } = sandbox.module.exports;
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

test('the calendar file has an event and an alarm per reminder', () => {
  const items = localPlan('2027-03-10', rules, new Date(2027, 0, 1));
  const texts = { unbind: 'Unbind, banks; apps', prepare: 'Pack', close: 'Close', verify: 'Check' };
  const ics = buildIcs(items, texts, 'SIM Exit: Nar number', '20270101T000000Z');
  assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
  assert.strictEqual((ics.match(/BEGIN:VEVENT/g) || []).length, 4);
  assert.strictEqual((ics.match(/BEGIN:VALARM/g) || []).length, 4);
  assert.ok(ics.includes('SUMMARY:SIM Exit: Nar number — Unbind\\, banks\\; apps'));
  assert.ok(ics.includes('DTSTART:20270307T'));
  assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
});

test('VAPID keys are decoded from base64url', () => {
  assert.deepStrictEqual(Array.from(base64UrlToBytes('AQID_w')), [1, 2, 3, 255]);
});
