/**
 * The number to close, typed once and shown on the clerk card in large digits, with what it
 * is (SIM card, data card or eSIM). Kept on this device only (localStorage), never sent
 * anywhere; one number for all three operators' cards, as a traveller has one number.
 */

/**
 * Read an Azerbaijani mobile number in any common form (+994 50 123 45 67, 00994…, 994…,
 * 050 123 45 67, 50 123 45 67; spaces, dashes, dots, brackets; any script's digits:
 * normaliseNumberInput) and format it for the card.
 * Pure: testable without a browser.
 * @param {string} input what was typed
 * @param {string[]} prefixes the two-digit mobile prefixes, e.g. ["50", "51", "55", …]
 * @returns {{ok: true, digits: string, display: string} | {ok: false, error: string}}
 *   digits: the 9 national digits; display: "+994 50 123 45 67";
 *   error: empty | malformed | foreign | length | prefix
 */
function parseMobileNumber (input, prefixes) {
  const text = normaliseNumberInput(input).trim();
  if (!text) { return { ok: false, error: 'empty' }; }
  if (!/^\+?[\d\s\-().]+$/.test(text)) { return { ok: false, error: 'malformed' }; }
  let digits = text.replace(/\D/g, '');
  const plus = text.charAt(0) === '+';
  if (!plus && digits.indexOf('00') === 0) {
    digits = digits.slice(2); // 00 is the international prefix, as + is
    if (digits.indexOf('994') !== 0) { return { ok: false, error: 'foreign' }; }
    digits = digits.slice(3);
  } else if (plus) {
    if (digits.indexOf('994') !== 0) { return { ok: false, error: 'foreign' }; }
    digits = digits.slice(3);
  } else if (digits.indexOf('994') === 0 && digits.length === 12) {
    digits = digits.slice(3);
  } else if (digits.charAt(0) === '0') {
    digits = digits.slice(1); // the trunk 0 of 050 …
  }
  if (digits.length !== 9) { return { ok: false, error: 'length' }; }
  if (prefixes.indexOf(digits.slice(0, 2)) === -1) { return { ok: false, error: 'prefix' }; }
  return { ok: true, digits: digits, display: formatMobileNumber(digits) };
}

/** "501234567" -> "+994 50 123 45 67": the grouping Azerbaijani operators print. */
function formatMobileNumber (digits) {
  return ['+994', digits.slice(0, 2), digits.slice(2, 5), digits.slice(5, 7), digits.slice(7, 9)].join(' ');
}

class ClerkNumber extends Component {
  static moduleName = 'clerk-number';

  constructor ($root) {
    super($root);
    this.key = 'simexit:clerk-number:v1';
    this.prefixes = JSON.parse($root.getAttribute('data-prefixes'));
    this.$form = $root.querySelector('[data-clerk-number-form]');
    this.$input = $root.querySelector('[data-clerk-number-input]');
    this.$error = $root.querySelector('[data-clerk-number-error]');
    this.$saved = $root.querySelector('[data-clerk-number-saved]');
    this.$summary = $root.querySelector('[data-clerk-number-summary]');
    this.$products = Array.from($root.querySelectorAll('[data-clerk-number-product]'));
    this.$card = document.querySelector('[data-clerk-number-card]');
    this.$digits = this.$card.querySelector('[data-clerk-number-digits]');
    this.$labels = Array.from(this.$card.querySelectorAll('[data-clerk-number-label]'));

    this.$form.addEventListener('submit', (event) => {
      event.preventDefault(); // nothing leaves the device
      this.save();
    });
    $root.querySelector('[data-clerk-number-edit]').addEventListener('click', () => this.edit());
    $root.querySelector('[data-clerk-number-clear]').addEventListener('click', () => this.clear());
    this.show(this.load(), false);
  }

  /** The saved number and product, or null: anything unreadable counts as nothing saved. */
  load () {
    let value = null;
    try {
      value = JSON.parse(store.get(this.key) || 'null');
    } catch (e) {
      return null;
    }
    if (!value || typeof value.digits !== 'string') { return null; }
    const parsed = parseMobileNumber(value.digits, this.prefixes);
    if (!parsed.ok) { return null; }
    const product = this.$products.some(($p) => $p.value === value.product) ? value.product : 'sim';
    return { digits: parsed.digits, display: parsed.display, product: product };
  }

  save () {
    const parsed = parseMobileNumber(this.$input.value, this.prefixes);
    if (!parsed.ok) {
      this.$error.textContent = this.t('error-' + parsed.error);
      this.$error.hidden = false;
      this.$input.setAttribute('aria-invalid', 'true');
      this.$input.focus();
      return;
    }
    const $checked = this.$products.find(($p) => $p.checked);
    const value = { digits: parsed.digits, display: parsed.display, product: $checked ? $checked.value : 'sim' };
    store.set(this.key, JSON.stringify({ digits: value.digits, product: value.product }));
    this.show(value, true);
  }

  /** Show the number on the card and the summary, or the empty form when there is none. */
  show (value, moveFocus) {
    this.$error.hidden = true;
    this.$error.textContent = '';
    this.$input.removeAttribute('aria-invalid');
    this.$card.hidden = !value;
    this.$saved.hidden = !value;
    this.$form.hidden = !!value;
    if (!value) { return; }
    this.$input.value = value.display;
    this.$products.forEach(($p) => { $p.checked = $p.value === value.product; });
    setTextIfChanged(this.$digits, value.display);
    setTextIfChanged(this.$summary, value.display);
    this.$labels.forEach(($label) => {
      $label.hidden = $label.getAttribute('data-clerk-number-label') !== value.product;
    });
    if (moveFocus) { this.$card.focus(); }
  }

  edit () {
    this.$saved.hidden = true;
    this.$form.hidden = false;
    this.$input.focus();
    this.$input.select();
  }

  clear () {
    store.remove(this.key);
    this.$input.value = '';
    this.show(null, false);
    this.$input.focus();
  }
}

if (typeof module !== 'undefined' && module.exports) {
  module.exports = { parseMobileNumber: parseMobileNumber, formatMobileNumber: formatMobileNumber };
}
