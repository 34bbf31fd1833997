// Video sources for the monitor: a webcam, a local file (never uploaded) or an uploaded video.
// Each opens into a <video> element the frame loop reads from.

export async function listCameras(mediaDevices = navigator.mediaDevices) {
  if (!mediaDevices || !mediaDevices.enumerateDevices) return [];
  const devices = await mediaDevices.enumerateDevices();
  return devices.filter((device) => device.kind === 'videoinput')
    .map((device, index) => ({ deviceId: device.deviceId, label: device.label || `Camera ${index + 1}` }));
}

/** A stable key for zones drawn on a camera: the label the user gives it, slugged. */
export function cameraKeyFromLabel(label) {
  const slug = String(label || '').toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100);
  return slug || 'camera';
}

function waitForMetadata(video) {
  if (video.readyState >= 2 && video.videoWidth) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cleanup = () => { video.removeEventListener('loadeddata', onReady); video.removeEventListener('error', onError); };
    const onReady = () => { cleanup(); resolve(); };
    const onError = () => { cleanup(); reject(new Error(describeMediaError(video.error))); };
    video.addEventListener('loadeddata', onReady);
    video.addEventListener('error', onError);
  });
}

function describeMediaError(error) {
  if (!error) return 'The video could not be opened.';
  const reasons = { 1: 'loading was aborted', 2: 'a network error stopped it', 3: 'the browser cannot decode it', 4: 'this format is not supported by the browser' };
  return `The video could not be opened: ${reasons[error.code] || 'unknown error'}.`;
}

/** Pure: what to tell the user when a camera does not open, with what to do next. */
export function describeCameraError(error) {
  const reasons = {
    NotAllowedError: 'Camera access was refused. Allow it in the browser’s address bar and try again.',
    NotFoundError: 'No camera was found on this computer. Plug one in and try again, or count a video file or an IP camera instead (the tabs above).',
    NotReadableError: 'The camera is busy in another program: close it there and try again.',
    OverconstrainedError: 'That camera is no longer available.',
    SecurityError: 'Cameras only work on https:// or localhost.',
  };
  return reasons[error && error.name] || `The camera could not be opened (${error && error.message}).`;
}

export async function openWebcam(video, { deviceId, label }) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error('This browser cannot use cameras here (https:// or localhost needed).');
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: deviceId ? { deviceId: { exact: deviceId } } : true, audio: false });
  } catch (error) {
    throw new Error(describeCameraError(error));
  }
  video.srcObject = stream;
  video.muted = true;
  await video.play();
  await waitForMetadata(video);
  const trackLabel = stream.getVideoTracks()[0]?.label || label || 'Camera';
  const settings = stream.getVideoTracks()[0]?.getSettings?.() || {};
  return {
    kind: 'webcam', live: true, video, label: trackLabel, fps: settings.frameRate || null,
    close() { stream.getTracks().forEach((track) => track.stop()); video.srcObject = null; },
  };
}

/** Pure: frames per second from the media times of consecutive frames (median step). */
export function fpsFromMediaTimes(times) {
  const steps = [];
  for (let i = 1; i < times.length; i += 1) {
    const step = times[i] - times[i - 1];
    if (step > 0.001) steps.push(step);
  }
  if (steps.length < 3) return null;
  steps.sort((a, b) => a - b);
  const median = steps[Math.floor(steps.length / 2)];
  return Math.round((1 / median) * 1000) / 1000;
}

/**
 * A local file's frame rate is not in its metadata as the browser shows it: play a few
 * frames muted, read their media times, go back to the start. null when it cannot tell.
 */
async function measureFps(video, frames = 12) {
  if (typeof video.requestVideoFrameCallback !== 'function') return null;
  const times = [];
  const collected = new Promise((resolve) => {
    const onFrame = (now, metadata) => {
      times.push(metadata.mediaTime);
      if (times.length >= frames) resolve();
      else video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
    video.addEventListener('ended', resolve, { once: true });
    setTimeout(resolve, 3000);
  });
  try {
    video.playbackRate = 1;
    await video.play();
    await collected;
  } catch (error) {
    return null;
  } finally {
    video.pause();
  }
  return fpsFromMediaTimes(times);
}

export async function openFile(video, file) {
  const url = URL.createObjectURL(file);
  video.srcObject = null;
  video.src = url;
  video.muted = true;
  try {
    await waitForMetadata(video);
  } catch (error) {
    URL.revokeObjectURL(url);
    throw error;
  }
  const fps = await measureFps(video);
  return {
    kind: 'file', live: false, video, label: file.name, fps,
    close() { video.pause(); video.removeAttribute('src'); video.load(); URL.revokeObjectURL(url); },
  };
}

export async function openUploadedVideo(video, record, contentUrl) {
  video.srcObject = null;
  video.src = contentUrl;
  video.muted = true;
  await waitForMetadata(video);
  return {
    kind: 'video', live: false, video, label: record.original_name, fps: record.fps || null, videoId: record.id,
    close() { video.pause(); video.removeAttribute('src'); video.load(); },
  };
}
