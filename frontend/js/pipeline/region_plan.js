/**
 * Where the detector looks closer (pure: no DOM, no timers). A person is found reliably only
 * when they are at least `minModelHeight` pixels tall in the model's input; the whole frame is
 * shrunk to the input (a 768x576 frame to 416 px: x0.54), so people far from the camera fall
 * under that. The planner learns how tall people are at each height of the picture (people
 * further away stand higher up and are smaller: `PersonSizes`, per horizontal band, from the
 * detections) and plans full-resolution crops ("regions") only over the bands where they would
 * be too small, plus one cheap whole-frame run for the rest; on footage where everyone is big
 * enough the plan is the whole frame alone (no added cost).
 *
 * - Regions overlap by at least the height of the tallest person expected there, so everyone is
 *   whole in one crop (detector/region_merge.js drops the fragments cut by a crop's border).
 * - The crops are as few as reach `minModelHeight` for the smallest people of the bands they
 *   cover, and never more than `maxRuns` detector runs a frame in all.
 * - With lines or zones, only the area they cover (plus a person's height around it) is looked
 *   at closer: people elsewhere do not change the counts.
 * - While nobody has been seen for `surveyAfterRuns` runs (people may all be too small for the
 *   whole frame), one run looks at the whole area with the finest crops the budget allows; a
 *   survey that finds nobody doubles the wait for the next (an empty scene costs little). A run
 *   that found only unsure candidates (scores under minScore: people too small to be sure of),
 *   or a whole-frame run whose people are mostly under minModelHeight at its scale, brings the
 *   survey forward to the next run, while no survey has come back empty since; a whole-frame
 *   run that would (wantsSurvey) gets it on the same frame (FramePipeline.lookCloser).
 * - The plan is recomputed as the sizes are learned: after every run while it is the whole
 *   frame alone (so crops start as soon as small people are seen), every `replanRuns` runs
 *   once it has crops (so it does not flap), and at once when the people seen ask for a closer
 *   look than the plan gives: a plan finds people only down to the size its scale allows, so
 *   the smallest are learned step by step, each closer plan showing smaller people (without
 *   this the crops took 30 runs to reach their scale on the far views).
 */
import { requireNumber, resolveOptions } from '../geometry/options.js';

export const REGION_PLAN_DEFAULTS = Object.freeze({
  /** pixels tall a person must be in the model's input to be found reliably */
  minModelHeight: 64,
  /**
   * most detector runs of a plan (crops + the whole frame). With crops in turn (turnSeconds) a
   * frame runs a share of them: at 25 fps and turnSeconds 0.1, 6 crops run 2 a frame
   */
  maxRuns: 6,
  /** horizontal bands of the picture in which person sizes are learned */
  bands: 8,
  /** the band's "small person" is this quantile of the heights seen there */
  sizeQuantile: 0.2,
  /** heights kept per band (the newest) */
  observationsPerBand: 150,
  /** heights seen in a band before it is judged on its own (else from its neighbours) */
  minObservations: 2,
  /** only detections at least this confident teach sizes */
  minScore: 0.5,
  /** runs between two plans once crops are planned (a whole-frame plan is remade after every run) */
  replanRuns: 10,
  /** runs with nobody seen before a survey run (0: never); doubles after each survey that finds nobody */
  surveyAfterRuns: 10,
  /** the longest wait between surveys of an empty scene, in runs */
  maxSurveyAfterRuns: 320,
  /**
   * a plan finds people down to about minModelHeight in the model's input, so the sizes learned
   * under it stop there: when the small person learned under a crops plan is within this factor
   * of that limit, smaller people may be there unseen and the next plan looks this much closer
   * (1: off)
   */
  unseenMargin: 1.25,
  /** most a crop is enlarged (upscaling beyond this adds no detail) */
  maxUpscale: 1.5,
  /**
   * crops take turns when frames come faster than this (seconds): the longest a crop waits for
   * its turn; meanwhile the tracker predicts the people outside the crops run (its observed
   * regions, region_rotation.js). At 25 fps, 0.1 runs each crop every third frame; at 7 fps every
   * crop runs every frame. 0: every crop on every frame. See docs/detection.md
   */
  turnSeconds: 0.1,
  /**
   * with crops in turn, the crops run out of turn, on average a frame, where people wait for a
   * sighting (seen once, or just missed): the crop holding the most of them
   */
  extraRuns: 0.25,
  /** with crops in turn, a crop holding this many people waiting for a sighting runs at once */
  crowdedWaiting: 6,
  /** advanced override: null (automatic), 'whole' (whole frame only) or a fixed list of regions */
  override: null,
});

