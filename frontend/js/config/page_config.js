// The one place a page reads its settings: defaults here, overridden by the JSON in
// <script type="application/json" id="page-config"> that the template renders.
export const DEFAULTS = Object.freeze({
  modelsUrl: '/static/models/',
  // null: the detector's own choices (default model and size, best backend, threads)
  detectorInputSize: null,
  detectorBackends: null,
  detectorThreads: null,
  // low enough for ByteTrack's second association (it uses 0.1 .. 0.25 detections too)
  scoreThreshold: 0.1,
  iouThreshold: 0.7,
  batchIntervalSeconds: 3,
  sampleIntervalSeconds: 1,
  retryIntervalSeconds: 4,
  defaultFps: 25,
  trailLength: 30,
  heatmapCellSize: 16,
  heatmapDecayPerSecond: 0.02,
  chartWindowSeconds: 300,
  chartIntervalSeconds: 10,
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
