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
