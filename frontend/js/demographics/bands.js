// The demographic vocabulary the page and the server share (backend/protocol.py has the same
// lists; tests/protocol.json pins both): genders, age bands, and which count events carry a
// track's estimate (a line's net in/out and a zone's entry).

export const GENDERS = Object.freeze(['female', 'male', 'unknown']);
export const AGE_BANDS = Object.freeze(['0-17', '18-24', '25-34', '35-44', '45-54', '55-64', '65+', 'unknown']);
export const DEMOGRAPHIC_KINDS = Object.freeze(['in', 'out', 'enter']);
export const UNKNOWN = 'unknown';

/** Lower bound of each band but "unknown" (years). */
const BAND_STARTS = Object.freeze([0, 18, 25, 35, 45, 55, 65]);

/** The band of an age in years ("unknown" for anything that is not a finite age >= 0). */
export function ageBand(age) {
  if (!Number.isFinite(age) || age < 0) return UNKNOWN;
  let index = 0;
  while (index + 1 < BAND_STARTS.length && age >= BAND_STARTS[index + 1]) index += 1;
  return AGE_BANDS[index];
}

/** How a band or gender is shown in a legend ("0–17", "65+", "Women", "No estimate"). */
export function bandLabel(band) {
  return band === UNKNOWN ? 'No estimate' : band.replace('-', '–');
}

export function genderLabel(gender) {
  return { female: 'Women', male: 'Men', unknown: 'No estimate' }[gender] || gender;
}