function quantile(values, share) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(share * (sorted.length - 1) + 0.5)))];
}

/** Heights of people seen, per horizontal band of the frame (by foot y). */
export class PersonSizes {
  constructor({ bands = 8, observationsPerBand = 150, minObservations = 3, sizeQuantile = 0.2 } = {}) {
    this.bands = bands;
    this.limit = observationsPerBand;
    this.minObservations = minObservations;
    this.sizeQuantile = sizeQuantile;
    this.heights = Array.from({ length: bands }, () => []);
    this.frameHeight = null;
  }

  get observations() {
    return this.heights.reduce((sum, band) => sum + band.length, 0);
  }

  bandOf(footY) {
    return Math.min(this.bands - 1, Math.max(0, Math.floor((footY / this.frameHeight) * this.bands)));
  }

  /** One person: box [x1, y1, x2, y2] in a frame `frameHeight` tall. */
  add(box, frameHeight) {
    if (this.frameHeight !== frameHeight) this.reset(frameHeight);
    const band = this.heights[this.bandOf(box[3])];
    band.push(box[3] - box[1]);
    if (band.length > this.limit) band.shift();
  }

  reset(frameHeight = null) {
    this.heights = Array.from({ length: this.bands }, () => []);
    this.frameHeight = frameHeight;
  }

  /**
   * Per band { small, tall } heights (small: the sizeQuantile, tall: the largest seen), or null
   * for every band when nothing is known; a band with too few observations takes its nearest
   * known neighbour's.
   */
  estimate() {
    const own = this.heights.map((band) => (band.length >= this.minObservations
      ? { small: quantile(band, this.sizeQuantile), tall: Math.max(...band) } : null));
    const known = own.map((value, index) => (value ? index : -1)).filter((index) => index >= 0);
    if (!known.length) return null;
    return own.map((value, index) => value || own[known.reduce((best, at) =>
      (Math.abs(at - index) < Math.abs(best - index) ? at : best), known[0])]);
  }
}

/** The bounding box of the lines' and zones' points, or null without any. */
export function interestBox(lines = [], zones = []) {
  const points = [...lines.flatMap((line) => [line.a, line.b]), ...zones.flatMap((zone) => zone.polygon)];
  if (!points.length) return null;
  const xs = points.map((point) => point[0]), ys = points.map((point) => point[1]);
  return { x1: Math.min(...xs), y1: Math.min(...ys), x2: Math.max(...xs), y2: Math.max(...ys) };
}

/**
 * The grid of crops over `area` ({x1,y1,x2,y2}) with `overlap` pixels between neighbours that
 * reaches `requiredScale` with the fewest crops, within `maxCrops`; when none reaches it, the
 * one with the largest scale (fewest crops on a tie). Returns { columns, rows, scale, regions }.
 */
export function tileArea(area, { modelSize, requiredScale, overlap, maxCrops, maxUpscale }) {
  const width = area.x2 - area.x1, height = area.y2 - area.y1;
  let best = null;
  for (let columns = 1; columns <= maxCrops; columns++) {
    for (let rows = 1; columns * rows <= maxCrops; rows++) {
      const tileWidth = (width + (columns - 1) * overlap) / columns;
      const tileHeight = (height + (rows - 1) * overlap) / rows;
      if ((columns > 1 && tileWidth <= overlap) || (rows > 1 && tileHeight <= overlap)) continue;
      const scale = Math.min(maxUpscale, modelSize / Math.max(tileWidth, tileHeight));
      const count = columns * rows;
      const reaches = scale >= requiredScale;
      const better = !best
        || (reaches && !best.reaches)
        || (reaches && best.reaches && (count < best.count || (count === best.count && scale > best.scale)))
        || (!reaches && !best.reaches && (scale > best.scale + 1e-9 || (Math.abs(scale - best.scale) <= 1e-9 && count < best.count)));
      if (better) best = { columns, rows, scale, count, reaches, tileWidth, tileHeight };
    }
  }
  const regions = [];
  for (let row = 0; row < best.rows; row++) {
    for (let column = 0; column < best.columns; column++) {
      const x = area.x1 + column * (best.tileWidth - overlap), y = area.y1 + row * (best.tileHeight - overlap);
      regions.push({ x: Math.round(x), y: Math.round(y),
        width: Math.round(Math.min(best.tileWidth, area.x2 - x)), height: Math.round(Math.min(best.tileHeight, area.y2 - y)) });
    }
  }
  return { columns: best.columns, rows: best.rows, scale: best.scale, reaches: best.reaches, regions };
}

