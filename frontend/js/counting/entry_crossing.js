/**
 * Line crossings across gaps between sightings. A detector that runs a few times a second
 * sees a person on one side and, half a second later, on the other: the crossing is stamped
 * with the time the straight movement passed the line. And when the tracker lost a person at
 * the line, the person's new track starts just past it: its first two sightings give the
 * walking velocity, and if walking back along it for the time the detector could not have
 * seen them (two detector runs: the run that first saw them, whose track the tracker confirms
 * only at the next one, and the run before; longer when, walked back, they were hidden behind
 * someone seen at the runs before those) crosses the segment, they came from the other side.
 */
import { coveredFraction } from '../geometry/boxes.js';
import { distance } from '../geometry/points.js';
import { crossSign, movementCrossesSegment } from '../geometry/segments.js';

/** How many detector runs back a new track may have been unseen (see above). */
const ENTRY_RUNS = 2;
/**
 * The rule is for gaps between detector runs: at a video's frame rate (runs less than this
 * many seconds apart) a track first seen past a line was not missed by the detector, and a
 * foot point that wobbles (boxes cut by the picture's edge) would make up crossings.
 */
const ENTRY_MIN_INTERVAL = 0.1;
/** Another track's crossing to the same side within this many box heights blocks the entry rule. */
const GUARD_HEIGHTS = 2;
/** A person is hidden behind someone seen at a run when that person's box covers at least this share of theirs. */
const HIDDEN_SHARE = 0.5;
/**
 * A new track's first two sightings, at least ENTRY_MIN_INTERVAL apart, show no walk to follow back
 * over a line when their foot points lie closer than WOBBLE_HEIGHTS of the box height (a box's
 * bottom and its ankles wobble by a few pixels, 2-3% of the height, from one run to the next while
 * someone stands; docs/counting.md) and the track moved slower than WALKING_HEIGHTS heights a
 * second (the tracker's "walking, not standing", tracker/association.js). Sightings closer in time
 * (a frame apart) are not judged: there a walker's few pixels are within the wobble.
 */
const WOBBLE_HEIGHTS = 0.05;
const WALKING_HEIGHTS = 0.25;

/** Do two sightings (at least ENTRY_MIN_INTERVAL apart) show someone standing, not walking (see above)? */
export function showsNoWalk(first, second, height) {
  const elapsed = second.timestamp - first.timestamp;
  if (!(height > 0) || elapsed < ENTRY_MIN_INTERVAL) return false;
  const moved = Math.hypot(second.point[0] - first.point[0], second.point[1] - first.point[1]);
  return moved < WOBBLE_HEIGHTS * height && moved < WALKING_HEIGHTS * height * elapsed;
}

/** Linear interpolation of two sightings ({ point, frameIndex, timestamp }) at fraction s. */
function between(from, to, s) {
  return {
    point: [from.point[0] + s * (to.point[0] - from.point[0]), from.point[1] + s * (to.point[1] - from.point[1])],
    frame: {
      frameIndex: Math.round(from.frameIndex + s * (to.frameIndex - from.frameIndex)),
      timestamp: from.timestamp + s * (to.timestamp - from.timestamp),
    },
  };
}

/** Where and when the movement from sighting `from` to sighting `to` passed the line a->b. */
export function crossingFrame(a, b, from, to) {
  const before = crossSign(a, b, from.point);
  const after = crossSign(a, b, to.point);
  const s = before === after ? 1 : before / (before - after);
  return between(from, to, Math.min(1, Math.max(0, s)));
}

/**
 * How long before its first sighting a new track's person may have been hidden behind others
 * (seconds; 0: not known to be): walking the first two sightings' velocity back, their box at
 * the detector's runs before the two the rule always allows for (see ENTRY_RUNS) was covered,
 * run after run, by someone seen at that run (HIDDEN_SHARE of it): no run could have seen them
 * there, so they may have been unseen since the run before the last such run (from when
 * counting began, if there is none). `first.runs`: [{ timestamp, boxes: [{ trackId, box }] }]
 * of the runs before the first sighting, oldest first; `first.size`: [width, height] of its box.
 */
