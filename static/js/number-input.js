/**
 * A phone number as people type or paste it, in the plain ASCII that the finder and the clerk
 * card read (lookupNumber, parseMobileNumber). Arabic and Persian keyboards type their own
 * digits, and a number copied from Arabic or Persian text brings invisible direction marks
 * and other spaces with it: none of that is a reason to refuse a number.
 */

/** Zero of each script's digits we read, besides ASCII: Arabic-Indic, Persian, full-width. */
const NUMBER_INPUT_ZEROS = [0x0660, 0x06F0, 0xFF10];

/**
 * ``input`` with every digit in ASCII (٠١٢٣٤٥٦٧٨٩ and ۰۱۲۳۴۵۶۷۸۹ and ０-９ as 0-9), every plus sign
 * as ``+`` (＋ ﹢ ➕ ⁺), every dash as ``-`` (‐ ‑ ‒ – — − ﹣ －), every kind of space and the
 * Arabic separators ٫ ٬ as a space, and the invisible characters removed (LRM, RLM, ALM,
 * embeddings and isolates, zero-width spaces and joiners, soft hyphens, byte-order marks).
 * Anything else is left as it is, for the reader to refuse. Pure: testable without a browser.
 * @param {string} input what was typed or pasted
 * @returns {string}
 */
function normaliseNumberInput (input) {
  return String(input || '')
    .replace(/[\u200B-\u200F\u061C\u202A-\u202E\u2060\u2066-\u2069\uFEFF\u00AD]/g, '')
    .replace(/[\u0660-\u0669\u06F0-\u06F9\uFF10-\uFF19]/g, (digit) => {
      const code = digit.charCodeAt(0);
      const zero = NUMBER_INPUT_ZEROS.find((z) => code >= z && code <= z + 9);
      return String(code - zero);
    })
    .replace(/[\uFF0B\uFE62\u2795\u207A]/g, '+')
    .replace(/[\u2010-\u2015\u2212\uFE63\uFF0D]/g, '-')
    .replace(/[\u066B\u066C\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' ');
}

if (typeof module !== 'undefined' && module.exports) {
  module.exports = { normaliseNumberInput: normaliseNumberInput };
}
