// One counting run of the monitor: the frame loop, the detector, the FramePipeline and the
// session, and nothing of the page. Each frame: grab the picture -> the pipeline's plan (its
// detector cadence) -> detector + pipeline.process, or pipeline.skip (the tracker's
// prediction, nothing counted) -> session; then onFrame(FrameResult) for the views. At the end: pipeline.flush() (pending
// crossings final, open alerts ended) -> session.stop(final) -> onEnd(final, summary).
import { FrameLoop } from '../video/frame_loop.js';

export class CountingRunner {
  /**
   * @param {{ pipeline: import('../pipeline/frame_pipeline.js').FramePipeline,
   *   detector: { detect: (picture) => Promise<object> }, session: { observe, stop },
   *   grab: () => any, frameSize: { width: number, height: number },
   *   onFrame?: (output) => void, onProgress?: (fraction) => void, onEnd?: (final, summary) => void,
   *   onError?: (error) => void }} options
   */
  constructor({ pipeline, detector, session, grab, frameSize, onFrame = () => {}, onProgress = () => {}, onEnd = () => {}, onError = () => {} }) {
    Object.assign(this, { pipeline, detector, session, grab, frameSize, onFrame, onProgress, onEnd, onError });
    this.loop = null;
    this.ended = null;
    /** frames through the pipeline, and those the detector ran on */
    this.frames = 0;
    this.detectorRuns = 0;
  }

  /**
   * One frame through the pipeline (the detector only where its cadence asks for it) and the
   * session; returns the FrameResult (`detected`: whether the detector ran on it).
   */
  async step({ frameIndex, timestamp }) {
    const frame = { frameIndex, timestamp, ...this.frameSize };
    const plan = this.pipeline.planDetection(frame);
    const picture = this.grab();
    let output;
    if (plan.detect) {
      output = this.pipeline.process(await this.detector.detect(picture), frame);
      this.detectorRuns += 1;
    } else {
      output = this.pipeline.skip(frame);
    }
    this.frames += 1;
    this.session.observe(output.result, { timestamp, personCount: output.personCount });
    this.onFrame(output);
    return output;
  }

  /**
   * The end of the run: final counts to the session; resolves with the final result. The run
   * ends (onEnd) even when the session could not be stopped cleanly; that error is thrown on.
   */
  async finish(summary) {
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
    let finished;
    this.ended = new Promise((resolve) => { finished = resolve; });
    const end = (summary) => this.finish(summary).catch((error) => this.onError(error)).finally(finished);
    this.loop = new FrameLoop({
      source,
      processFrame: (frame) => this.step(frame),
      onProgress: this.onProgress,
      onEnd: end,
      onError: (error) => { this.onError(error); end({ completed: false, frames: this.loop.frameIndex, seconds: 0 }); },
    });
    if (wholeVideo) this.loop.startWholeVideo(fps);
    else this.loop.startLive();
  }

  get paused() { return Boolean(this.loop && this.loop.paused); }
  pause() { this.loop?.pause(); }
  resume() { this.loop?.resume(); }

  /** Stop counting; resolves when the run has ended (final counts sent or queued). */
  async stop() {
    if (!this.loop) return;
    this.loop.stop();
    await this.ended;
  }
}
