// The monitor's states: no source -> preview (draw zones) -> counting (live or whole video,
// pausable) -> stopped (summary). A CountingRunner owns one run (frame loop, detector,
// FramePipeline, session); the controller shows its frames on the stage and the panel.
import { openWebcam, openFile, openUploadedVideo } from '../video/sources.js';
import { openIpCamera } from '../video/ip_camera_source.js';
import { FramePipeline } from '../pipeline/frame_pipeline.js';
import { countingOptionsFor, reportKeysFor } from '../pipeline/zone_counting.js';
import { keyNamesFor } from '../editor/zone_model.js';
import { CountingSession } from './session.js';
import { CountingRunner } from './counting_runner.js';
import { FrameLoop } from '../video/frame_loop.js';
import { FpsMeter } from './fps_meter.js';
import { detectorCost, detectorLabel } from './detector_slot.js';
import { ProgressEstimate, progressText } from './progress_estimate.js';
import { RateAdvisor } from '../counting/rate_advice.js';
import { MonitorFloor } from './monitor_floor.js';
import { endMessage, renderSummary } from './summary_view.js';
import { byId, formatTime } from '../ui/dom.js';
import { runEpochAtZeroMs } from './run_clock.js';
import { countOf, isolated } from '../ui/words.js';

export class MonitorController {
  constructor({ config, api, queue, sender, status, stage, editor, editorView, calibrationView, zoneSync, panel, detectors, controls, demographics = null }) {
    Object.assign(this, { config, api, queue, sender, status, stage, editor, editorView, calibrationView, zoneSync, panel, detectors, controls, demographics });
    this.source = null;
    this.pipeline = null;
    this.session = null;
    this.runner = null;
    /** a counting station's page (station_mode.js): its runs outlive the page */
    this.stationMode = false;
    this.preview = null;
    /** the open source's floor calibration (monitor_floor.js) */
    this.floor = new MonitorFloor({ view: calibrationView, editorView, controls, stage, status, config,
      sourceKey: () => this.sourceKey, redraw: () => this.redrawOverlay() });
    this.fps = new FpsMeter();
    this.progress = new ProgressEstimate();
    this.framesCounted = 0;
    this.detectorRate = new FpsMeter();
    this.layers = controls.readLayers();
  }

  // ----- source -----
  async open(choice) {
    await this.stop();
    this.stopPreview();
    if (this.source) this.source.close();
    this.source = null;
    this.pipeline = null; // the last run's heatmap belongs to that source
    this.controls.setState('opening');
    this.status.show('Opening the source…');
    const video = byId('source-video');
    try {
      if (choice.kind === 'webcam') this.source = { ...(await openWebcam(video, choice)), cameraKey: choice.cameraKey };
      else if (choice.kind === 'ipcam') this.source = await openIpCamera(video, choice.camera, { onStatus: (state) => this.showCameraStatus(state) });
      else if (choice.kind === 'file') this.source = await openFile(video, choice.file);
      else this.source = await openUploadedVideo(video, choice.video, choice.contentUrl);
    } catch (error) {
      this.showNoSource();
      this.status.error(error);
      return;
    }
    this.stage.setFrameSize(video.videoWidth, video.videoHeight);
    this.editor.setFrameSize(video.videoWidth, video.videoHeight);
    const target = this.source.cameraKey ? { cameraKey: this.source.cameraKey } : this.source.kind === 'video' ? { videoId: this.source.videoId } : null;
    try {
      this.editor.load(await this.zoneSync.load(target, { frameWidth: video.videoWidth, frameHeight: video.videoHeight }));
    } catch (error) {
      this.editor.load([]);
      this.status.error(error);
    }
    this.floor.recall();
    this.demographics?.sourceOpened(this.sourceKey);
    this.editorView.setEnabled(true);
    this.panel.showZones(this.editor.zones);
    this.controls.showUnsaved(false);
    this.controls.setState('preview', this.source);
    const saved = this.editor.zones.length;
    this.status.show(`${isolated(this.source.label)}: ${video.videoWidth}×${video.videoHeight}. ${saved ? `${countOf(saved, 'saved zone')} loaded.` : 'Draw a line or a zone, then start counting.'}`, 'success');
    this.startPreview();
    this.detectors.get().catch(() => {});
  }

