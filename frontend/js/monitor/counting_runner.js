// One counting run of the monitor: the frame loop, the detector, the FramePipeline and the
// session, and nothing of the page. Each frame: grab the picture -> detector -> pipeline ->
// session; then onFrame(FrameResult) for the views. At the end: pipeline.flush() (pending
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
  }

  /** One frame through the detector, the pipeline and the session; returns the FrameResult. */
  async step({ frameIndex, timestamp }) {
    // Where to look (region_plan.js): full-resolution crops where people are too small.
    const plan = this.pipeline.planDetection({ ...this.frameSize, inputSize: this.detector.inputSize });
    const detections = await this.detector.detect(this.grab(), { regions: plan.regions });
    const output = this.pipeline.process(detections, { frameIndex, timestamp, ...this.frameSize });
    this.session.observe(output.result, { timestamp, personCount: output.personCount });
    this.onFrame({ ...output, regionPlan: plan.regionPlan ?? null });
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
