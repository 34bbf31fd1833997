// The one loop that drives frames, previewing and counting alike. Preview: every new frame of
// a live source, the first frame of a file. Live: the newest frame each time the previous one
// is done (frames are dropped when the detector is slower than the video). Whole video: every
// frame, by seeking frame by frame, as fast as the machine allows.

/** The media time of the next painted frame, or null when the video ends or the loop stops. */
function nextVideoFrame(video, signal) {
  return new Promise((resolve) => {
    const onEnded = () => resolve(null);
    video.addEventListener('ended', onEnded, { once: true });
    signal.addEventListener('abort', onEnded, { once: true });
    const done = (time) => { video.removeEventListener('ended', onEnded); signal.removeEventListener('abort', onEnded); resolve(time); };
    if (typeof video.requestVideoFrameCallback === 'function') {
      video.requestVideoFrameCallback((now, metadata) => done(metadata.mediaTime));
    } else {
      requestAnimationFrame(() => done(video.currentTime));
    }
  });
}

function seek(video, time) {
  return new Promise((resolve, reject) => {
    const onSeeked = () => { cleanup(); resolve(); };
    const onError = () => { cleanup(); reject(new Error('Seeking in the video failed.')); };
    const cleanup = () => { video.removeEventListener('seeked', onSeeked); video.removeEventListener('error', onError); };
    video.addEventListener('seeked', onSeeked);
    video.addEventListener('error', onError);
    video.currentTime = time;
  });
}

export class FrameLoop {
  /**
   * @param {{ source, processFrame: (frame: {frameIndex, timestamp, final?}) => Promise<void>, onProgress?, onEnd?, onError?, clock?: () => number }} options
   * processFrame reads the current picture from source.video; `final` marks a whole video's
   * last frame (live frames never have it).
   */
  constructor({ source, processFrame, onProgress = () => {}, onEnd = () => {}, onError = () => {}, clock = () => performance.now() }) {
    this.source = source;
    this.processFrame = processFrame;
    this.onProgress = onProgress;
    this.onEnd = onEnd;
    this.onError = onError;
    this.clock = clock;
    this.running = false;
    this.paused = false;
    this.frameIndex = 0;
    this.startedAt = 0;
    this.pausedAt = null;     // clock() when paused, null while running
    this.pausedTotal = 0;     // clock units spent paused in this run
    this.mode = null;
    this.resumeWaiters = [];
    this.stopping = new AbortController();
  }

  /** Play in real time (webcam, or a video played at normal speed). */
  startLive() {
    this.running = true;
    this.mode = 'live';
    this.begin();
    const video = this.source.video;
    if (!this.source.live) video.play().catch((error) => this.onError(error));
    this.run(async () => {
      while (this.running) {
        await this.waitWhilePaused();
        if (!this.running) break;
        if (!this.source.live && video.ended) break;
        const mediaTime = await nextVideoFrame(video, this.stopping.signal);
        if (!this.running || mediaTime === null) break;
        const timestamp = this.source.live ? (this.clock() - this.startedAt) / 1000 : mediaTime;
        await this.processFrame({ frameIndex: this.frameIndex, timestamp });
        this.frameIndex += 1;
        if (!this.source.live) this.onProgress(video.currentTime / (video.duration || 1));
      }
    });
  }

  /** Show the source without counting: each new frame of a live source, a file's first frame. */
  startPreview() {
    this.running = true;
    this.mode = 'preview';
    this.begin();
    const video = this.source.video;
    this.run(async () => {
      if (!this.source.live) {
        await seek(video, 0);
        if (this.running) await this.processFrame({ frameIndex: 0, timestamp: 0 });
        return;
      }
      while (this.running) {
        const mediaTime = await nextVideoFrame(video, this.stopping.signal);
        if (!this.running || mediaTime === null) break;
        await this.processFrame({ frameIndex: this.frameIndex, timestamp: (this.clock() - this.startedAt) / 1000 });
        this.frameIndex += 1;
      }
    });
  }

  /** Every frame of a file, by seeking; fps decides the frame times. */
  startWholeVideo(fps) {
    const video = this.source.video;
    video.pause();
    this.running = true;
    this.mode = 'whole';
    this.begin();
    const totalFrames = Math.max(1, Math.floor(video.duration * fps + 1e-6));
    this.run(async () => {
      for (let index = 0; index < totalFrames && this.running; index += 1) {
        await this.waitWhilePaused();
        if (!this.running) break;
        await seek(video, Math.min((index + 0.5) / fps, Math.max(0, video.duration - 1e-3)));
        this.frameIndex = index;
        await this.processFrame({ frameIndex: index, timestamp: index / fps, final: index === totalFrames - 1 });
        this.onProgress((index + 1) / totalFrames, index + 1, totalFrames);
      }
      this.frameIndex = totalFrames;
    });
  }

  /** The run's clock starts: nothing paused yet. */
  begin() {
    this.startedAt = this.clock();
    this.pausedAt = null;
    this.pausedTotal = 0;
  }

  /** Seconds since the start without the paused ones: the summary's time taken and speed. */
  activeSeconds() {
    const now = this.clock();
    const pausing = this.pausedAt === null ? 0 : now - this.pausedAt;
    return (now - this.startedAt - this.pausedTotal - pausing) / 1000;
  }

  /** Seconds spent paused (so far). */
  pausedSeconds() {
    return (this.pausedTotal + (this.pausedAt === null ? 0 : this.clock() - this.pausedAt)) / 1000;
  }

  endPause() {
    if (this.pausedAt !== null) this.pausedTotal += this.clock() - this.pausedAt;
    this.pausedAt = null;
  }

  pause() {
    if (!this.paused) this.pausedAt = this.clock();
    this.paused = true;
    if (!this.source.live) this.source.video.pause();
  }

  resume() {
    this.endPause();
    this.paused = false;
    if (this.running && this.mode === 'live' && !this.source.live) this.source.video.play().catch(() => {});
    this.resumeWaiters.splice(0).forEach((resolve) => resolve());
  }

  stop() {
    this.endPause();
    this.running = false;
    this.paused = false;
    this.stopping.abort();
    this.resumeWaiters.splice(0).forEach((resolve) => resolve());
    if (!this.source.live) this.source.video.pause();
  }

  waitWhilePaused() {
    if (!this.paused) return Promise.resolve();
    return new Promise((resolve) => this.resumeWaiters.push(resolve));
  }

  run(body) {
    body().then(() => {
      const completed = this.running;
      this.running = false;
      this.endPause();
      this.onEnd({ completed, frames: this.frameIndex, seconds: this.activeSeconds(), pausedSeconds: this.pausedSeconds() });
    }, (error) => {
      this.running = false;
      this.onError(error);
    });
  }
}
