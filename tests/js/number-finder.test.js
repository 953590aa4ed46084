// Unit tests of the operator finder's lookup (node --test): run by tests/test_js_units.py
// over the table the finder page gets (webapp/numbers.py, from the phonenumbers package).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

// Load the component file as the bundle would, with a stand-in base class.
const source = fs.readFileSync(path.join(__dirname, '..', '..', 'static', 'js', 'number-finder.js'), 'utf8');
const sandbox = { module: { exports: {} }, Component: class {} };
vm.runInNewContext(source, sandbox);
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
];

for (const [input, status, operator, carrier] of cases) {
  test(`${JSON.stringify(input)} -> ${status} ${operator || carrier || ''}`.trim(), () => {
    const result = lookupNumber(input, table);
    assert.strictEqual(result.status, status);
    assert.strictEqual(result.operator, operator || undefined);
    assert.strictEqual(result.carrier, carrier);
  });
}
