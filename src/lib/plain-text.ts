/**
 * Plain text for records other people read (Salesforce fields): what a payload may carry that is no text, taken
 * out. One decision for every value written:
 * - terminal escape sequences (ANSI CSI `ESC [ ... final`, OSC/DCS/APC strings, two-character `ESC x`) go whole;
 * - C0 controls (U+0000–U+001F), DEL and C1 controls (U+007F–U+009F) go;
 * - bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) go: they reorder what a reader
 *   sees (an override makes `txt.exe` of `exe.txt`);
 * - every run of line breaks (CRLF, CR, LF, VT, FF, NEL, U+2028, U+2029) and tabs, with the spaces around it,
 *   becomes one space: a value is one line, and the only line breaks in a record are those the product puts
 *   between values (src/sync/plain-insights.ts);
 * - a lone surrogate (half an emoji, cut elsewhere) becomes U+FFFD.
 * Everything else (letters of any script, accents, emoji with their joiners, ordinary spaces) is left alone.
 */

/** Escape sequences, matched whole: CSI (7-bit `ESC [` or C1 U+009B), strings (OSC, DCS, SOS, PM, APC) up to their terminator, and `ESC` + intermediates + final. */
// A string's body stops at the next introducer too, so the scan is linear whatever the text (no backtracking blow-up
// on thousands of unterminated introducers); an unterminated string loses only its introducer.
// eslint-disable-next-line no-control-regex
const ESCAPES = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u0090\u0098\u009c-\u009f]*(?:\u0007|\u001b\\|\u009c)|\u001b[ -/]*[0-~]?/g;
/** A run of line breaks and tabs, with the spaces after it (the spaces before it: `trimSpacesEnd`, a regex there would backtrack on long runs of spaces). */
const BREAK_RUN = /[\t\n\v\f\r\u0085\u2028\u2029][\t\n\v\f\r\u0085\u2028\u2029 ]*/;
/** Controls dropped before the breaks are collapsed (breaks and tabs stay for BREAK_RUN). */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Any character the rules above touch (controls, escapes, breaks, bidi): text without one is plain already. */
// eslint-disable-next-line no-control-regex
const TOUCHED = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** A value shown on one line (a Subject, a name, a title, one item inside a line of a Description). */
export function singleLine(text: string): string {
  if (text.isWellFormed() && !TOUCHED.test(text)) return text; // the usual case: nothing to take out, no copy
  const pieces = text.toWellFormed().replace(ESCAPES, '').replace(CONTROLS, '').replace(BIDI, '').split(BREAK_RUN);
  return pieces.map((p, i) => (i < pieces.length - 1 ? trimSpacesEnd(p) : p)).join(' ');
}

function trimSpacesEnd(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  return text.slice(0, end);
}

/** At most `max` UTF-16 code units (as Salesforce counts), never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
