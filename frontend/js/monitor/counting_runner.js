// One counting run of the monitor: the frame loop, the detector, the FramePipeline and the
// session, and nothing of the page. Each frame: grab the picture -> the pipeline's plan (its
// detector cadence) -> detector + pipeline.process, or pipeline.skip (the tracker's
// prediction, nothing counted); what the detector saw -> session; then onFrame(FrameResult)
// for the views. At the end: pipeline.flush() (pending crossings final, open alerts ended) ->
// session.stop(final) -> onEnd(final, summary). A page closed while counting: leave() ->
// pipeline.flush() -> session.leave(final), with nothing awaited.
//
// Live with a cadence (`overlap`), the detector works in its worker while the next frames are
// shown at once with the tracker's prediction: a detector run is started on a frame the cadence
// plans one for, its result enters the pipeline when it is ready (process() with that frame's
// time, before any later frame), and frames arriving meanwhile are skipped frames. So the
// picture keeps the video's pace while the detector runs as often as it can, and the counts are
// the same rules on the same sightings. Without a cadence, or for a whole video, each frame
// waits for its detector run (the frames a slow detector cannot take are dropped live).
import { FrameLoop } from '../video/frame_loop.js';

export class CountingRunner {
  /**
   * @param {{ pipeline: import('../pipeline/frame_pipeline.js').FramePipeline,
   *   detector: { detect: (picture) => Promise<object> }, session: { observe, stop },
   *   grab: () => any, frameSize: { width: number, height: number },
   *   onFrame?: (output) => void, onDetected?: (output) => void, onProgress?: (fraction) => void,
   *   onEnd?: (final, summary) => void, onError?: (error) => void }} options
   * onFrame: every frame shown (detected or predicted); onDetected: each detector run's result.
   */
  constructor({ pipeline, detector, session, grab, frameSize, onFrame = () => {}, onDetected = () => {}, onProgress = () => {}, onEnd = () => {}, onError = () => {} }) {
    Object.assign(this, { pipeline, detector, session, grab, frameSize, onFrame, onDetected, onProgress, onEnd, onError });
    this.loop = null;
    this.ended = null;
    /** the detector regions last planned (shown by the debug layer) */
    this.regionPlan = null;
    /** live with a cadence: the detector runs beside the frames shown (see above) */
    this.overlap = false;
    this.inFlight = null;
    /** leave() ended the run (the page is going away) */
    this.left = false;
    /** frames through the pipeline, and those the detector ran on */
    this.frames = 0;
    this.detectorRuns = 0;
  }

  /**
   * One frame through the pipeline (the detector only where its cadence asks for it);
   * returns the FrameResult shown (`detected`: whether the detector's result is this frame's).
   * `final`: a whole video's last frame.
   */
  async step({ frameIndex, timestamp, final = false }) {
    const frame = { frameIndex, timestamp, ...this.frameSize };
    const picture = this.grab();
    // Whether the detector runs (the cadence) and where it looks (region_plan.js:
    // full-resolution crops where people are too small for the whole frame).
    const plan = () => {
      // A whole video's last frame (final) is always a detector run: the counts end on it.
      const answer = this.pipeline.planDetection({ ...frame, inputSize: this.detector.inputSize, final });
      if (answer.regionPlan !== undefined) this.regionPlan = answer.regionPlan;
      return answer;
    };
    let output;
    if (this.overlap && this.pipeline.lastDetected) {
      if (!this.inFlight) {
        const answer = plan();
        if (answer.detect) this.#startDetection(picture, frame, answer.regions);
      }
      output = this.pipeline.skip(frame);
    } else {
      const answer = plan();
      output = answer.detect ? this.#detected(await this.#detect(picture, frame, answer.regions), frame)
        : this.pipeline.skip(frame);
    }
    this.frames += 1;
    this.onFrame({ ...output, regionPlan: this.regionPlan ?? null });
    return output;
  }

  /** A detector run on `picture` whose result enters the pipeline when it is ready. */
  #startDetection(picture, frame, regions = null) {
    const running = this.#detect(picture, frame, regions).then((detections) => {
      if (this.inFlight === running) this.#detected(detections, frame);
    });
    this.inFlight = running;
    running.catch((error) => this.onError(error)).finally(() => {
      if (this.inFlight === running) this.inFlight = null;
    });
  }

  /**
   * The detector on `picture` where the plan says; a whole-frame run whose people may be too small
   * for it is followed by the survey on the same picture (FramePipeline.lookCloser), whose
   * detections are the frame's.
   */
  async #detect(picture, frame, regions) {
    const detections = await this.detector.detect(picture, { regions });
    const closer = this.pipeline.lookCloser(detections, { ...frame, inputSize: this.detector.inputSize });
    if (!closer) return detections;
    this.regionPlan = closer.regionPlan;
    return this.detector.detect(picture, { regions: closer.regions });
  }

  #detected(detections, frame) {
    const output = this.pipeline.process(detections, frame);
    this.detectorRuns += 1;
    this.session.observe(output.result, { timestamp: frame.timestamp, personCount: output.personCount });
    this.onDetected(output);
    return output;
  }

  /**
   * The end of the run: final counts to the session; resolves with the final result. The run
   * ends (onEnd) even when the session could not be stopped cleanly; that error is thrown on.
   */
  async finish(summary) {
    if (this.left) return null;                               // leave() has ended the run
    if (this.inFlight) await this.inFlight.catch(() => {});   // its sightings count too
    const final = this.pipeline.flush();
    try {
      await this.session.stop(final);
    } finally {
      this.onEnd(final, summary);
    }
    return final;
  }

  /** Count the source's frames: live (newest frame each time) or every frame of a file. */
  start(source, { wholeVideo = false, fps = 25 } = {}) {
    this.overlap = !wholeVideo && Boolean(this.pipeline.cadence);
    let finished;
    this.ended = new Promise((resolve) => { finished = resolve; });
    const end = (summary) => this.finish(summary).catch((error) => this.onError(error)).finally(finished);
    this.loop = new FrameLoop({
      source,
      processFrame: (frame) => this.step(frame),
      onProgress: this.onProgress,
      onEnd: end,
      onError: (error) => { this.onError(error); end({ completed: false, frames: this.loop.frameIndex, seconds: this.loop.activeSeconds(), pausedSeconds: this.loop.pausedSeconds() }); },
    });
    if (wholeVideo) this.loop.startWholeVideo(fps);
    else this.loop.startLive();
  }

  get paused() { return Boolean(this.loop && this.loop.paused); }
  /** Seconds counted so far, pauses left out (progress and the summary's speed). */
  activeSeconds() { return this.loop ? this.loop.activeSeconds() : 0; }
  pause() { this.loop?.pause(); }
  resume() { this.loop?.resume(); }

  /**
   * The page is going away: stop at once, without awaiting anything (a detector run in flight
   * is dropped), and hand the final counts to the session's leave(); returns them.
   */
  leave({ endRun = true } = {}) {
    if (!this.loop || this.left) return null;
    this.left = true;
    this.loop.stop();
    const final = this.pipeline.flush();
    this.session.leave(final, { endRun });
    return final;
  }

  /** Stop counting; resolves when the run has ended (final counts sent or queued). */
  async stop() {
    if (!this.loop) return;
    this.loop.stop();
    await this.ended;
  }
}
