// The monitor's buttons and read-outs: transport, layers, detector line, progress, run links.
import { byId, h } from '../ui/dom.js';
import { LAYERS } from '../overlay/overlay_renderer.js';
import { speedText } from './progress_estimate.js';

const MODEL_SIZE_KEY = 'people-counter.model-size';
const CADENCE_KEY = 'people-counter.detector-cadence';

export class MonitorControls {
  constructor({ api, timeZone, csvBucket }) {
    this.api = api;
    this.timeZone = timeZone;
    this.csvBucket = csvBucket;
    this.detectorReady = false;
    this.state = 'empty';
    this.source = null;
  }

  /** Start needs a loaded detector: until then the buttons wait and say why. */
  setDetectorReady(ready) {
    this.detectorReady = ready;
    if (ready) byId('model-progress').hidden = true;
    this.applyStartButtons();
  }

  hideModelProgress() { byId('model-progress').hidden = true; }

  /** The model's download ({ loaded, total }) and preparation, as the worker reports them. */
  showModelProgress(message) {
    const bar = byId('model-progress');
    if (message.stage === 'ready') { bar.hidden = true; return; }
    bar.hidden = false;
    if (message.stage === 'loading-model' && message.total > 0) bar.value = message.loaded / message.total;
    else if (message.stage !== 'loading-model') bar.removeAttribute('value'); // preparing: no fraction to show
  }

  applyStartButtons() {
    const ready = this.state === 'preview';
    const waiting = ready && !this.detectorReady;
    const source = this.source;
    byId('start-button').disabled = !ready || waiting;
    byId('whole-button').disabled = !ready || waiting || !source || source.live;
    byId('start-button').title = waiting ? 'Waiting for the person detector to load' : '';
    byId('whole-button').title = byId('start-button').title;
  }

  /**
   * The user's intents: { onStart, onStartWholeVideo, onTogglePause, onStop, onSaveZones,
   * onCalibrateFloor, onRemoveFloor, onLayersChange(layers), onHeatmapDecay(perSecond),
   * onClearHeatmap, onModelSize(size|null), onCadence(enabled) }.
   */
  bind(intents) {
    byId('start-button').addEventListener('click', () => intents.onStart());
    byId('whole-button').addEventListener('click', () => intents.onStartWholeVideo());
    byId('pause-button').addEventListener('click', () => intents.onTogglePause());
    byId('stop-button').addEventListener('click', () => intents.onStop());
    byId('save-zones').addEventListener('click', () => intents.onSaveZones());
    byId('calibrate-floor').addEventListener('click', () => intents.onCalibrateFloor());
    byId('floor-remove').addEventListener('click', () => intents.onRemoveFloor());
    document.querySelectorAll('[data-layer]').forEach((input) => input.addEventListener('change', () => intents.onLayersChange(this.readLayers())));
    byId('heatmap-decay').addEventListener('change', () => intents.onHeatmapDecay(this.heatmapDecay()));
    byId('heatmap-clear').addEventListener('click', () => intents.onClearHeatmap());
    byId('model-select').addEventListener('change', (event) => {
      const size = event.target.value ? Number(event.target.value) : null;
      if (size) localStorage.setItem(MODEL_SIZE_KEY, String(size)); else localStorage.removeItem(MODEL_SIZE_KEY);
      intents.onModelSize(size);
    });
    const cadence = byId('cadence-toggle');
    cadence.checked = localStorage.getItem(CADENCE_KEY) !== 'off';
    cadence.addEventListener('change', () => {
      localStorage.setItem(CADENCE_KEY, cadence.checked ? 'on' : 'off');
      intents.onCadence(cadence.checked);
    });
  }

  /** Skip the detector where the tracker's prediction will do (the adaptive cadence)? On unless switched off. */
  cadenceEnabled() { return byId('cadence-toggle').checked; }

  /** The exported model sizes (the detector's reading of the models index); the last choice is remembered. */
  showModels(index) {
    const select = byId('model-select');
    const sizes = [...new Set(index.models.map((model) => model.inputSize))].sort((a, b) => a - b);
    select.replaceChildren(...sizes.map((size) => h('option', { value: size }, `${size} px${size === index.defaultSize ? ' (default)' : ''}`)));
    select.value = String(this.preferredModelSize() || index.defaultSize || '');
  }

  preferredModelSize() {
    const stored = Number(localStorage.getItem(MODEL_SIZE_KEY));
    return Number.isInteger(stored) && stored > 0 ? stored : null;
  }

  /** The save button while a save is under way. */
  setSaving(saving) {
    byId('save-zones').disabled = saving;
  }