/**
 * The plan for one frame size (pure). sizes: PersonSizes.estimate() (null: nothing known);
 * survey: look at the whole area as closely as the budget allows; seenAtScale: the scale of the
 * crops the sizes were learned under (null: the whole frame). Returns { regions (null:
 * whole frame only, else the crops, the whole frame first when it runs too), wholeFrame,
 * runs, reason, scale, needBands }.
 */
export function planRegions({ width, height, modelSize, sizes, lines = [], zones = [], survey = false, seenAtScale = null, options = REGION_PLAN_DEFAULTS }) {
  const wholeScale = Math.min(modelSize / width, modelSize / height);
  const whole = { regions: null, wholeFrame: true, runs: 1, scale: wholeScale, needBands: [] };
  if (!sizes && !survey) return { ...whole, reason: 'no people seen yet: whole frame' };
  const bands = sizes ? sizes.length : options.bands;
  const bandHeight = height / bands;
  const need = [];
  for (let band = 0; band < bands; band++) {
    if (survey || sizes[band].small * wholeScale < options.minModelHeight) need.push(band);
  }
  if (!need.length) return { ...whole, reason: 'everyone is big enough at whole-frame scale' };
  const tall = sizes ? Math.max(...need.map((band) => sizes[band].tall)) : height / 4;
  const small = sizes ? Math.min(...need.map((band) => sizes[band].small)) : options.minModelHeight / options.maxUpscale;
  // The crops: the rows of the bands where people are too small, up to a tall person above
  // the first (their heads), within the lines' and zones' area (plus a person around it).
  let area = { x1: 0, y1: Math.max(0, need[0] * bandHeight - tall), x2: width, y2: Math.min(height, (need[need.length - 1] + 1) * bandHeight) };
  const interest = interestBox(lines, zones);
  if (interest) {
    area = { x1: Math.max(area.x1, interest.x1 - tall), y1: Math.max(area.y1, interest.y1 - tall),
      x2: Math.min(area.x2, interest.x2 + tall), y2: Math.min(area.y2, interest.y2 + tall) };
    if (area.x2 - area.x1 < 2 || area.y2 - area.y1 < 2) return { ...whole, reason: 'the small people are outside the lines and zones: whole frame' };
  }
  const coversFrame = area.x1 <= 0 && area.y1 <= 0 && area.x2 >= width && area.y2 >= height;
  const maxCrops = options.maxRuns - (coversFrame ? 0 : 1);
  if (maxCrops < 1) return { ...whole, reason: 'no budget for crops: whole frame' };
  const overlap = Math.ceil(Math.min(tall, (area.y2 - area.y1) / 2, (area.x2 - area.x1) / 2));
  let requiredScale = options.minModelHeight / small;
  // Learned under crops at seenAtScale: people under about minModelHeight / seenAtScale were not
  // found, so a small person near that limit may hide smaller ones.
  if (seenAtScale && small * seenAtScale < options.minModelHeight * options.unseenMargin) {
    requiredScale = Math.max(requiredScale, seenAtScale * options.unseenMargin);
  }
  let tiling = tileArea(area, { modelSize, requiredScale, overlap, maxCrops, maxUpscale: options.maxUpscale });
  // Learned under closer crops, the small person may ask for coarser ones; but crops that show
  // them under minModelHeight x unseenMargin would at once ask for a closer look again (above):
  // the plan would flap between the two every replanRuns runs (each new plan running all its
  // crops). So a coarser plan shows them at least that tall (as close as now at most).
  if (seenAtScale && tiling.scale < seenAtScale - 1e-9 && small * tiling.scale < options.minModelHeight * options.unseenMargin) {
    tiling = tileArea(area, { modelSize, requiredScale: Math.min(seenAtScale, options.minModelHeight * options.unseenMargin / small),
      overlap, maxCrops, maxUpscale: options.maxUpscale });
  }
  if (tiling.scale <= wholeScale * 1.05 && !survey) return { ...whole, reason: 'crops would not be closer than the whole frame' };
  const wholeRun = coversFrame ? [] : [{ x: 0, y: 0, width, height }];
  const regions = [...wholeRun, ...tiling.regions];
  const reason = survey ? 'survey: nobody seen at whole-frame scale'
    : `people ${Math.round(small)} px tall in bands ${need.join(',')}: ${tiling.regions.length} crops x${tiling.scale.toFixed(2)}`
      + `${tiling.reaches ? '' : ' (budget-limited)'}`;
  return { regions, wholeFrame: !coversFrame, runs: regions.length, scale: tiling.scale, needBands: need, reason };
}