  /** The source picked could not be opened: no picture and no zones of the one before. */
  showNoSource() {
    this.stage.clear();
    this.editor.load([]);
    this.editorView.setEnabled(false);
    this.panel.showZones([]);
    this.controls.setState('empty');
  }

  get sourceKey() {
    if (!this.source) return null;
    return this.source.cameraKey ? `camera:${this.source.cameraKey}` : this.source.kind === 'video' ? `video:${this.source.videoId}` : null;
  }

  /** An IP camera dropped or came back (its source reconnects by itself). */
  showCameraStatus({ state, message, retryInSeconds }) {
    document.body.dataset.cameraState = state;
    const counting = this.runner !== null;
    if (state === 'online') {
      if (this.source) this.status.show(`${isolated(this.source.label)}: the picture is back.${counting ? ' Counting continues.' : ''}`, 'success');
    } else if (state === 'gone') {
      this.status.error(message);
    } else {
      this.status.show(`Camera offline: ${message} Trying again in ${retryInSeconds} s.${counting ? ' Counting resumes with the picture; the gap is recorded.' : ''}`, 'warning', { sticky: true });
    }
  }

  /** Another model size: the next detector is loaded now (not while counting). */
  setModelSize() {
    if (this.runner) return;
    this.detectors.switchModel({ loadNow: Boolean(this.source) });
  }

  // ----- preview: show frames, no counting -----
  startPreview() {
    this.stopPreview();
    this.preview = new FrameLoop({
      source: this.source,
      processFrame: async () => {
        this.stage.drawFrame(this.source.video);
        if (this.layers.heatmap && this.pipeline) this.stage.drawHeatmap(this.pipeline.imageHeatmap.snapshot(), this.controls.heatmapOpacity());
        this.redrawOverlay();
      },
      onError: (error) => this.status.error(error),
    });
    this.preview.startPreview();
  }

  stopPreview() {
    this.preview?.stop();
    this.preview = null;
  }

  /** The editor changed something: redraw, and list the zones in the panel when not counting. */
  zonesChanged() {
    this.redrawOverlay();
    this.controls.showUnsaved(this.editor.dirty && this.zoneSync.canSave);
    if (!this.runner) this.panel.showZones(this.editor.zones);
  }

  redrawOverlay(live = null) {
    if (!this.source) return;
    this.stage.drawOverlay({ zones: this.editor.zones, layers: this.layers, live, editor: { selectedId: this.editor.selectedId, editing: this.editorView.enabled, draft: this.editor.draft } });
    if (this.calibrationView && this.calibrationView.active) this.stage.drawCalibration(this.calibrationView.points);
  }

  // ----- counting -----
  async start({ wholeVideo = false } = {}) {
    if (!this.source || this.runner || this.starting) return;
    this.starting = true;
    try {
      await this.startCounting(wholeVideo);
    } catch (error) {
      this.runner = null;
      this.session?.dispose();
      this.demographics?.endRun();
      this.editorView.setEnabled(true);
      this.controls.setState('preview', this.source);
      this.startPreview();
      this.status.error(`Counting could not start: ${error.message}`);
    } finally {
      this.starting = false;
    }
  }

