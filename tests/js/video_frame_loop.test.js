import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameLoop } from '../../frontend/js/video/frame_loop.js';

/** A file of `duration` seconds that seeks at once (a 'seeked' event after each currentTime). */
function fakeFile(duration) {
  const listeners = new Map();
  const video = {
    duration, paused: true,
    pause() { this.paused = true; },
    play: async () => {},
    addEventListener: (type, listener) => listeners.set(`${type}`, [...(listeners.get(type) || []), listener]),
    removeEventListener: (type, listener) => listeners.set(type, (listeners.get(type) || []).filter((item) => item !== listener)),
    set currentTime(value) { this.time = value; queueMicrotask(() => (listeners.get('seeked') || []).slice().forEach((listener) => listener())); },
    get currentTime() { return this.time ?? 0; },
  };
  return { live: false, video };
}

test('a whole video\'s time taken and speed leave out the time it was paused', async () => {
  let now = 0;   // milliseconds
  let loop = null;
  const ended = new Promise((resolve) => {
    loop = new FrameLoop({
      source: fakeFile(0.4), clock: () => now, onEnd: resolve,
      processFrame: async ({ frameIndex }) => {
        now += 500;   // each frame takes half a second to count
        if (frameIndex === 1) {
          loop.pause();   // the user pauses for two minutes after the second frame
          setTimeout(() => { now += 120_000; loop.resume(); }, 5);
        }
      },
    });
  });
  loop.startWholeVideo(10);   // 4 frames
  const summary = await ended;
  assert.equal(summary.completed, true);
  assert.equal(summary.frames, 4);
  assert.equal(summary.seconds, 2, 'four frames of half a second; the pause is not counted');
  assert.equal(summary.pausedSeconds, 120);
  assert.equal(summary.frames / summary.seconds, 2, 'frames per second of counting');
});

test('stopped while paused: the pause up to the stop is left out too', async () => {
  let now = 0;
  let loop = null;
  const ended = new Promise((resolve) => {
    loop = new FrameLoop({
      source: fakeFile(1), clock: () => now, onEnd: resolve,
      processFrame: async ({ frameIndex }) => {
        now += 1000;
        if (frameIndex === 0) {
          loop.pause();
          loop.pause();   // a second click changes nothing
          setTimeout(() => { now += 30_000; assert.equal(loop.activeSeconds(), 1); loop.stop(); }, 5);
        }
      },
    });
  });
  loop.startWholeVideo(10);
  const summary = await ended;
  assert.equal(summary.completed, false);
  assert.equal(summary.seconds, 1);
  assert.equal(summary.pausedSeconds, 30);
});
