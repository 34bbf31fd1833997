/**
 * Crops in turn (pure: no DOM, no timers). Looking at every crop on every frame costs one model
 * run per crop; but between two frames of a 25 fps camera a distant person moves a pixel or two.
 * So, when frames come faster than `turnSeconds`, the crops of a plan take turns: each frame
 * runs a share of them (crop i on the frames where i % groups is the turn), and the tracker is
 * told which parts of the frame were looked at (its `observed` regions, tracker/observed.js):
 * the people outside them are predicted, kept and shown where they walk, neither matched nor
 * missed, until their crop's turn comes.
 *
 * - groups = floor(turnSeconds / frame period) + 1: at 25 fps and 0.1 s, 3 (each crop every
 *   third frame); at 7 fps, 1 (every crop every frame).
 * - A crop whose last run is older than turnSeconds runs whatever the turn (slower frames).
 * - A run of the whole frame (the cheap run for the big people, when the crops do not cover the
 *   frame) runs on every frame; it observes only people big enough for its scale.
 * - A new plan with another number of crops runs all its crops on its first frame; a plan that
 *   only moved its crops (the sizes learned changed their overlap) keeps the turns.
 * - Out of turn (choose's `needy`: people waiting for a sighting, seen once or just missed): a
 *   crop holding `crowdedWaiting` of them runs at once (a plan's start, when everyone is new),
 *   and the crop holding the most runs within a budget of `extraRuns` a frame.
 * - dropFragments(): on a frame where some crops did not run, a box cut by the inner border of
 *   every crop run now that holds it is the fragment of a person another crop (not run now)
 *   sees whole: dropped, and that person is not observed on this frame.
 */
import { pickDetections } from '../core/detections.js';
import { SEAM_MARGIN } from '../detector/region_merge.js';

const EPSILON = 1e-9;

/** Does the region cover the whole frame? */
export function coversFrame(region, width, height) {
  return region.x <= 0 && region.y <= 0 && region.x + region.width >= width && region.y + region.height >= height;
}

function inside(b, region) {
  return b[0] >= region.x - SEAM_MARGIN && b[1] >= region.y - SEAM_MARGIN
    && b[2] <= region.x + region.width + SEAM_MARGIN && b[3] <= region.y + region.height + SEAM_MARGIN;
}

function cutBy(b, region, width, height) {
  const right = region.x + region.width, bottom = region.y + region.height;
  return (region.x > SEAM_MARGIN && b[0] <= region.x + SEAM_MARGIN) || (region.y > SEAM_MARGIN && b[1] <= region.y + SEAM_MARGIN)
    || (right < width - SEAM_MARGIN && b[2] >= right - SEAM_MARGIN) || (bottom < height - SEAM_MARGIN && b[3] >= bottom - SEAM_MARGIN);
}

export class RegionRotation {
  /** turnSeconds: the longest a crop waits for its turn (0: every crop on every frame). */
  constructor({ turnSeconds = 0.1, extraRuns = 0.25, crowdedWaiting = 6 } = {}) {
    if (!(turnSeconds >= 0)) throw new RangeError(`RegionRotation: turnSeconds must be >= 0, got ${turnSeconds}`);
    if (!(extraRuns >= 0)) throw new RangeError(`RegionRotation: extraRuns must be >= 0, got ${extraRuns}`);
    this.turnSeconds = turnSeconds;
    this.extraRuns = extraRuns;
    if (!(crowdedWaiting >= 1)) throw new RangeError(`RegionRotation: crowdedWaiting must be >= 1, got ${crowdedWaiting}`);
    this.crowdedWaiting = crowdedWaiting;
    this.reset();
  }

  reset() {
    this.plan = null;
    this.lastRun = [];
    this.turn = 0;
    this.period = null;
    this.lastTimestamp = null;
    this.ran = null;
    this.credit = 0;
  }

