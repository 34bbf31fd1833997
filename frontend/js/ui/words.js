// Pure: counted nouns in words that fit the number ("1 zone", "2 zones", "0 batches").
// The one home of the plural rule every page and status line uses.

/** The noun that goes with n: singular for exactly 1, else the plural (default: + "s"). */
export function nounFor(n, singular, plural = `${singular}s`) {
  return n === 1 ? singular : plural;
}

/** "n noun": countOf(1, 'zone') = "1 zone", countOf(3, 'batch', 'batches') = "3 batches". */
export function countOf(n, singular, plural = `${singular}s`) {
  return `${n} ${nounFor(n, singular, plural)}`;
}

// Bidirectional formatting characters: embeddings and overrides (U+202A..U+202E), isolates
// (U+2066..U+2069) and the marks (U+200E, U+200F, U+061C).
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/** A name to put inside a sentence: as it is, unless it holds bidi formatting characters
 *  (a right-to-left override, U+202E, turns the rest of the line around: "Saved the webhook
 *  of “Till ‮x”. Send a test…" read backwards after the name); then between U+2068 (first
 *  strong isolate) and U+2069 (pop directional isolate), which ends whatever it opened. */
export function isolated(name) {
  const text = String(name);
  return BIDI_CONTROLS.test(text) ? `\u2068${text}\u2069` : text;
}