  async startCounting(wholeVideo) {
    let detector;
    try {
      detector = await this.detectors.get();
    } catch (error) {
      return;
    }
    await this.saveZonesBeforeRun();
    this.stopPreview();
    this.editorView.setEnabled(false, 'Counting with these zones. Stop to change them.');
    const { width, height } = this.stage;
    if (!this.source.live && !wholeVideo && this.source.video.ended) this.source.video.currentTime = 0;
    const { currentTime: position, duration } = this.source.video;
    this.pipeline = new FramePipeline({ // counting begins now: at the file's position, or at the run clock's 0
      counting: { ...countingOptionsFor(this.editor.zones), startTimestamp: this.source.live || wholeVideo ? 0 : position },
      trailLength: this.config.trailLength,
      heatmap: { width, height, cellSize: this.config.heatmapCellSize }, heatmapDecayPerSecond: this.controls.heatmapDecay(),
      floorHeatmap: this.floor.heatmapOptions(),
      cadence: this.controls.cadenceEnabled() ? this.config.detectorCadence : null,
    });
    this.panel.reset(this.editor.zones);
    const epochAtZeroMs = runEpochAtZeroMs({ live: this.source.live, wholeVideo, position, duration, nowMs: Date.now() });
    this.session = new CountingSession({
      queue: this.queue, sender: this.sender, config: this.config, epochAtZeroMs,
      ...reportKeysFor(this.editor.zones),
      run: { source_kind: this.source.kind, video_id: this.source.videoId ?? null, camera_key: this.source.cameraKey ?? null, label: this.source.kind === 'webcam' ? `Camera ${this.source.cameraKey}` : this.source.label, key_names: keyNamesFor(this.editor.zones) },
      clientRunId: this.resumeClientRunId ?? null,
      onRunCreated: (runId) => this.controls.showRun(runId),
      demographics: this.demographics?.startRun({ zones: this.editor.zones, epochAtZeroMs }) ?? null,
    });
    this.fps.reset();
    this.progress.reset();
    this.progress.observe({ fraction: 0, frames: 0, now: 0 });
    this.framesCounted = 0;
    this.detectorRate.reset();
    this.controls.resetRates();
    this.rateAdvisor = new RateAdvisor();
    this.wholeVideo = wholeVideo;
    this.runner = new CountingRunner({
      pipeline: this.pipeline, detector, session: this.session,
      grab: () => this.stage.grab(this.source.video), frameSize: { width, height },
      onFrame: (output) => this.showFrame(detector, output),
      onDetected: (output) => this.detectorRan(output),
      onProgress: (fraction) => this.showProgress(fraction),
      onEnd: (finalResult, summary) => this.showEnd(finalResult, summary),
      onError: (error) => this.status.error(error),
    });
    this.controls.setState('running', this.source, { wholeVideo });
    this.status.show(wholeVideo ? 'Processing every frame…' : 'Counting.', 'info', { sticky: true });
    await this.session.start();
    this.runner.start(this.source, { wholeVideo, fps: this.source.fps || this.config.defaultFps });
  }

  async saveZonesBeforeRun() {
    if (!this.zoneSync.canSave || !this.editor.dirty) return;
    try {
      await this.saveZones();
    } catch (error) {
      this.status.show(`Counting with unsaved zones: ${error.message}`, 'warning');
    }
  }

  /** The user's intents, as the controls raise them. */
  get intents() {
    return {
      onStart: () => this.start(),
      onStartWholeVideo: () => this.start({ wholeVideo: true }),
      onTogglePause: () => this.togglePause(),
      onStop: () => this.stop(),
      onSaveZones: () => this.saveZonesAsked(),
      onCalibrateFloor: () => this.floor.begin({ allowed: Boolean(this.source) && !this.runner }),
      onRemoveFloor: () => this.floor.remove(this.pipeline),
      onLayersChange: (layers) => this.setLayers(layers),
      onHeatmapDecay: (perSecond) => this.pipeline?.setHeatmapDecay(perSecond),
      onClearHeatmap: () => this.pipeline?.clearHeatmaps(),
      onModelSize: () => this.setModelSize(),
      onCadence: (enabled) => this.status.show(enabled
        ? 'The detector will skip frames where the tracker can follow people (from the next start).'
        : 'The detector will run on every frame it can (from the next start).', 'info'),
    };
  }

  /** The save button: zones of a camera or an uploaded video are kept on the server. */
  async saveZonesAsked() {
    if (!this.zoneSync.canSave) {
      this.status.show('Zones of a local file are not saved. Upload the video under My videos, or use a camera, to keep them.', 'warning');
      return;
    }
    this.controls.setSaving(true);
    try {
      const count = await this.saveZones();
      this.status.show(`Saved ${countOf(count, 'zone')}.`, 'success');
    } catch (error) {
      this.status.error(error);
    } finally {
      this.controls.setSaving(false);
    }
  }

  async saveZones() {
    const ids = await this.zoneSync.save(this.editor.zones, { frameWidth: this.stage.width, frameHeight: this.stage.height });
    this.editor.markSaved(ids);
    this.controls.showUnsaved(false);
    this.redrawOverlay();
    return ids.size;
  }

  /** Whole-video (or file) progress: elapsed, time left and speed once measured (pauses left out). */
  showProgress(fraction) {
    this.progress.observe({ fraction, frames: this.framesCounted, now: this.runner ? this.runner.activeSeconds() : 0 });
    this.controls.showProgress(fraction, progressText(this.progress.reading));
  }