function hiddenFor(first, second, elapsed) {
  const runs = first.runs || [];
  const [width, height] = first.size || [0, 0];
  if (!(width > 0 && height > 0)) return 0;
  const vx = (second.point[0] - first.point[0]) / elapsed;
  const vy = (second.point[1] - first.point[1]) / elapsed;
  let unseen = 0;
  // runs[runs.length - 1] is the run before the first sighting, always allowed for; look before it
  for (let k = runs.length - ENTRY_RUNS; k >= 0; k -= 1) {
    const back = first.timestamp - runs[k].timestamp;
    const x = first.point[0] - vx * back;
    const y = first.point[1] - vy * back;
    const box = [x - width / 2, y - height, x + width / 2, y];
    if (!runs[k].boxes.some((other) => coveredFraction(box, other.box) >= HIDDEN_SHARE)) break;
    unseen = k > 0 ? first.timestamp - runs[k - 1].timestamp : Infinity;
  }
  return unseen;
}

/**
 * The crossing a new track's first sighting implies, or null.
 * @param line  { a, b, recentCrossings: [{ trackId, point, toSide, timestamp }] }
 * @param first  { point, side, frameIndex, timestamp, facing?, interval, since? } the track's
 *   first sighting (interval: seconds between the detector run that gave it and the run before,
 *   or, at the first run, since counting began; since: when counting began, if known: the walk
 *   back never goes before it; facing: +1 right, -1 left, 0 not known)
 * @param second  { point, side, frameIndex, timestamp, facing? } its next sighting
 * @returns {{ point, frame: { frameIndex, timestamp } } | null}
 */
export function entryCrossing(line, first, second, { height = 0, lookbackSeconds }) {
  const elapsed = second.timestamp - first.timestamp;
  if (first.interval < ENTRY_MIN_INTERVAL) return null;
  if (!(elapsed > 0) || second.side !== first.side) return null;
  if (showsNoWalk(first, second, height)) return null;
  // The walk is inferred from two sightings; a person facing against it was not walking it
  // (an id handed from one person to another, or a box that wobbles).
  const dx = second.point[0] - first.point[0];
  if ([first.facing, second.facing].some((facing) => facing && facing * dx < 0)) return null;
  // Only now the walk back over the runs before (hiddenFor), for a track the checks above let through.
  const counting = first.since === null || first.since === undefined ? Infinity : first.timestamp - first.since;
  const unseen = Math.max(ENTRY_RUNS * first.interval, hiddenFor(first, second, elapsed));
  const lookback = Math.min(lookbackSeconds, unseen, counting);
  if (!(lookback > 0)) return null;
  const scale = lookback / elapsed;
  const back = [
    first.point[0] - scale * (second.point[0] - first.point[0]),
    first.point[1] - scale * (second.point[1] - first.point[1]),
  ];
  if (!movementCrossesSegment(line.a, line.b, back, first.point)) return null;
  const origin = { point: back, frameIndex: first.frameIndex - scale * (second.frameIndex - first.frameIndex), timestamp: first.timestamp - lookback };
  const crossing = crossingFrame(line.a, line.b, origin, first);
  // The person may already have been counted by the track the tracker lost: another track's
  // crossing to this side, recent and close enough to be the same person, blocks the rule; not a
  // crossing made after this track's first sighting (the person was already past the line then).
  const reach = height > 0 ? GUARD_HEIGHTS * height : Infinity;
  const counted = line.recentCrossings.some((other) => other.toSide === first.side
    && other.timestamp <= first.timestamp + 1e-9
    && first.timestamp - other.timestamp <= lookback + elapsed
    && distance(other.point, crossing.point) <= reach);
  return counted ? null : crossing;
}