  readLayers() {
    const layers = Object.fromEntries(LAYERS.map((name) => [name, true]));
    document.querySelectorAll('[data-layer]').forEach((input) => { layers[input.dataset.layer] = input.checked; });
    return layers;
  }

  heatmapOpacity() { return Number(byId('heatmap-opacity').value); }
  heatmapDecay() { return Number(byId('heatmap-decay').value); }
  setHeatmapDecay(decayPerSecond) { byId('heatmap-decay').value = String(decayPerSecond); }

  /** empty | opening | preview | running */
  setState(state, source = null, { wholeVideo = false } = {}) {
    const running = state === 'running';
    const ready = state === 'preview';
    this.state = state;
    this.source = source;
    this.applyStartButtons();
    byId('whole-button').hidden = Boolean(source && source.live);
    byId('pause-button').disabled = !running;
    byId('stop-button').disabled = !running;
    byId('save-zones').disabled = !ready;
    byId('calibrate-floor').disabled = !ready;
    byId('model-select').disabled = running;
    byId('cadence-toggle').disabled = running;
    byId('start-button').textContent = source && !source.live ? 'Play and count' : 'Start counting';
    byId('progress-row').hidden = !(running && source && !source.live);
    this.setPaused(false);
    const badge = byId('run-badge');
    badge.textContent = running ? (wholeVideo ? 'Processing' : 'Counting') : ready ? 'Ready' : 'Not counting';
    badge.className = `badge ${running ? 'badge-success' : ''}`;
    if (running) byId('summary-card').hidden = true;
    document.body.classList.toggle('is-running', running);
  }

  setPaused(paused) {
    byId('pause-button').textContent = paused ? 'Resume' : 'Pause';
    byId('run-badge').textContent = paused ? 'Paused' : byId('run-badge').textContent;
  }

  showUnsaved(unsaved) {
    const button = byId('save-zones');
    button.classList.toggle('is-unsaved', unsaved);
    button.title = unsaved ? 'Some changes are not saved yet' : 'Zones are saved';
  }

  showDetector(text) { byId('detector-info').textContent = text; }

  /** A new run: no rates yet. */
  resetRates() {
    const element = byId('pipeline-rates');
    element.hidden = true;
    element.textContent = '';
    for (const key of ['frames', 'detectorRuns', 'framesPerSecond', 'detectorRunsPerSecond']) delete element.dataset[key];
  }

  /** The pipeline's frames per second and the detector's runs per second (and their totals, as data-* for tools). */
  showRates({ frames, detectorRuns, framesPerSecond, detectorRunsPerSecond, cadence }) {
    const element = byId('pipeline-rates');
    element.hidden = false;
    element.textContent = `${speedText(framesPerSecond)} · detector ${detectorRunsPerSecond.toFixed(1)} runs/s${cadence ? ` (${Math.round(100 * detectorRuns / Math.max(1, frames))} % of frames)` : ''}`;
    Object.assign(element.dataset, { frames: String(frames), detectorRuns: String(detectorRuns),
      framesPerSecond: framesPerSecond.toFixed(2), detectorRunsPerSecond: detectorRunsPerSecond.toFixed(2) });
  }

  showProgress(fraction, text) {
    byId('progress-bar').value = fraction;
    byId('progress-label').textContent = text;
  }

  /** After a run: the badge says whether it finished or was stopped. */
  showEnded(completed) {
    const badge = byId('run-badge');
    badge.textContent = completed ? 'Finished' : 'Stopped';
    badge.className = 'badge';
  }

  showRun(runId) {
    byId('run-card').hidden = false;
    byId('run-meta').textContent = `Session #${runId}. Counts are saved every few seconds.`;
    byId('csv-link').href = this.api.csvUrl(runId, { bucket: this.csvBucket, tz: this.timeZone });
    byId('dashboard-link').href = `/dashboard?run=${runId}`;
    byId('chart-links').replaceChildren('Charts: ', ...['cumulative', 'occupancy', 'hourly'].flatMap((name, index) => [
      index ? ' · ' : '', h('a', { href: this.api.chartUrl(runId, name, { tz: this.timeZone }), target: '_blank', rel: 'noopener' }, name)]));
  }

  showFloor(calibration) {
    byId('floor-card').hidden = !calibration;
  }

  paintFloor(stage, snapshot, calibration) {
    if (!calibration) return;
    // The canvas takes the plan's proportions (at most 360 x 480 px).
    const canvas = byId('floor-canvas');
    const ratio = calibration.depthMetres / calibration.widthMetres;
    const width = Math.round(ratio * 360 > 480 ? 480 / ratio : 360);
    const height = Math.round(width * ratio);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    stage.paintFloor(canvas, snapshot, { widthMetres: calibration.widthMetres, depthMetres: calibration.depthMetres });
  }
}
