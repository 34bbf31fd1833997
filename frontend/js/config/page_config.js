// The one place a page reads its settings: defaults here, overridden by the JSON in
// <script type="application/json" id="page-config"> that the template renders.
import { MODELS_URL } from '../detector/index.js';
import { FLOOR_HEATMAP_DEFAULTS, HEATMAP_DEFAULTS } from '../counting/heatmap.js';
import { DETECTOR_SCORE_THRESHOLD } from '../pipeline/frame_pipeline.js';

export const DEFAULTS = Object.freeze({
  modelsUrl: MODELS_URL,
  // null: the detector's own choices (default model and size, best backend, threads)
  detectorInputSize: null,
  detectorBackends: null,
  detectorThreads: null,
  // the tracker's low threshold: ByteTrack's second association uses 0.1 .. 0.25 detections too
  scoreThreshold: DETECTOR_SCORE_THRESHOLD,
  iouThreshold: 0.7,
  batchIntervalSeconds: 3,
  sampleIntervalSeconds: 1,
  retryIntervalSeconds: 4,
  defaultFps: 25,
  // the monitor's adaptive detector cadence (DetectorCadence options, {} = its defaults) when
  // the user has it on (the default; the page has a switch); null: the detector on every frame
  detectorCadence: {},
  trailLength: 30,
  heatmapCellSize: HEATMAP_DEFAULTS.cellSize,
  // the fading slider's starting value (share lost per second)
  heatmapDecayPerSecond: 0.02,
  // floor heatmap cell, metres
  floorCellSize: FLOOR_HEATMAP_DEFAULTS.cellSize,
  chartWindowSeconds: 300,
  chartIntervalSeconds: 10,
  // the interval of the dashboard's tables and charts and of the monitor's CSV link
  statsBucket: '1m',
});

export function readPageConfig(documentRef = globalThis.document) {
  const element = documentRef && documentRef.getElementById('page-config');
  const overrides = element ? JSON.parse(element.textContent || '{}') : {};
  const unknown = Object.keys(overrides).filter((key) => !(key in DEFAULTS) && !['user', 'csrfToken'].includes(key));
  if (unknown.length) throw new Error(`Unknown page settings: ${unknown.join(', ')}`);
  const csrfMeta = documentRef && documentRef.querySelector('meta[name="csrf-token"]');
  return Object.freeze({ ...DEFAULTS, ...overrides, csrfToken: csrfMeta ? csrfMeta.content : '' });
}

export function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The zone of the statistics, CSV exports and chart images a page asks for: the one in the
 * user's profile (what the profile page promises; new accounts start with the zone of the
 * browser they signed up in), else, signed out or unreadable, this browser's. */
export function statsTimeZone(me, browserZone = browserTimeZone()) {
  return (me && typeof me.timezone === 'string' && me.timezone) || browserZone;
}
