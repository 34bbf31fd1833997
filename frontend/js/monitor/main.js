// Composition root of the monitor page: source -> detector -> tracker -> counting ->
// overlay / live panel / api client. Nothing else knows the whole pipeline.
import { statsTimeZone } from '../config/page_config.js';
import { RunSender } from '../api/resources.js';
import { openPage } from '../ui/page.js';
import { BatchQueue, MemoryBatchStore } from '../api/batch_queue.js';
import { IndexedDbBatchStore } from '../api/idb_store.js';
import { createDetector, readModelIndex } from '../detector/index.js';
import { ZoneEditorState } from '../editor/editor_state.js';
import { ZoneEditorView } from '../editor/editor_view.js';
import { StatusArea } from '../ui/status_area.js';
import { byId } from '../ui/dom.js';
import { Stage } from './stage.js';
import { LivePanel } from './live_panel.js';
import { ZoneSync } from './zone_sync.js';
import { SourcePicker } from './source_picker.js';
import { MonitorControls } from './controls_view.js';
import { MonitorController } from './monitor_controller.js';
import { FloorCalibrationView } from './floor_view.js';
import { DetectorSlot } from './detector_slot.js';
import { CameraApi, IpCameraPicker } from './ip_camera_picker.js';
import { runStation, stationRequest } from './station_mode.js';
import { MonitorDemographics } from '../demographics/monitor_demographics.js';

async function main() {
  const { config, status, api } = openPage();
  const me = await api.me().catch(() => ({ id: 'anonymous' }));
  const sender = new RunSender(api);
  const store = IndexedDbBatchStore.isAvailable() ? new IndexedDbBatchStore(`user-${me.id}`) : new MemoryBatchStore();
  const queue = new BatchQueue({ store, sender, onChange: (state) => status.showConnection(state) });
  const stage = new Stage({ frameCanvas: byId('frame-canvas'), overlayCanvas: byId('overlay-canvas'), placeholder: byId('stage-placeholder'), stage: byId('stage') });
  const editor = new ZoneEditorState();
  let controller = null;
  const editorView = new ZoneEditorView({
    state: editor,
    elements: { canvas: byId('overlay-canvas'), toolbar: byId('editor-toolbar'), undoButton: byId('undo-button'), inspector: byId('zone-inspector'), hint: byId('editor-hint') },
    onChange: () => controller && controller.zonesChanged(),
    onError: (message) => status.show(message, 'error'),
  });
  const loadDetector = (onMessage, inputSize = null) => createDetector(Object.fromEntries(Object.entries({
    modelsUrl: config.modelsUrl, inputSize: inputSize ?? config.detectorInputSize, backends: config.detectorBackends, threads: config.detectorThreads,
    scoreThreshold: config.scoreThreshold, iouThreshold: config.iouThreshold, appearance: true, onStatus: (message) => {
      controls.showModelProgress(message);
      onMessage(message.message || message.text || 'Loading the person detector…');
    },
  }).filter(([, value]) => value !== null)));
  const controls = new MonitorControls({ api, timeZone: statsTimeZone(me), csvBucket: config.statsBucket });
  const calibrationView = new FloorCalibrationView({
    canvas: byId('overlay-canvas'), onPoints: () => controller.redrawOverlay(),
    onApply: (calibration) => controller.floor.apply(calibration),
    onCancel: () => controller.floor.cancelled(),
    onError: (message) => status.show(message, 'error'),
  });
  const panel = new LivePanel({ config });
  const detectors = new DetectorSlot({
    load: loadDetector, preferredSize: () => controls.preferredModelSize(), onMessage: (text) => controls.showDetector(text),
    onReady: (ready) => controls.setDetectorReady(ready),
    onError: (error) => {
      controls.hideModelProgress();
      status.error(`The person detector could not be loaded: ${error.message}`);
    },
  });
  controller = new MonitorController({ config, api, queue, sender, status, stage, editor, editorView, calibrationView, zoneSync: new ZoneSync(api), panel, detectors, controls, demographics: new MonitorDemographics({ status }) });
  controls.bind(controller.intents);
  controls.setHeatmapDecay(config.heatmapDecayPerSecond);
  readModelIndex(config.modelsUrl).then((index) => controls.showModels(index), (error) => status.error(`The model list could not be read: ${error.message}`));
  controls.setState('empty');
  editorView.setEnabled(false);
  panel.reset([]);
  // Leftovers from earlier visits, and retries while the server is away: one timer for the page.
  setInterval(() => { if (queue.state.queuedBatches || !queue.state.online) queue.flush(); }, config.retryIntervalSeconds * 1000);
  await queue.flush();
  const picker = new SourcePicker({ api, onOpen: (choice) => controller.open(choice), onError: (error) => status.error(error) });
  const cameras = new CameraApi(api.http);
  new IpCameraPicker({ cameras, onOpen: (choice) => controller.open(choice), status }); // eslint-disable-line no-new
  const station = stationRequest(location.search);
  if (station) {
    document.body.dataset.monitorReady = 'yes';
    window.addEventListener('pagehide', () => controller.leave());
    await runStation({ controller, cameras, queue, request: station });
    return;
  }
  await picker.start();
  window.addEventListener('beforeunload', (event) => { if (controller.counting) { event.preventDefault(); event.returnValue = ''; } });
  // Closed anyway (or reloaded): the final counts are sent or queued, and the run ends.
  window.addEventListener('pagehide', () => controller.leave());
  document.body.dataset.monitorReady = 'yes';
}

main().catch((error) => {
  const area = document.getElementById('status-area');
  if (area) new StatusArea(area).error(`The monitor could not start: ${error.message}`);
});
