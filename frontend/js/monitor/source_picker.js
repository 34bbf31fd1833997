// The source picker: webcam (device list), a local file, or an uploaded video.
// Calls onOpen({ kind, ... }) with what the user picked; opening is the controller's job.
import { listCameras, cameraKeyFromLabel } from '../video/sources.js';
import { byId, h } from '../ui/dom.js';
import { cameraOptionText, savedCameras } from './camera_list.js';
import { isolated } from '../ui/words.js';

const NEW_CAMERA = '';

export class SourcePicker {
  constructor({ api, onOpen, onError }) {
    this.api = api;
    this.onOpen = onOpen;
    this.onError = onError;
    this.videos = [];
    this.bindTabs();
    byId('open-webcam').addEventListener('click', () => this.openWebcam());
    byId('file-input').addEventListener('change', (event) => {
      const file = event.target.files[0];
      if (file) this.onOpen({ kind: 'file', file });
    });
    byId('open-video').addEventListener('click', () => this.openVideo(byId('video-select').value));
    byId('camera-select').addEventListener('change', () => {
      const option = byId('camera-select').selectedOptions[0];
      if (option && option.value && !byId('camera-name').dataset.touched) byId('camera-name').value = cameraKeyFromLabel(option.textContent);
    });
    byId('camera-name').addEventListener('input', (event) => {
      event.target.dataset.touched = 'yes';
      this.showCameraKey();
    });
    byId('saved-camera').addEventListener('change', (event) => {
      if (event.target.value === NEW_CAMERA) { byId('camera-name').value = ''; byId('camera-name').focus(); }
      else { byId('camera-name').value = event.target.value; byId('camera-name').dataset.touched = 'yes'; }
      this.showCameraKey();
    });
    this.cameras = [];
  }

  /** The user's cameras with saved zones: picked from a list, never retyped. */
  async refreshSavedCameras() {
    try {
      this.cameras = savedCameras(await this.api.listZones({}));
    } catch (error) {
      this.cameras = [];
      this.onError(error);
    }
    const select = byId('saved-camera');
    select.replaceChildren(...this.cameras.map((camera) => h('option', { value: camera.cameraKey }, cameraOptionText(camera))),
      h('option', { value: NEW_CAMERA }, 'New camera…'));
    byId('saved-camera-row').hidden = this.cameras.length === 0;
    const name = byId('camera-name');
    if (this.cameras.length && !name.value) {
      name.value = this.cameras[0].cameraKey; // the camera used last
      select.value = this.cameras[0].cameraKey;
    }
    this.showCameraKey();
  }

  /** Which key the zones are saved under (a name like "Front door" becomes "front-door"). */
  showCameraKey() {
    const typed = byId('camera-name').value.trim();
    const key = cameraKeyFromLabel(typed || 'camera');
    const known = this.cameras.some((camera) => camera.cameraKey === key);
    if (this.cameras.some((camera) => camera.cameraKey === key)) byId('saved-camera').value = key;
    // An empty name used to read "Zones will be saved under “camera”", as if "camera" were a
    // setting: say what the name is for instead.
    byId('camera-key-hint').textContent = known ? `Opens “${key}” with its saved zones.`
      : !typed ? 'Name the camera (e.g. “Front door”) to find its zones again next time.'
        : `Zones will be saved under “${key}”${typed !== key ? ` (from “${isolated(typed)}”)` : ''}.`;
  }

  bindTabs() {
    const tabs = byId('source-tabs');
    tabs.addEventListener('click', (event) => {
      const tab = event.target.closest('[data-source-tab]');
      if (tab) this.showTab(tab.dataset.sourceTab);
    });
  }

  showTab(name) {
    for (const tab of document.querySelectorAll('[data-source-tab]')) {
      const active = tab.dataset.sourceTab === name;
      tab.classList.toggle('is-active', active);
      tab.setAttribute('aria-selected', String(active));
    }
    for (const panel of document.querySelectorAll('[data-source-panel]')) panel.hidden = panel.dataset.sourcePanel !== name;
    if (name === 'webcam') this.refreshCameras();
  }

  async refreshCameras() {
    try {
      const cameras = await listCameras();
      const select = byId('camera-select');
      const current = select.value;
      select.replaceChildren(h('option', { value: '' }, 'Default camera'),
        ...cameras.filter((camera) => camera.deviceId).map((camera) => h('option', { value: camera.deviceId }, camera.label)));
      select.value = current;
    } catch (error) {
      this.onError(error);
    }
  }

  async refreshVideos() {
    const select = byId('video-select');
    try {
      const page = await this.api.listAllVideos();
      this.videos = page.items;
      select.replaceChildren(...(this.videos.length
        ? this.videos.map((video) => h('option', { value: video.id }, `${isolated(video.original_name)}${video.duration_s ? ` (${Math.round(video.duration_s)} s)` : ''}`))
        : [h('option', { value: '' }, 'No uploaded videos yet')]));
    } catch (error) {
      this.videos = [];
      select.replaceChildren(h('option', { value: '' }, 'Could not load your videos'));
      this.onError(error);
    }
    // Nothing to open: the button that could only answer with an error is off, and the link
    // says where videos come from.
    byId('open-video').disabled = this.videos.length === 0;
    byId('manage-videos').textContent = this.videos.length ? 'Manage videos' : 'Upload a video';
  }

  openWebcam() {
    const select = byId('camera-select');
    const label = select.selectedOptions[0] && select.value ? select.selectedOptions[0].textContent : 'Camera';
    const name = byId('camera-name').value.trim();
    const cameraKey = cameraKeyFromLabel(name || label);
    byId('camera-name').value = cameraKey;
    // After the first permission the browser reveals the cameras' names: list them again.
    Promise.resolve(this.onOpen({ kind: 'webcam', deviceId: select.value || null, label, cameraKey })).then(() => this.refreshCameras());
  }

  openVideo(id) {
    const video = this.videos.find((candidate) => String(candidate.id) === String(id));
    if (!video) { this.onError(new Error(missingVideoText(id))); return; }
    this.onOpen({ kind: 'video', video, contentUrl: this.api.videoContentUrl(video) });
  }

  /** Start on the tab that fits the URL (?video=<id> from My videos), else the webcam. */
  async start() {
    await this.refreshVideos();
    const requested = new URLSearchParams(location.search).get('video');
    if (requested) {
      this.showTab('video');
      byId('video-select').value = requested;
      this.openVideo(requested);
    } else {
      this.showTab('webcam');
    }
    await this.refreshSavedCameras();
  }
}

/**
 * Pure: why no video opens. A link to a video that is gone (deleted, or another account's:
 * a bookmark, ?video=99999) was answered "Pick one of your videos first", as if none was asked.
 */
export function missingVideoText(id) {
  const asked = String(id ?? '').trim();
  if (!asked) return 'Pick one of your videos first (upload one under My videos).';
  return `Video #${asked.slice(0, 40)} is not in your library (deleted, or not yours): pick one of your videos.`;
}