  /** One counted frame on the stage and the panel (its picture was grabbed for the detector). */
  showFrame(detector, output) {
    this.demographics?.frame(output, this.stage.grabCanvas);
    this.stage.presentGrab();
    if (this.layers.heatmap) this.stage.drawHeatmap(this.pipeline.imageHeatmap.snapshot(), this.controls.heatmapOpacity());
    this.redrawOverlay(output);
    this.panel.update(output, { timestamp: output.timestamp, peaks: this.pipeline.peaks });
    this.fps.tick(performance.now());
    this.framesCounted += 1;
    if (output.frameIndex % 5 === 0) {
      this.controls.showRates({ frames: this.runner.frames, detectorRuns: this.runner.detectorRuns, framesPerSecond: this.fps.fps,
        detectorRunsPerSecond: this.detectorRate.fps, cadence: Boolean(this.pipeline.cadence) });
      this.controls.showDetector(`Detector: ${detectorLabel(detector)}${detectorCost(detector, output.regionPlan)}${this.rateWarning()}`);
      if (this.pipeline.floorHeatmap) this.floor.paint(this.pipeline.floorHeatmap.snapshot());
    }
  }

  /** A detector run's result entered the pipeline (shown with its frame, or with the next ones). */
  detectorRan(output) {
    const timeLabel = formatTime(this.session.reporter.epochAtZeroMs + output.timestamp * 1000, { seconds: true });
    this.panel.observeEvents(output.result.events, { timeLabel });
    this.detectorRate.tick(performance.now());
    this.rateAdvisor.observe(output.tracked, output.feet, output.timestamp);
  }

  /** ' — too slow for …' when the detector runs less often than the drawn lines need, else ''. */
  rateWarning() {
    const { lines, bands } = this.pipeline.engine;
    if (!lines.length && !bands.length) return '';
    const advice = this.rateAdvisor.advise({ lines, bands, width: this.stage.width, height: this.stage.height });
    if (!advice || advice.reliable) return '';
    return ` — too slow to count reliably (${advice.limitedBy} needs ${advice.needed.toFixed(1)} runs/s: people move ${Math.round(advice.speed)} px/s). Try ${advice.suggestions.join(', ')}.`;
  }

  togglePause() {
    if (!this.runner) return;
    if (this.runner.paused) { this.runner.resume(); this.controls.setPaused(false); this.status.show('Counting.', 'info', { sticky: true }); }
    else { this.runner.pause(); this.controls.setPaused(true); this.status.show('Paused.', 'warning'); }
  }

  /** Is a run under way (counting, paused or ending)? */
  get counting() {
    return this.runner !== null;
  }

  /** Stop counting; resolves when the run has ended (final counts sent or queued). */
  async stop() {
    if (this.runner) await this.runner.stop();
  }

  /**
   * The page is going away while counting (pagehide): the final counts leave at once and the
   * run ends, except on a counting station, whose restarted page continues the same run.
   */
  leave() {
    if (!this.runner) return;
    this.runner.leave({ endRun: !this.stationMode });
    this.runner = null;
    this.demographics?.endRun();
  }

  /** The run ended (stopped, or the video is done): final counts, summary, back to preview. */
  showEnd(finalResult, { completed, frames, seconds, pausedSeconds = 0 }) {
    const session = this.session;
    this.runner = null;
    // The run's last events (visits and alerts ended by the flush), as the server gets them.
    if (finalResult) this.panel.observeEvents(finalResult.events || [], { timeLabel: formatTime(session.reporter.epochAtZeroMs + (finalResult.timestamp ?? 0) * 1000, { seconds: true }) });
    this.panel.finish(finalResult, this.pipeline.peaks);
    this.demographics?.endRun();
    renderSummary({ zones: this.editor.zones, finalResult, peaks: this.pipeline.peaks, frames, seconds, pausedSeconds, completed, wholeVideo: this.wholeVideo, samples: session.reporter.totalSamples, runId: session.runId });
    this.controls.setState('preview', this.source);
    this.controls.showEnded(completed);
    this.editorView.setEnabled(true);
    // A camera moves again, a file keeps its frame (Play and count goes on there); no stale boxes.
    if (this.source.live) this.startPreview(); else this.redrawOverlay();
    const queued = this.queue.state.queuedBatches;
    this.status.show(endMessage({ completed, frames, seconds, wholeVideo: this.wholeVideo, queued }), queued ? 'warning' : 'success');
  }

  setLayers(layers) {
    this.layers = layers;
    if (!this.runner) this.redrawOverlay();
  }
}