/** The planner a FramePipeline owns: learns sizes from each run's detections, replans. */
export class RegionPlanner {
  constructor(options = {}) {
    const resolved = resolveOptions('RegionPlanner', REGION_PLAN_DEFAULTS, options);
    for (const [name, min] of [['minModelHeight', 1], ['maxRuns', 1], ['bands', 1], ['observationsPerBand', 1],
      ['minObservations', 1], ['replanRuns', 1], ['surveyAfterRuns', 0], ['maxSurveyAfterRuns', 0]]) {
      requireNumber('RegionPlanner', name, resolved[name], { min, integer: name !== 'minModelHeight' });
    }
    requireNumber('RegionPlanner', 'sizeQuantile', resolved.sizeQuantile, { min: 0, max: 1 });
    requireNumber('RegionPlanner', 'minScore', resolved.minScore, { min: 0, max: 1 });
    requireNumber('RegionPlanner', 'maxUpscale', resolved.maxUpscale, { min: 1 });
    requireNumber('RegionPlanner', 'unseenMargin', resolved.unseenMargin, { min: 1 });
    requireNumber('RegionPlanner', 'turnSeconds', resolved.turnSeconds, { min: 0 });
    requireNumber('RegionPlanner', 'extraRuns', resolved.extraRuns, { min: 0 });
    requireNumber('RegionPlanner', 'crowdedWaiting', resolved.crowdedWaiting, { min: 1 });
    const { override } = resolved;
    if (override !== null && override !== 'whole' && !Array.isArray(override)) {
      throw new TypeError("RegionPlanner: override must be null, 'whole' or an array of regions");
    }
    this.options = resolved;
    this.sizes = new PersonSizes(resolved);
    this.current = null;
    this.key = null;
    this.runsSincePlan = 0;
    this.emptyRuns = 0;
    this.surveyWait = resolved.surveyAfterRuns;
    this.plans = 0;
    this.seenSincePlan = 0;
  }

