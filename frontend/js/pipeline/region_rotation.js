/**
 * Crops in turn (pure: no DOM, no timers). Looking at every crop on every frame costs one model
 * run per crop; but between two frames of a 25 fps camera a distant person moves a pixel or two.
 * So, when frames come faster than `carrySeconds`, the crops of a plan take turns: each frame
 * runs a share of them (crop i on the frames where i % groups is the turn), and the people found
 * by the others at their last run (at most `carrySeconds` ago) stand in for them: they are
 * "carried" into this frame's detections, so the tracker sees everyone on every frame.
 *
 * - groups = floor(carrySeconds / frame period) + 1: at 25 fps and 0.1 s, 3 (each crop every
 *   third frame, carried detections at most 2 frames old); at 7 fps, 1 (every crop every frame).
 * - A crop whose last run is older than carrySeconds runs whatever the turn (slower frames), and
 *   so does a crop holding a person seen once (their track is confirmed by a second sighting,
 *   never by their own carried copy: carried detections enter the tracker as low-score ones).
 * - A new plan (other crops) runs all its crops on its first frame.
 * - combine(): this frame's detections, plus the carried ones whose box is not well inside a
 *   crop run now (such a crop saw the person afresh, or saw that they are gone). A fresh box cut by a crop's inner border
 *   and covered by a carried one is the fragment of a person seen whole before: dropped; a
 *   carried box overlapping a fresh one by more than REGION_IOU_THRESHOLD is the same person:
 *   dropped (the fresh box wins). With `velocities` (the tracker's, for the last frame's
 *   detections), a carried box is moved on to this frame's time as its person walks.
 */
import { createDetections } from '../core/detections.js';
import { REGION_IOU_THRESHOLD, SEAM_COVER, SEAM_MARGIN } from '../detector/region_merge.js';

const EPSILON = 1e-9;

function box(detections, index) {
  return detections.boxes.subarray(4 * index, 4 * index + 4);
}

function inside(b, region) {
  return b[0] >= region.x - SEAM_MARGIN && b[1] >= region.y - SEAM_MARGIN
    && b[2] <= region.x + region.width + SEAM_MARGIN && b[3] <= region.y + region.height + SEAM_MARGIN;
}

/**
 * Inside the crop by more than a quarter of the box's height from its inner borders: where the
 * person was, the crop sees them whole even after a walk of carrySeconds (a person walks about
 * 1.5 of their heights a second). A crop run now that found nobody there: they are gone.
 */
function wellInside(b, region, width, height) {
  const margin = 0.25 * (b[3] - b[1]);
  const right = region.x + region.width, bottom = region.y + region.height;
  return b[0] >= (region.x > SEAM_MARGIN ? region.x + margin : 0) && b[1] >= (region.y > SEAM_MARGIN ? region.y + margin : 0)
    && b[2] <= (right < width - SEAM_MARGIN ? right - margin : width) && b[3] <= (bottom < height - SEAM_MARGIN ? bottom - margin : height);
}

/** Touches an inner border (not the frame's edge) of every crop run now that holds it. */
function cutByRun(b, regions, width, height) {
  const holding = regions.filter((region) => inside(b, region));
  return holding.length > 0 && holding.every((region) => {
    const right = region.x + region.width, bottom = region.y + region.height;
    return (region.x > SEAM_MARGIN && b[0] <= region.x + SEAM_MARGIN) || (region.y > SEAM_MARGIN && b[1] <= region.y + SEAM_MARGIN)
      || (right < width - SEAM_MARGIN && b[2] >= right - SEAM_MARGIN) || (bottom < height - SEAM_MARGIN && b[3] >= bottom - SEAM_MARGIN);
  });
}

function overlap(a, b) {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return { iou: 0, coverOfA: 0 };
  const areaA = (a[2] - a[0]) * (a[3] - a[1]), areaB = (b[2] - b[0]) * (b[3] - b[1]);
  return { iou: (w * h) / (areaA + areaB - w * h), coverOfA: areaA > 0 ? (w * h) / areaA : 0 };
}

/** The rows `picks` ([source, index] pairs) of two Detections as one (embeddings kept). */
function joined(picks) {
  const first = picks.find(([source]) => source.count > 0)?.[0];
  const keypointCount = first && first.keypoints ? first.keypointCount : 0;
  const size = keypointCount * 3;
  const embedding = first && first.embeddings ? first.embeddings.length / first.count : 0;
  const withEmbeddings = embedding > 0 && picks.every(([source]) => source.embeddings && source.embeddings.length === embedding * source.count);
  const out = createDetections({ count: picks.length, keypointCount });
  const embeddings = withEmbeddings ? new Float32Array(picks.length * embedding) : null;
  picks.forEach(([source, from], to) => {
    out.boxes.set(box(source, from), 4 * to);
    out.scores[to] = source.scores[from];
    out.classIds[to] = source.classIds ? source.classIds[from] : 0;
    if (size && source.keypoints) out.keypoints.set(source.keypoints.subarray(from * size, (from + 1) * size), to * size);
    if (embeddings) embeddings.set(source.embeddings.subarray(from * embedding, (from + 1) * embedding), to * embedding);
  });
  if (embeddings) out.embeddings = embeddings;
  return out;
}

