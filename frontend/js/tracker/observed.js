/**
 * Observed regions: the parts of a frame the detector really looked at (pure). When the detector
 * runs only some of its crops on a frame (pipeline/region_rotation.js), a person outside them
 * was not looked for, so not finding them says nothing: the tracker predicts such a track
 * (keeps it, reports its predicted box) instead of losing it.
 *
 * A region is { x, y, width, height, minHeight? } in frame pixels; minHeight: the smallest
 * person (box height, frame pixels) it can find (a whole-frame run at low scale sees only big
 * people; 0 or absent: anyone). A box is observed when one region holds it whole: within the
 * region's borders, except the borders on the frame's edge (a person cut by the frame is
 * still seen), with a margin of `margin` x the box's height for the prediction's error.
 */

/** Is `box` ([x1, y1, x2, y2]) seen whole by `region` in a frame `width` x `height`? */
export function holdsWhole(region, box, { width = Infinity, height = Infinity, margin = 0 } = {}) {
  const [x1, y1, x2, y2] = box;
  const pad = margin * (y2 - y1);
  const right = region.x + region.width, bottom = region.y + region.height;
  const edge = 1;
  return (region.x <= edge || x1 - pad >= region.x)
    && (region.y <= edge || y1 - pad >= region.y)
    && (right >= width - edge || x2 + pad <= right)
    && (bottom >= height - edge || y2 + pad <= bottom)
    // a box outside the region altogether (beyond a frame-edge border) is not held either
    && x2 > region.x && x1 < right && y2 > region.y && y1 < bottom;
}

/**
 * Was `box` looked at? observed: null (the whole frame was: always true) or the regions run.
 */
export function isObserved(box, observed, { width = Infinity, height = Infinity, margin = 0 } = {}) {
  if (observed === null || observed === undefined) return true;
  const boxHeight = box[3] - box[1];
  return observed.some((region) => boxHeight >= (region.minHeight || 0) && holdsWhole(region, box, { width, height, margin }));
}

/**
 * Adds `seconds` (the time since the previous update) to the unlooked time of each track whose
 * predicted box the detector did not look at on this update (observed null: it looked everywhere).
 */
export function addUnlookedTime(tracks, seconds, observed, { width = Infinity, height = Infinity, margin = 0 } = {}) {
  if (observed === null || observed === undefined) return;
  for (const track of tracks) {
    if (!isObserved(track.box, observed, { width, height, margin })) track.unlookedSeconds += seconds;
  }
}

/**
 * Seconds since `track` was last detected during which the detector looked at it: with crops in
 * turn a person is looked at on a share of the frames, and only those frames show they are gone.
 * Without observed regions (the whole frame every run) it is the time since the last detection.
 */
export function lookedSecondsLost(track, timestamp) {
  return timestamp - track.lastTimestamp - track.unlookedSeconds;
}

/**
 * Is a new person (box [x1, y1, x2, y2]) one no earlier update could have detected: shorter than
 * `unseenBelow` pixels, the smallest person the detector could find before it looked closer (0:
 * it looks no closer than before)? The tracker confirms such a track at once, as it confirms
 * everyone on its first update: a second sighting guards against a one-run false detection, but
 * here it would only leave out, for a run or more, everyone the closer look has just found
 * (a survey that finds a whole crowd of small people at once).
 */
export function firstSighting(box, unseenBelow) {
  return unseenBelow > 0 && box[3] - box[1] < unseenBelow;
}

/** Throws unless `observed` is null or an array of { x, y, width, height, minHeight? } with finite numbers. */
export function requireObserved(observed, owner) {
  if (observed === null || observed === undefined) return null;
  if (!Array.isArray(observed)) throw new TypeError(`${owner}: observed must be null or an array of regions`);
  for (const region of observed) {
    for (const key of ['x', 'y', 'width', 'height']) {
      if (!Number.isFinite(region?.[key])) throw new TypeError(`${owner}: observed region ${key} must be a finite number`);
    }
    if (region.minHeight !== undefined && !(region.minHeight >= 0)) throw new RangeError(`${owner}: observed region minHeight must be >= 0`);
  }
  return observed;
}