  /**
   * The regions for the coming frame: { regions, wholeFrame, runs, reason, ... }.
   * frame: { width, height, modelSize, lines, zones }.
   */
  plan({ width, height, modelSize, lines = [], zones = [] }) {
    const { override } = this.options;
    if (override === 'whole') return { regions: null, wholeFrame: true, runs: 1, reason: 'override: whole frame', needBands: [] };
    if (Array.isArray(override)) return { regions: override, wholeFrame: false, runs: override.length, reason: 'override: fixed regions', needBands: [] };
    if (!(width > 0 && height > 0 && modelSize > 0)) return { regions: null, wholeFrame: true, runs: 1, reason: 'frame or model size unknown', needBands: [] };
    const key = `${width}x${height}@${modelSize}`;
    const survey = this.surveyWait > 0 && this.emptyRuns >= this.surveyWait;
    const due = this.current && (this.current.regions === null ? this.runsSincePlan >= 1 : this.runsSincePlan >= this.options.replanRuns);
    if (survey || !this.current || this.key !== key || this.current.survey || due) {
      if (this.key !== key) this.sizes.reset(height);
      this.key = key;
      const planned = planRegions({ width, height, modelSize, sizes: this.sizes.estimate(), lines, zones, survey,
        seenAtScale: this.#seenAtScale(), options: this.options });
      this.#adopt(planned, survey);
      if (survey) this.emptyRuns = 0;
    } else if (this.seenSincePlan > 0) {
      // Smaller people than the plan was made for: look closer now, not after replanRuns.
      const planned = planRegions({ width, height, modelSize, sizes: this.sizes.estimate(), lines, zones,
        seenAtScale: this.#seenAtScale(), options: this.options });
      if (planned.regions && planned.scale > this.current.scale * 1.02) this.#adopt(planned, false);
    }
    return this.current;
  }

  /** The scale of the current crops (the sizes were learned under them), or null for the whole frame. */
  #seenAtScale() {
    return this.current && this.current.regions ? this.current.scale : null;
  }

  #adopt(planned, survey) {
    this.current = { ...planned, survey };
    this.runsSincePlan = 0;
    this.plans += 1;
    this.seenSincePlan = 0;
  }

  /**
   * The detections of a run (Detections, frame pixels) on a frame `height` pixels tall; partial:
   * only some of the plan's crops ran (region_rotation.js): finding nobody there says nothing
   * about the others, so it neither counts as an empty run nor brings a survey forward.
   */
  observe(detections, { height, partial = false }) {
    this.runsSincePlan += 1;
    const surveyed = Boolean(this.current && this.current.survey);
    const { seen, hinted } = this.#tally(detections, { height, learn: true });
    this.seenSincePlan += seen;
    if (partial) {
      if (seen) this.emptyRuns = 0;
      return;
    }
    this.emptyRuns = hinted ? Math.max(this.emptyRuns + 1, this.surveyWait) : (seen ? 0 : this.emptyRuns + 1);
    if (seen) this.surveyWait = this.options.surveyAfterRuns;
    else if (surveyed) this.surveyWait = Math.min(this.options.maxSurveyAfterRuns, 2 * this.surveyWait);
  }

  /**
   * Whether this whole-frame run's detections (not yet observed) ask for a survey (the test of
   * observe(), below): then the survey can run on the same frame rather than the next
   * (FramePipeline.lookCloser). Pure: the planner learns nothing from it.
   */
  wantsSurvey(detections, { height }) {
    return Boolean(this.surveyWait > 0 && this.current && this.current.regions === null && !this.current.survey)
      && this.#tally(detections, { height, learn: false }).hinted;
  }

  /**
   * Counts of a run: seen (sure and uncut: their heights are learned when `learn`), and hinted:
   * nobody sure but some candidates (people too small to be sure of), or a whole frame whose
   * people are mostly under minModelHeight at its scale (smaller ones are likely missed there),
   * while no survey has found nobody since: survey now rather than after surveyAfterRuns.
   */
  #tally(detections, { height, learn }) {
    let seen = 0, hints = 0, whole = 0, tooSmall = 0;
    // The scale of a whole-frame plan (null under crops): people found under minModelHeight there.
    const wholeScale = this.current && this.current.regions === null ? this.current.scale : null;
    for (let index = 0; index < detections.count; index++) {
      const box = Array.from(detections.boxes.subarray(4 * index, 4 * index + 4));
      // A box cut by the frame's top or bottom edge is not a person's height.
      const cut = box[1] <= 1 || box[3] >= height - 1;
      if (!cut && wholeScale) {
        whole += 1;
        if ((box[3] - box[1]) * wholeScale < this.options.minModelHeight) tooSmall += 1;
      }
      if (detections.scores[index] < this.options.minScore) {
        hints += 1;
        continue;
      }
      if (cut) continue;
      if (learn) this.sizes.add(box, height);
      seen += 1;
    }
    const hinted = (seen ? 2 * tooSmall > whole : hints > 0) && this.surveyWait === this.options.surveyAfterRuns;
    return { seen, hinted };
  }
}
