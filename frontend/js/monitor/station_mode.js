// The counting station's side of the monitor page (/station/monitor?camera=<id>&run=<id>):
// the same page, controller and FramePipeline as a person uses, opened on one IP camera
// and counting at once. The station process (backend/station/) reads window.pcStation's
// snapshot for its /metrics and status page, and restarts the page when it dies.
import { reconnectDelaySeconds } from '../video/ip_camera_source.js';

const RUN_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Pure: the station's request in the page's query string, or null on a normal visit. */
export function stationRequest(search) {
  const params = new URLSearchParams(search);
  if (params.get('station') !== '1') return null;
  const cameraId = Number(params.get('camera'));
  if (!Number.isSafeInteger(cameraId) || cameraId < 1) throw new Error('The station page needs ?camera=<id>.');
  const run = params.get('run');
  return { cameraId, clientRunId: run && RUN_ID.test(run) ? run : null };
}

function snapshotOf(controller, queue, lastError) {
  const reporter = controller.session?.reporter;
  const source = controller.source;
  return {
    state: controller.runner ? 'counting' : source ? 'open' : 'opening',
    camera: source?.status?.state ?? 'offline',
    cameraFrames: source?.status?.frames ?? 0,
    frames: controller.runner?.loop?.frameIndex ?? 0,
    fps: controller.fps.fps || 0,
    samples: reporter?.totalSamples ?? 0,
    events: reporter?.totalEvents ?? 0,
    lastSampleAt: reporter && reporter.lastSampleAt !== null ? reporter.epochAtZeroMs + reporter.lastSampleAt * 1000 : null,
    runId: controller.session?.runId ?? null,
    queuedBatches: queue.state.queuedBatches,
    error: lastError,
  };
}

/** Opens the camera (retrying with a growing pause while it cannot be read) and counts. */
export async function runStation({ controller, cameras, queue, request, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)) }) {
  let lastError = null;
  window.pcStation = { snapshot: () => snapshotOf(controller, queue, lastError) };
  controller.stationMode = true;          // its page may restart: a run outlives the page
  controller.resumeClientRunId = request.clientRunId;
  let camera = null;
  for (let attempt = 1; camera === null; attempt += 1) {
    try {
      camera = await cameras.get(request.cameraId);
    } catch (error) {
      if (error.status === 404) throw error; // deleted: the station drops it at its next refresh
      lastError = error.message; // the server is away: try again
      await sleep(reconnectDelaySeconds(attempt) * 1000);
    }
  }
  for (let attempt = 1; !controller.source; attempt += 1) {
    await controller.open({ kind: 'ipcam', camera });
    if (controller.source) break;
    lastError = document.getElementById('status-area')?.textContent?.trim() || 'The camera could not be opened.';
    await sleep(reconnectDelaySeconds(attempt) * 1000);
  }
  lastError = null;
  await controller.start();
}
