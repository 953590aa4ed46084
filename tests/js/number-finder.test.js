// Unit tests of the operator finder's lookup (node --test): run by tests/test_js_units.py
// over the table the finder page gets (webapp/numbers.py, from the phonenumbers package).
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
vm.runInNewContext(js('number-input.js') + '\n' + js('number-finder.js'), sandbox);
const { lookupNumber } = sandbox.module.exports;
const table = JSON.parse(process.env.SIMEXIT_PREFIX_TABLE);

const cases = [
  ['+994 50 123 45 67', 'operator', 'azercell'],
  ['+994501234567', 'operator', 'azercell'],
  ['00994 51 123 45 67', 'operator', 'azercell'],
  ['994 55 123 45 67', 'operator', 'bakcell'],
  ['050 123 45 67', 'operator', 'azercell'],
  ['(055) 123-45-67', 'operator', 'bakcell'],
  ['070', 'operator', 'nar'],
  ['77', 'operator', 'nar'],
  ['+994 77', 'operator', 'nar'],
  ['060 123 45 67', 'naxtel'],
  ['+994 60', 'naxtel'],
  ['010 123 45 67', 'operator', 'azercell'],
  ['+994 10 123 45 67', 'operator', 'azercell'],
  ['099', 'operator', 'bakcell'],
  ['00994 99 123 45 67', 'operator', 'bakcell'],
  ['040 123 45 67', 'other-operator', null, 'FONEX'],
  ['+994 44', 'other-operator', null, 'Aztelekom'],
  ['012 123 45 67', 'unknown-prefix'],
  ['0', 'incomplete'],
  ['5', 'incomplete'],
  ['', 'incomplete'],
  ['hello', 'malformed'],
  ['050 12a', 'malformed'],
  ['+994 50 123 45 67 8', 'too-long'],
  ['050 123 45 67 89', 'too-long'],
  ['+7 912 345 67 89', 'foreign'],
  // Arabic-Indic and Persian digits, and what a paste from Arabic or Persian text brings.
  ['٠٥٠ ١٢٣ ٤٥ ٦٧', 'operator', 'azercell'],
  ['۰۵۵ ۱۲۳ ۴۵ ۶۷', 'operator', 'bakcell'],
  ['+٩٩٤ ٧٠ ١٢٣ ٤٥ ٦٧', 'operator', 'nar'],
  ['٠٠٩٩٤ ٧٧', 'operator', 'nar'],
  ['۰۰۹۹۴۵۱۱۲۳۴۵۶۷', 'operator', 'azercell'],
  ['\u200f+994 99 123 45 67\u200f', 'operator', 'bakcell'],
  ['\u2066+994 10 123 45 67\u2069', 'operator', 'azercell'],
  ['050\u00a0123\u00a045\u00a067', 'operator', 'azercell'],
  ['٠٥٠٬١٢٣٬٤٥٬٦٧', 'operator', 'azercell'],
  ['＋994 55', 'operator', 'bakcell'],
  ['۰۶۰', 'naxtel'],
  ['٠٤٠', 'other-operator', null, 'FONEX'],
  ['٠١٢ ١٢٣ ٤٥ ٦٧', 'unknown-prefix'],
  ['۰', 'incomplete'],
  ['\u200f', 'incomplete'],
  ['٠٥٠ ١٢٣ ٤٥ ٦٧ ٨٩', 'too-long'],
  ['+٧ ٩١٢ ٣٤٥ ٦٧ ٨٩', 'foreign'],
  ['٠٥٠ ١٢أ', 'malformed'],
];

for (const [input, status, operator, carrier] of cases) {
  test(`${JSON.stringify(input)} -> ${status} ${operator || carrier || ''}`.trim(), () => {
    const result = lookupNumber(input, table);
    assert.strictEqual(result.status, status);
    assert.strictEqual(result.operator, operator || undefined);
    assert.strictEqual(result.carrier, carrier);
  });
}
