// An IP camera through the backend relay: the server reads the camera (RTSP, MJPEG, HLS)
// with ffmpeg and answers /api/cameras/<id>/stream with JPEG frames (multipart, same
// origin). Each frame is painted into a canvas whose captureStream() feeds the monitor's
// <video>, so the rest of the page treats the camera exactly like a webcam. The page never
// sees the camera's URL. When the camera drops, the source reconnects with a growing pause
// and says so (onStatus); the frame loop simply waits for the next picture.

const JPEG_START = [0xff, 0xd8];
const JPEG_END = [0xff, 0xd9];

/** Pure: splits a byte stream into the JPEG images in it (multipart headers are skipped). */
export class JpegSplitter {
  constructor({ maxBytes = 8 * 1024 * 1024 } = {}) {
    this.buffer = new Uint8Array(0);
    this.maxBytes = maxBytes;
  }

  /** Adds bytes; returns the complete JPEGs found (Uint8Array each). */
  push(bytes) {
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer, 0);
    joined.set(bytes, this.buffer.length);
    const frames = [];
    let position = 0;
    for (;;) {
      const start = indexOfPair(joined, JPEG_START, position);
      if (start < 0) { position = Math.max(position, joined.length - 1); break; }
      const end = indexOfPair(joined, JPEG_END, start + 2);
      if (end < 0) { position = start; break; }
      frames.push(joined.slice(start, end + 2));
      position = end + 2;
    }
    this.buffer = joined.slice(position);
    if (this.buffer.length > this.maxBytes) this.buffer = new Uint8Array(0);
    return frames;
  }
}

function indexOfPair(bytes, [first, second], from) {
  for (let index = from; index < bytes.length - 1; index += 1) {
    if (bytes[index] === first && bytes[index + 1] === second) return index;
  }
  return -1;
}

/** Pure: the pause before reconnect attempt n (1, 2, 4 ... seconds, at most maxSeconds). */
export function reconnectDelaySeconds(attempt, maxSeconds = 30) {
  return Math.min(maxSeconds, 2 ** Math.max(0, attempt - 1));
}

export class CameraStreamError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'CameraStreamError';
    this.code = code;
  }
}

async function streamError(response) {
  const body = await response.json().catch(() => null);
  if (response.status === 404) return new CameraStreamError('not_found', 'This camera no longer exists.');
  return new CameraStreamError((body && body.error) || `http_${response.status}`, (body && body.message) || `The camera relay answered ${response.status}.`);
}

/**
 * Opens an IP camera into `video`. Resolves once the first picture is there; rejects with
 * the relay's specific error (wrong credentials, unreachable, unsupported...) otherwise.
 * @param {HTMLVideoElement} video
 * @param {{ id, name, stream_url, camera_key }} camera
 * @param {{ onStatus?: (status: { state: 'online'|'reconnecting', message?: string, retryInSeconds?: number }) => void, fetchImpl? }} options
 */
export async function openIpCamera(video, camera, { onStatus = () => {}, fetchImpl = globalThis.fetch.bind(globalThis) } = {}) {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  const stream = canvas.captureStream(0);
  const [track] = stream.getVideoTracks();
  const state = { closed: false, abort: null, frames: 0, lastFrameAt: null, attempt: 0, status: 'starting', message: '' };
  let firstFrame;
  const opened = new Promise((resolve, reject) => { firstFrame = { resolve, reject }; });

  const paint = async (jpeg) => {
    const bitmap = await createImageBitmap(new Blob([jpeg], { type: 'image/jpeg' }));
    if (canvas.width !== bitmap.width || canvas.height !== bitmap.height) {
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
    }
    context.drawImage(bitmap, 0, 0);
    bitmap.close();
    if (track.requestFrame) track.requestFrame();
    state.frames += 1;
    state.lastFrameAt = Date.now();
  };

  const readOnce = async () => {
    state.abort = new AbortController();
    const response = await fetchImpl(camera.stream_url, { credentials: 'same-origin', signal: state.abort.signal, cache: 'no-store' });
    if (!response.ok) throw await streamError(response);
    const reader = response.body.getReader();
    const splitter = new JpegSplitter();
    for (;;) {
      const { value, done } = await reader.read();
      if (done || state.closed) return;
      for (const jpeg of splitter.push(value)) {
        await paint(jpeg);
        if (state.status !== 'online') {
          state.status = 'online';
          state.attempt = 0;
          onStatus({ state: 'online' });
          firstFrame.resolve();
        }
      }
    }
  };

  const run = async () => {
    while (!state.closed) {
      let failure = null;
      try {
        await readOnce();
      } catch (error) {
        if (state.closed) return;
        failure = error;
      }
      if (state.closed) return;
      if (state.frames === 0 && failure) { firstFrame.reject(failure); return; }
      if (failure && failure.code === 'not_found') { state.status = 'gone'; onStatus({ state: 'gone', message: failure.message }); return; }
      state.attempt += 1;
      const wait = reconnectDelaySeconds(state.attempt);
      state.status = 'reconnecting';
      state.message = failure ? failure.message : 'The camera stopped sending pictures.';
      onStatus({ state: 'reconnecting', message: state.message, retryInSeconds: wait });
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    }
  };
  run();

  try {
    await opened;
  } catch (error) {
    state.closed = true;
    track.stop();
    throw error;
  }
  video.srcObject = stream;
  video.muted = true;
  await video.play();
  if (!(video.readyState >= 2 && video.videoWidth)) {
    await new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true }));
  }
  return {
    kind: 'ipcam', live: true, video, label: camera.name, fps: null, cameraKey: camera.camera_key, cameraId: camera.id,
    get status() { return { state: state.status, message: state.message, frames: state.frames, lastFrameAt: state.lastFrameAt }; },
    close() {
      state.closed = true;
      state.abort?.abort();
      track.stop();
      video.srcObject = null;
    },
  };
}
