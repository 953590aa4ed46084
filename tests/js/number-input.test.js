// Unit tests of what the finder and the clerk card make of a typed or pasted number before
// reading it (node --test): run by tests/test_js_units.py.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const source = fs.readFileSync(path.join(__dirname, '..', '..', 'static', 'js', 'number-input.js'), 'utf8');
const sandbox = { module: { exports: {} } };
vm.runInNewContext(source, sandbox);
const { normaliseNumberInput } = sandbox.module.exports;

const cases = [
  ['+994 50 123 45 67', '+994 50 123 45 67'], // ASCII stays as it is
  ['٠١٢٣٤٥٦٧٨٩', '0123456789'], // Arabic-Indic digits
  ['۰۱۲۳۴۵۶۷۸۹', '0123456789'], // Persian digits
  ['０５０ １２３', '050 123'], // full-width digits (Chinese and Japanese keyboards)
  ['+٩٩٤ ٥٠ ١٢٣ ٤٥ ٦٧', '+994 50 123 45 67'],
  ['٠٠٩٩٤', '00994'],
  ['۰۵۰-۱۲۳-۴۵-۶۷', '050-123-45-67'],
  ['\u200f+994 50 123 45 67\u200f', '+994 50 123 45 67'], // RLM from Arabic text
  ['\u200e050 123 45 67\u200e', '050 123 45 67'], // LRM
  ['\u2066+994 50 123 45 67\u2069', '+994 50 123 45 67'], // an isolate, as our pages show it
  ['\u202b٠٥٠\u202c', '050'], // an embedding
  ['\u061c٠٥٠', '050'], // the Arabic letter mark
  ['050\u00a0123\u00a045\u00a067', '050 123 45 67'], // no-break spaces
  ['050\u202f123\u200945\u200767', '050 123 45 67'], // narrow, thin and figure spaces
  ['٠٥٠٬١٢٣٬٤٥٬٦٧', '050 123 45 67'], // Arabic thousands separator
  ['٠٥٠٫١٢٣', '050 123'], // Arabic decimal separator
  ['＋994', '+994'], // full-width plus
  ['﹢994', '+994'], // small plus
  ['050\u2013123\u201445\u221267', '050-123-45-67'], // en dash, em dash, minus
  ['050\u200b123\ufeff', '050123'], // zero-width space, byte-order mark
  ['050 12a', '050 12a'], // what is not a number stays, to be refused
  ['', ''],
  [undefined, ''],
];

for (const [input, expected] of cases) {
  test(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
    assert.strictEqual(normaliseNumberInput(input), expected);
  });
}
