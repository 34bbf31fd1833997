// What the page and the server agree on about counts, defined once for JS (backend has its
// own single definition): the keys rows are logged under, which of them name a saved zone,
// the event kinds, and the bounds of a row. Pure.

/** A zone, line or band key, a run's client id and a batch id: 1-64 of these characters. */
export const KEY_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** A saved zone's counts are logged under "zone-<id>"; the server links such a key to the zone. */
export const SAVED_ZONE_KEY_PREFIX = 'zone-';
/** A zone drawn but not saved yet: "draft-<local id>" (not linked to any zone). */
export const DRAFT_ZONE_KEY_PREFIX = 'draft-';
/** The whole frame's row (people in view). */
export const FRAME_KEY = 'frame';
// cancel_in / cancel_out: a crossing back that cancels a person's earlier in / out.
export const EVENT_KINDS = Object.freeze(['in', 'out', 'cancel_in', 'cancel_out', 'enter', 'leave', 'alert_start', 'alert_end']);
export const TRACK_ID_MIN = -(2 ** 31);
export const TRACK_ID_MAX = 2 ** 31 - 1;
export const MAX_DWELL_SECONDS = 10 * 365 * 86400;
/** A zone's alert hold times, seconds (the server refuses more). */
export const MAX_HOLD_SECONDS = 3600;
/** A zone's alert limit, people (the server refuses more). */
export const MAX_ALERT_THRESHOLD = 1_000_000;
/** A band is at most this many times the frame's longer side wide. */
export const BAND_WIDTH_MAX_FRAME_SIDES = 2;

const SAVED_ZONE_KEY = /^zone-([0-9]{1,18})$/;

export function isKey(value) {
  return typeof value === 'string' && KEY_PATTERN.test(value);
}

export function savedZoneKey(zoneId) {
  return `${SAVED_ZONE_KEY_PREFIX}${zoneId}`;
}

export function draftZoneKey(localId) {
  return `${DRAFT_ZONE_KEY_PREFIX}${localId}`;
}

/** The zone id a "zone-<id>" key names, else null. */
export function zoneIdFromKey(key) {
  const match = SAVED_ZONE_KEY.exec(String(key));
  return match ? Number(match[1]) : null;
}

/** A track id the server accepts (32-bit signed integer)? */
export function isTrackId(value) {
  return Number.isInteger(value) && value >= TRACK_ID_MIN && value <= TRACK_ID_MAX;
}

/** A dwell time the server accepts: finite seconds in [0, MAX_DWELL_SECONDS]? */
export function isDwellSeconds(value) {
  return Number.isFinite(value) && value >= 0 && value <= MAX_DWELL_SECONDS;
}