  /**
   * The regions to run on the frame at `timestamp` (all of plan.regions, or a share of them);
   * { width, height }: the frame's size (a region covering it runs every frame).
   */
  choose(plan, timestamp, { width = Infinity, height = Infinity, needy = [] } = {}) {
    const regions = plan && plan.regions;
    if (!regions || regions.length < 2 || this.turnSeconds <= 0 || !Number.isFinite(timestamp)) {
      this.ran = regions || null;
      this.plan = null;
      return regions || null;
    }
    if (this.lastTimestamp !== null && timestamp > this.lastTimestamp) this.period = timestamp - this.lastTimestamp;
    this.lastTimestamp = timestamp;
    if (!this.plan || this.plan.regions.length !== regions.length) {
      this.lastRun = regions.map(() => -Infinity);
      this.turn = 0;
    }
    this.plan = plan;
    const crops = regions.map((region, index) => index).filter((index) => !coversFrame(regions[index], width, height));
    const groups = this.period ? Math.min(crops.length, Math.floor(this.turnSeconds / this.period + EPSILON) + 1) : 1;
    const turn = this.turn % groups;
    this.turn += 1;
    const due = (index) => groups <= 1 || !crops.includes(index)
      || crops.indexOf(index) % groups === turn || timestamp - this.lastRun[index] > this.turnSeconds + EPSILON;
    const extra = groups > 1 ? this.#extra(regions, crops.filter((index) => !due(index)), needy) : [];
    const chosen = regions.filter((region, index) => due(index) || extra.includes(index));
    regions.forEach((region, index) => { if (chosen.includes(region)) this.lastRun[index] = timestamp; });
    this.ran = chosen;
    return chosen;
  }

  /**
   * Out of turn: every crop not due holding at least `crowdedWaiting` people waiting for a
   * sighting (`needy` boxes: seen once, or just missed; many only when a plan starts, e.g.
   * after a survey found everyone at once), else, within `extraRuns` a frame on average, the
   * crop not due that holds the most of them.
   */
  #extra(regions, waiting, needy) {
    this.credit = Math.min(1, this.credit + this.extraRuns);
    if (!needy.length) return [];
    const counts = waiting.map((index) => [index, needy.filter((box) => inside(box, regions[index])).length]);
    const crowded = counts.filter(([, count]) => count >= this.crowdedWaiting).map(([index]) => index);
    if (crowded.length) return crowded;
    if (this.credit < 1) return [];
    let best = -1, most = 0;
    for (const [index, count] of counts) if (count > most) [best, most] = [index, count];
    if (best < 0) return [];
    this.credit -= 1;
    return [best];
  }

  /** Whether the last choose() left crops out. */
  get partial() {
    return Boolean(this.plan && this.ran && this.ran.length < this.plan.regions.length);
  }

  /**
   * The tracker's observed regions for the last choice: null when every region ran (the whole
   * frame was looked at), else the regions run; a run of the whole frame sees only people at
   * least `wholeFrameMinHeight` tall (frame pixels).
   */
  observed({ width, height, wholeFrameMinHeight = 0 }) {
    if (!this.partial) return null;
    return this.ran.map((region) => ({ x: region.x, y: region.y, width: region.width, height: region.height,
      minHeight: coversFrame(region, width, height) ? wholeFrameMinHeight : 0 }));
  }

  /**
   * This frame's detections without the fragments of people cut by the crops run now (when
   * some crops did not run): a box inside crops run now, cut by an inner border of each.
   */
  dropFragments(detections, { width, height }) {
    if (!this.partial) return detections;
    const crops = this.ran.filter((region) => !coversFrame(region, width, height));
    const keep = [];
    for (let index = 0; index < detections.count; index++) {
      const b = detections.boxes.subarray(4 * index, 4 * index + 4);
      const holding = crops.filter((region) => inside(b, region));
      if (!(holding.length > 0 && holding.every((region) => cutBy(b, region, width, height)))) keep.push(index);
    }
    return keep.length === detections.count ? detections : pickDetections(detections, keep);
  }
}
