/** Cost matrices between tracks and detections (IoU distance, optionally fused with score). */
import { iouDistanceMatrix } from '../geometry/boxes.js';
import { appearanceSimilarity } from './appearance.js';
import { TrackState } from './track.js';
import { faceApart } from '../core/facing.js';
import { exitEdge, PERSON_ASPECT, touchesEdge } from './output.js';

function flatBoxes(items, { width = Infinity, height = Infinity } = {}) {
  const flat = new Float64Array(items.length * 4);
  items.forEach((item, index) => flat.set(clipToPicture(item.box, width, height), index * 4));
  return flat;
}

/**
 * The part of a box inside the picture (width x height; unknown size: the box as it is). The
 * detector reports only what the picture shows, so a track predicted partly past the picture's
 * edge is compared with a detection by its part inside.
 */
export function clipToPicture([x1, y1, x2, y2], width = Infinity, height = Infinity) {
  if (!Number.isFinite(width) || !Number.isFinite(height)) return [x1, y1, x2, y2];
  return [Math.max(0, x1), Math.max(0, y1), Math.min(width, x2), Math.min(height, y2)];
}

/**
 * 1 - IoU between the tracks' current boxes and the detections' boxes. With `picture` ({ width,
 * height }), a detection cut by the picture's edge (touchesEdge) is compared with the part of each
 * track's box inside the picture (clipToPicture): the detector reports only what the picture shows.
 */
export function iouDistance(tracks, detections, picture = undefined) {
  const whole = iouDistanceMatrix(flatBoxes(tracks), tracks.length, flatBoxes(detections), detections.length);
  if (!picture || !Number.isFinite(picture.width) || !Number.isFinite(picture.height)) return whole;
  const cut = detections.map((detection) => touchesEdge(detection.box, picture.width, picture.height));
  if (!cut.some(Boolean)) return whole;
  const clipped = iouDistanceMatrix(flatBoxes(tracks, picture), tracks.length, flatBoxes(detections), detections.length);
  return whole.map((value, k) => (cut[k % detections.length] ? clipped[k] : value));
}

/** ByteTrack's score fusion: cost = 1 - IoU * score(detection). */
export function fuseScore(cost, rows, detections) {
  const columns = detections.length;
  const fused = new Float64Array(cost.length);
  for (let i = 0; i < rows; i += 1) {
    for (let j = 0; j < columns; j += 1) {
      fused[i * columns + j] = 1 - (1 - cost[i * columns + j]) * detections[j].score;
    }
  }
  return fused;
}

/** Appearance similarity (0..1) of every track/detection pair; NaN where either has none. */
export function similarityMatrix(tracks, detections) {
  const similarity = new Float64Array(tracks.length * detections.length);
  tracks.forEach((track, i) => {
    detections.forEach((detection, j) => {
      const value = appearanceSimilarity(track.embedding, detection.embedding);
      similarity[i * detections.length + j] = value === null ? Number.NaN : value;
    });
  });
  return similarity;
}

/**
 * Pairs allowed by `cost` <= limit get `weight` * (1 - similarity) added, so among plausible
 * pairs the ones that look alike win; pairs over the limit become Infinity.
 */
export function addAppearance(cost, similarity, limit, weight) {
  return cost.map((value, k) => {
    if (!(value <= limit)) return Infinity;
    const similar = similarity[k];
    return Number.isNaN(similar) ? value : value + weight * (1 - similar);
  });
}

/**
 * Association by motion for boxes that overlap too little (a detector a few times a second
 * sees people move about their own width): a pair's cost becomes, where lower (so where the
 * IoU cost is above `floor`), `floor` + (`limit` - `floor`) * r, r the
 * distance of the detection's centre from the track's predicted centre relative to the
 * track's height and to how far a person walks in the time since the track was last
 * detected (`speed` heights a second, plus a quarter height); pairs with r > 1, or whose
 * heights differ by more than a third, are left as they are. Where both have an appearance
 * signature the pair must also look alike (`minSimilarity`): across a gap, looks confirm
 * what position alone cannot. Rows flagged in `skip` are left as they are.
 */
export function addMotion(cost, tracks, detections, timestamp, { speed, floor, limit, similarity, minSimilarity, skip = [] }) {
  const columns = detections.length;
  const result = Float64Array.from(cost);
  tracks.forEach((track, i) => {
    if (skip[i]) return;
    const [x1, y1, x2, y2] = track.box;
    const height = y2 - y1;
    if (!(height > 0)) return;
    const reach = height * (speed * Math.max(0, timestamp - track.lastTimestamp) + 0.25);
    detections.forEach((detection, j) => {
      const k = i * columns + j;
      if (similarity[k] < minSimilarity) return;
      const [dx1, dy1, dx2, dy2] = detection.detectionBox;
      if (Math.abs(Math.log((dy2 - dy1) / height)) > Math.log(4 / 3)) return;
      if (turnsBack(track, detection.detectionBox, height)) return;
      const ratio = Math.hypot((dx1 + dx2 - x1 - x2) / 2, (dy1 + dy2 - y1 - y2) / 2) / reach;
      if (ratio <= 1) result[k] = Math.min(result[k], floor + (limit - floor) * ratio);
    });
  });
  return result;
}