function sameRegions(first, second) {
  return first.length === second.length && first.every((region, index) => region.x === second[index].x
    && region.y === second[index].y && region.width === second[index].width && region.height === second[index].height);
}

export class RegionRotation {
  /** carrySeconds: the oldest carried detections (0: every crop on every frame). */
  constructor({ carrySeconds = 0.1 } = {}) {
    if (!(carrySeconds >= 0)) throw new RangeError(`RegionRotation: carrySeconds must be >= 0, got ${carrySeconds}`);
    this.carrySeconds = carrySeconds;
    this.reset();
  }

  reset() {
    this.plan = null;
    this.lastRun = [];
    this.turn = 0;
    this.period = null;
    this.lastTimestamp = null;
    this.previous = null;
    this.ran = null;
    this.carried = null;
  }

  /**
   * The crops to run on the frame at `timestamp` (all of plan.regions, or a share of them).
   * pending: boxes of people seen once (the tracker waits for a second sighting to confirm
   * them): the crops that hold them run whatever the turn.
   */
  choose(plan, timestamp, pending = []) {
    const regions = plan && plan.regions;
    if (!regions || regions.length < 2 || this.carrySeconds <= 0 || !Number.isFinite(timestamp)) {
      this.ran = regions || null;
      this.plan = null;
      this.previous = null;
      return regions || null;
    }
    if (this.lastTimestamp !== null && timestamp > this.lastTimestamp) this.period = timestamp - this.lastTimestamp;
    this.lastTimestamp = timestamp;
    if (!this.plan || !sameRegions(this.plan.regions, regions)) {
      this.plan = plan;
      this.lastRun = regions.map(() => -Infinity);
      this.turn = 0;
      this.previous = null;
    }
    const groups = this.period ? Math.min(regions.length, Math.floor(this.carrySeconds / this.period + EPSILON) + 1) : 1;
    const turn = this.turn % groups;
    this.turn += 1;
    const chosen = regions.filter((region, index) => groups === 1 || index % groups === turn
      || timestamp - this.lastRun[index] > this.carrySeconds + EPSILON
      || pending.some((b) => inside(b, region)));
    regions.forEach((region, index) => { if (chosen.includes(region)) this.lastRun[index] = timestamp; });
    this.ran = chosen;
    return chosen;
  }

  /** Whether the last choose() left crops out (their people are then carried). */
  get partial() {
    return Boolean(this.plan && this.ran && this.ran.length < this.plan.regions.length);
  }

  /**
   * The detections of the crops run now (`fresh`, frame pixels) with the people of the others
   * carried from their last run. { width, height }: the frame's size.
   */
  combine(fresh, { timestamp, width, height, velocities = null }) {
    this.carried = null;
    if (!this.plan) return fresh;
    if (this.previous && velocities && velocities.size) this.#moveCarried(velocities, timestamp - this.previous.at);
    const picks = [];
    const times = [];
    const carried = [];
    if (this.previous && this.partial) {
      const { detections, times: seenAt } = this.previous;
      for (let index = 0; index < detections.count; index++) {
        if (timestamp - seenAt[index] > this.carrySeconds + EPSILON) continue;
        if (this.ran.some((region) => wellInside(box(detections, index), region, width, height))) continue;
        carried.push(index);
      }
    }
    const dropCarried = new Set();
    for (let index = 0; index < fresh.count; index++) {
      const b = box(fresh, index);
      const cut = carried.length > 0 && cutByRun(b, this.ran, width, height);
      let fragment = false;
      for (const other of carried) {
        const { iou, coverOfA } = overlap(b, box(this.previous.detections, other));
        if (cut && coverOfA >= SEAM_COVER) fragment = true;
        else if (iou > REGION_IOU_THRESHOLD) dropCarried.add(other);
      }
      if (fragment) continue;
      picks.push([fresh, index]);
      times.push(timestamp);
    }
    for (const index of carried) {
      if (dropCarried.has(index)) continue;
      picks.push([this.previous.detections, index]);
      times.push(this.previous.times[index]);
    }
    const combined = carried.length ? joined(picks) : fresh;
    this.carried = Uint8Array.from(picks, ([source]) => (source === fresh ? 0 : 1));
    this.previous = { detections: combined, times: carried.length ? times : Array(fresh.count).fill(timestamp), at: timestamp };
    return combined;
  }

  /** The last frame's detections moved `seconds` on at their person's velocity (index -> [vx, vy] px/s). */
  #moveCarried(velocities, seconds) {
    if (!(seconds > 0)) return;
    const { detections } = this.previous;
    const moved = { ...detections, boxes: Float32Array.from(detections.boxes),
      keypoints: detections.keypoints ? Float32Array.from(detections.keypoints) : null };
    const size = detections.keypoints ? detections.keypointCount * 3 : 0;
    for (const [index, [vx, vy]] of velocities) {
      if (index < 0 || index >= detections.count || !Number.isFinite(vx) || !Number.isFinite(vy)) continue;
      const dx = vx * seconds, dy = vy * seconds;
      for (let k = 0; k < 4; k += 2) {
        moved.boxes[4 * index + k] += dx;
        moved.boxes[4 * index + k + 1] += dy;
      }
      for (let k = 0; k < size; k += 3) {
        moved.keypoints[index * size + k] += dx;
        moved.keypoints[index * size + k + 1] += dy;
      }
    }
    this.previous = { ...this.previous, detections: moved };
  }
}
