/**
 * Which operator issued a number's prefix? Runs only in the browser: the number
 * is never sent anywhere or stored. A prefix is a hint (numbers can be ported).
 * The table is the page's, generated at build time from the phonenumbers package
 * (webapp/numbers.py): {operators: {code: id}, naxtel: [code], other: {code: carrier}}.
 */

/**
 * Read a number in any common form (+994 50 …, 00994 50 …, 050 …, 50 …, or just the
 * first digits; any script's digits: normaliseNumberInput) and say what its prefix tells.
 * Pure: testable without a browser.
 * @returns {{status: string, prefix?: string, operator?: string, carrier?: string}}
 *   status: operator | naxtel | other-operator | unknown-prefix | incomplete | malformed | too-long | foreign
 *   (other-operator: a carrier this guide does not cover, by the library's name in `carrier`)
 */
function lookupNumber (input, table) {
  const text = normaliseNumberInput(input).trim();
  if (!text) { return { status: 'incomplete' }; }
  if (!/^\+?[\d\s\-().]+$/.test(text)) { return { status: 'malformed' }; }
  let digits = text.replace(/\D/g, '');
  const international = text.charAt(0) === '+' || digits.indexOf('00994') === 0;
  if (digits.indexOf('00994') === 0) {
    digits = digits.slice(5);
  } else if (digits.indexOf('994') === 0 && (international || digits.length > 10)) {
    digits = digits.slice(3);
  } else if (international) {
    return { status: 'foreign' }; // another country's number
  } else if (digits.charAt(0) === '0') {
    digits = digits.slice(1);
  }
  if (digits.length > 9) { return { status: 'too-long' }; }
  if (digits.length < 2) { return { status: 'incomplete' }; }
  const prefix = digits.slice(0, 2);
  if (Object.prototype.hasOwnProperty.call(table.operators, prefix)) {
    return { status: 'operator', prefix: prefix, operator: table.operators[prefix] };
  }
  if (table.naxtel.indexOf(prefix) !== -1) { return { status: 'naxtel', prefix: prefix }; }
  if (Object.prototype.hasOwnProperty.call(table.other, prefix)) {
    return { status: 'other-operator', prefix: prefix, carrier: table.other[prefix] };
  }
  return { status: 'unknown-prefix', prefix: prefix };
}

class NumberFinder extends Component {
  static moduleName = 'number-finder';

  constructor ($root) {
    super($root);
    this.table = JSON.parse($root.getAttribute('data-prefix-table'));
    this.$input = $root.querySelector('[data-finder-input]');
    this.$result = $root.querySelector('[data-finder-result]');
    this.$form = $root.querySelector('form');
    this.$form.hidden = false;
    this.$form.addEventListener('submit', (event) => {
      event.preventDefault(); // nothing leaves the device
      this.show();
    });
    this.$input.addEventListener('input', () => this.show());
  }

  show () {
    const result = lookupNumber(this.$input.value, this.table);
    const $template = this.$root.querySelector('[data-finder-template="' + result.status + '"]');
    this.$result.textContent = '';
    if (!this.$input.value.trim() || !$template) { return; }
    const $node = $template.content.cloneNode(true);
    $node.querySelectorAll('[data-finder-prefix]').forEach(($el) => { $el.textContent = '0' + result.prefix; });
    $node.querySelectorAll('[data-finder-carrier]').forEach(($el) => { $el.textContent = result.carrier; });
    if (result.operator) {
      const $link = this.$root.querySelector('[data-finder-operator="' + result.operator + '"]');
      $node.querySelectorAll('[data-finder-operator-slot]').forEach(($slot) => {
        $slot.appendChild($link.content.cloneNode(true));
      });
    }
    this.$result.appendChild($node);
  }
}

if (typeof module !== 'undefined' && module.exports) {
  module.exports = { lookupNumber: lookupNumber };
}