/** A lost track missed at this many detector runs in a row is hidden, not briefly missed (see yieldToOverlap). */
const HIDDEN_RUNS = 2;

/**
 * Pairs of a hidden lost track (missed at HIDDEN_RUNS detector runs or more in a row: the
 * detector looked and did not see them) and a detection it overlaps too little for `overlap`
 * (the IoU cost before motion) to be within `limit`, where a track seen at the previous run
 * overlaps that detection within `limit`, become Infinity. Found again by motion alone, a
 * person hidden behind others does not take a box that someone still followed explains by
 * overlap: the overlap is the stronger evidence (people side by side or one behind the other),
 * while the motion gate of a track hidden for long is wide (it grows with the time lost). A
 * track missed at one run only keeps its motion match: at low rates that is how a walker
 * missed once is found again. Only the detector's `missedLooks` count, not the time lost.
 */
export function yieldToOverlap(cost, overlap, tracks, columns, limit) {
  const result = Float64Array.from(cost);
  // Most runs have no hidden track (nor, at the video's rate, any lost one): nothing to forbid.
  if (!tracks.some(isHidden)) return result;
  for (let j = 0; j < columns; j += 1) {
    const explained = tracks.some((track, k) => track.state === TrackState.TRACKED && overlap[k * columns + j] <= limit);
    if (!explained) continue;
    tracks.forEach((track, i) => {
      if (isHidden(track) && !(overlap[i * columns + j] <= limit)) result[i * columns + j] = Infinity;
    });
  }
  return result;
}

/** A lost track missed at HIDDEN_RUNS detector runs or more in a row (see yieldToOverlap). */
function isHidden(track) {
  return track.state === TrackState.LOST && track.missedLooks >= HIDDEN_RUNS;
}

/** Walking speed (heights a second) above which a track's direction is known. */
const KNOWN_DIRECTION = 0.25;
/** How far (in heights) behind its last position, against its direction, a walker can be found. */
const BACK_SLACK = 0.25;

/** Is the track seen at two times and slower than KNOWN_DIRECTION heights a second (standing, not walking)? */
function standsStill(track) {
  if (!(track.lastTimestamp > track.startTimestamp) || !track.mean) return false;
  return Math.hypot(track.mean[4], track.mean[5]) <= KNOWN_DIRECTION * track.mean[3];
}

/**
 * Do the track and the detection face opposite ways (core/facing.js), the track not known to
 * stand still? Someone walking faces the way they go; someone standing turns their head.
 */
export function facesAway(track, detection) {
  return faceApart(track, detection) && !standsStill(track);
}

/**
 * Would the track have to turn back to be at `box`? A track seen at two times and walking
 * (faster than KNOWN_DIRECTION heights a second) is not found by motion more than a quarter
 * height behind its last detection, against its direction: between two detector runs a
 * walker does not turn round at walking speed; someone there is someone else (two people
 * crossing paths, or one leaving at the picture's edge as another enters).
 */
export function turnsBack(track, box, height) {
  if (!(track.lastTimestamp > track.startTimestamp) || !track.mean) return false;
  const vx = track.mean[4];
  const vy = track.mean[5];
  const speed = Math.hypot(vx, vy);
  if (!(speed > KNOWN_DIRECTION * height)) return false;
  const [x1, y1, x2, y2] = track.detectionBox;
  const along = (((box[0] + box[2]) - (x1 + x2)) / 2 * vx + ((box[1] + box[3]) - (y1 + y2)) / 2 * vy) / speed;
  return along < -BACK_SLACK * height;
}

/** Pairs whose heights (the track's last detection and the detection) differ by more than `factor` become Infinity. */
export function gateHeights(cost, tracks, detections, factor) {
  const result = Float64Array.from(cost);
  const limit = Math.log(factor);
  tracks.forEach((track, i) => {
    const height = track.detectionBox[3] - track.detectionBox[1];
    if (!(height > 0)) return;
    detections.forEach((detection, j) => {
      const other = detection.detectionBox[3] - detection.detectionBox[1];
      if (Math.abs(Math.log(other / height)) > limit) result[i * detections.length + j] = Infinity;
    });
  });
  return result;
}

