// Unit tests of the clerk card's number reading and formatting (node --test): run by
// tests/test_js_units.py, with the prefix table the site derives from the facts.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

// Load the component file as the bundle would: in one scope with the number reading it shares
// (number-input.js), with a stand-in base class.
const js = (name) => fs.readFileSync(path.join(__dirname, '..', '..', 'static', 'js', name), 'utf8');
const sandbox = { module: { exports: {} }, Component: class {} };
vm.runInNewContext(js('number-input.js') + '\n' + js('clerk-number.js'), sandbox);
const { parseMobileNumber, formatMobileNumber } = sandbox.module.exports;
// As webapp/numbers.py mobile_prefixes: the operators' prefixes and the former Naxtel ones.
const table = JSON.parse(process.env.SIMEXIT_PREFIX_TABLE);
const prefixes = [...Object.keys(table.operators), ...table.naxtel];

const accepted = [
  ['+994 50 123 45 67', '501234567'],
  ['+994501234567', '501234567'],
  ['+994 (50) 123-45-67', '501234567'],
  ['00994 51 123 45 67', '511234567'],
  ['994 55 123 45 67', '551234567'],
  ['050 123 45 67', '501234567'],
  ['0501234567', '501234567'],
  ['(055) 123-45-67', '551234567'],
  ['055.123.45.67', '551234567'],
  ['50 123 45 67', '501234567'],
  ['  070 123 45 67  ', '701234567'],
  ['077 999 00 11', '779990011'],
  ['010 123 45 67', '101234567'],
  ['099 123 45 67', '991234567'],
  ['060 123 45 67', '601234567'], // former Naxtel: the number was kept (facts §8)
  // Arabic-Indic and Persian digits, and what a paste from Arabic or Persian text brings.
  ['+٩٩٤ ٥٠ ١٢٣ ٤٥ ٦٧', '501234567'],
  ['۰۵۵ ۱۲۳ ۴۵ ۶۷', '551234567'],
  ['٠٠٩٩٤٧٠١٢٣٤٥٦٧', '701234567'],
  ['۰۰۹۹۴ ۷۷ ۹۹۹ ۰۰ ۱۱', '779990011'],
  ['\u200f+994 50 123 45 67\u200f', '501234567'],
  ['\u2066+994 99 123 45 67\u2069', '991234567'],
  ['050\u00a0123\u00a045\u00a067', '501234567'],
  ['٠٥٠٬١٢٣٬٤٥٬٦٧', '501234567'],
  ['＋994 51 123 45 67', '511234567'],
];

for (const [input, digits] of accepted) {
  test(`accepts ${JSON.stringify(input)}`, () => {
    const result = parseMobileNumber(input, prefixes);
    assert.strictEqual(result.ok, true, JSON.stringify(result));
    assert.strictEqual(result.digits, digits);
    assert.strictEqual(result.display, formatMobileNumber(digits));
  });
}

const rejected = [
  ['', 'empty'],
  ['   ', 'empty'],
  [undefined, 'empty'],
  ['hello', 'malformed'],
  ['050 12a 45 67', 'malformed'],
  ['+994 50 123 45 67 ext 2', 'malformed'],
  ['050+1234567', 'malformed'],
  ['+7 912 345 67 89', 'foreign'],
  ['0044 20 7946 0958', 'foreign'],
  ['+44 20 7946 0958', 'foreign'],
  ['050 123 45 6', 'length'],
  ['050 123 45 678', 'length'],
  ['+994 50 123 45 67 8', 'length'],
  ['050', 'length'],
  ['012 123 45 67', 'prefix'], // a Baku landline
  ['+994 12 345 67 89', 'prefix'],
  ['101', 'length'], // the fire service is not a number to close
  ['102', 'length'],
  ['\u200f\u200e', 'empty'],
  ['٠٥٠ ١٢٣ ٤٥', 'length'],
  ['+٧ ٩١٢ ٣٤٥ ٦٧ ٨٩', 'foreign'],
  ['٠١٢ ١٢٣ ٤٥ ٦٧', 'prefix'],
  ['٠٥٠ ١٢٣ ٤٥ ٦أ', 'malformed'],
];

for (const [input, error] of rejected) {
  test(`rejects ${JSON.stringify(input)} (${error})`, () => {
    assert.deepStrictEqual({ ...parseMobileNumber(input, prefixes) }, { ok: false, error: error });
  });
}

test('formats in the groups operators print: +994 50 123 45 67', () => {
  assert.strictEqual(formatMobileNumber('501234567'), '+994 50 123 45 67');
  assert.strictEqual(parseMobileNumber('0771112233', prefixes).display, '+994 77 111 22 33');
});

test('reads its own output back unchanged (the stored value is read again on every load)', () => {
  for (const [input] of accepted) {
    const first = parseMobileNumber(input, prefixes);
    const again = parseMobileNumber(first.display, prefixes);
    assert.strictEqual(again.digits, first.digits);
    assert.strictEqual(again.display, first.display);
    assert.strictEqual(parseMobileNumber(first.digits, prefixes).digits, first.digits);
  }
});
