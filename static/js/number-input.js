/**
 * A phone number as people type or paste it, in the ASCII that the finder and the clerk card
 * read: Arabic and Persian keyboards type their own digits, and a number copied out of Arabic or
 * Persian text brings direction marks and other spaces with it. Neither is a reason to refuse it.
 */

/**
 * Arabic-Indic, Persian and full-width digits as 0-9 (each script's zero sits at a multiple of
 * 16), plus and dash signs as + and -, other spaces and the Arabic separators (U+066B, U+066C)
 * as a space; invisible marks (LRM, RLM, ALM, embeddings, isolates, zero-width characters, soft
 * hyphen, BOM) removed. Anything else stays, for the reader to refuse. Pure.
 * @param {string} input what was typed or pasted
 * @returns {string}
 */
function normaliseNumberInput (input) {
  return String(input || '')
    .replace(/[\u200B-\u200F\u061C\u202A-\u202E\u2060\u2066-\u2069\uFEFF\u00AD]/g, '')
    .replace(/[\u0660-\u0669\u06F0-\u06F9\uFF10-\uFF19]/g, (digit) => String(digit.charCodeAt(0) % 16))
    .replace(/[\uFF0B\uFE62\u2795\u207A]/g, '+')
    .replace(/[\u2010-\u2015\u2212\uFE63\uFF0D]/g, '-')
    .replace(/[\u066B\u066C\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' ');
}

if (typeof module !== 'undefined' && module.exports) {
  module.exports = { normaliseNumberInput: normaliseNumberInput };
}