/** Pairs of a lost track and a detection that do not look alike enough (or of a gone track) become Infinity. */
export function requireLooks(cost, tracks, columns, similarity, minSimilarity, gone) {
  const result = Float64Array.from(cost);
  tracks.forEach((track, i) => {
    if (track.state !== TrackState.LOST) return;
    for (let j = 0; j < columns; j += 1) {
      if (gone[i] || similarity[i * columns + j] < minSimilarity) result[i * columns + j] = Infinity;
    }
  });
  return result;
}

/**
 * Pairs of a walking track and a detection facing opposite ways (see facesAway), and (with the
 * update's `timestamp`) pairs where the detection's person would have walked backwards (see
 * walksBackwards), become Infinity.
 */
export function gateFacing(cost, tracks, detections, timestamp = null) {
  const result = Float64Array.from(cost);
  tracks.forEach((track, i) => detections.forEach((detection, j) => {
    const backwards = timestamp !== null && walksBackwards(track, detection, timestamp);
    if (backwards || facesAway(track, detection)) result[i * detections.length + j] = Infinity;
  }));
  return result;
}

/**
 * Would the detection's person have come from the last detection of a track seen only once
 * (no velocity yet, so turnsBack cannot tell) walking against the way they face, faster than
 * KNOWN_DIRECTION heights a second? People walk the way they face: two people walking one behind
 * the other, both new, are not each other (the one behind has not stepped back to where the one
 * ahead was first seen).
 */
export function walksBackwards(track, detection, timestamp) {
  const seconds = timestamp - track.lastTimestamp;
  if (!detection.facing || !(seconds > 0) || track.lastTimestamp > track.startTimestamp) return false;
  const [x1, y1, x2, y2] = track.detectionBox;
  const [dx1, , dx2] = detection.detectionBox;
  const moved = ((dx1 + dx2) - (x1 + x2)) / 2;
  return detection.facing * moved < 0 && Math.abs(moved) / seconds > KNOWN_DIRECTION * (y2 - y1);
}

/**
 * Duplicates between tracked and lost tracks (closer than `distance`, 1 - IoU): the younger of
 * two near-identical tracks goes. Returns the indices to drop of each list.
 */
export function duplicates(tracked, lost, distance) {
  const distances = iouDistance(tracked, lost);
  const dropTracked = new Set();
  const dropLost = new Set();
  for (let i = 0; i < tracked.length; i += 1) {
    for (let j = 0; j < lost.length; j += 1) {
      if (distances[i * lost.length + j] >= distance) continue;
      const ageTracked = tracked[i].lastTimestamp - tracked[i].startTimestamp;
      const ageLost = lost[j].lastTimestamp - lost[j].startTimestamp;
      if (ageTracked > ageLost) dropLost.add(j);
      else dropTracked.add(i);
    }
  }
  return { dropTracked, dropLost };
}

/**
 * Where a track last seen at an edge of the picture, walking out through it (output.js's
 * exitEdge), really is across that edge: the centre of its box as if the edge did not cut it
 * (at least PERSON_ASPECT wide for its height). Returns { axis (0: x, 1: y), centre, outward
 * (+1 / -1), height } or null.
 */
export function leavingAt(track, { width, height }) {
  const edge = track.mean ? exitEdge(track.detectionBox, track.mean[4], track.mean[5], width, height) : null;
  if (edge === null) return null;
  const [x1, y1, x2, y2] = track.detectionBox;
  const tall = Math.max(y2 - y1, (x2 - x1) / PERSON_ASPECT);
  const wide = Math.max(x2 - x1, PERSON_ASPECT * tall);
  if (edge === 'right') return { axis: 0, centre: x1 + wide / 2, outward: 1, height: tall };
  if (edge === 'left') return { axis: 0, centre: x2 - wide / 2, outward: -1, height: tall };
  if (edge === 'bottom') return { axis: 1, centre: y1 + tall / 2, outward: 1, height: tall };
  return { axis: 1, centre: y2 - tall / 2, outward: -1, height: tall };
}

/**
 * Pairs of a track last seen at an edge of the picture walking out through it and a detection
 * more than BACK_SLACK of a height back inside from where the track really is (leavingAt)
 * become Infinity: between two runs someone leaving is still at the edge or gone. The
 * filter's speed of someone leaving falls towards zero at the edge (the box cut by the edge
 * stops moving with the person), so turnsBack does not see the direction there.
 */
export function gateLeaving(cost, tracks, detections, frameSize) {
  const result = Float64Array.from(cost);
  tracks.forEach((track, i) => {
    const leaving = leavingAt(track, frameSize);
    if (leaving === null) return;
    const { axis, centre, outward, height } = leaving;
    detections.forEach((detection, j) => {
      const box = detection.detectionBox;
      const along = ((box[axis] + box[axis + 2]) / 2 - centre) * outward;
      if (along < -BACK_SLACK * height) result[i * detections.length + j] = Infinity;
    });
  });
  return result;
}
