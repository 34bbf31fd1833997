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

const ISOLATE_OPENERS = new Set(['\u2066', '\u2067', '\u2068']);
const POP_ISOLATE = '\u2069';

/** A name to put inside a sentence: as it is, unless it holds bidi formatting characters
 *  (a right-to-left override, U+202E, turns the rest of the line around: "Saved the webhook
 *  of “Till ‮x”. Send a test…" read backwards after the name); then between U+2068 (first
 *  strong isolate) and U+2069 (pop directional isolate), which ends whatever it opened.
 *  The name cannot break out of that fence: a U+2069 of its own that closes nothing inside
 *  it (it would close the fence and let a following override loose on the sentence) is left
 *  out, and isolates it opens are closed before the fence is. */
export function isolated(name) {
  const text = String(name);
  if (!BIDI_CONTROLS.test(text)) return text;
  let open = 0;
  let inside = '';
  for (const char of text) {
    if (ISOLATE_OPENERS.has(char)) open += 1;
    else if (char === POP_ISOLATE) {
      if (open === 0) continue;
      open -= 1;
    }
    inside += char;
  }
  return `\u2068${inside}${POP_ISOLATE.repeat(open)}${POP_ISOLATE}`;
}
