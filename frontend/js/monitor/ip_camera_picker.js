// The monitor's "IP cameras" tab: the user's cameras (names only: their addresses stay on
// the server), adding one by URL, "always on" for the counting station, deleting. Opening
// one raises onOpen({ kind: 'ipcam', camera }); opening is the controller's job.
import { byId, h } from '../ui/dom.js';
import { isolated } from '../ui/words.js';
import { deleteCameraQuestion, deletedCameraText } from './camera_list.js';

/** The camera API (its own module: the shared ApiResources stays as it is). */
export class CameraApi {
  constructor(http) { this.http = http; }
  list() { return this.http.get('/api/cameras').then((body) => body.items); }
  get(id) { return this.http.get(`/api/cameras/${encodeURIComponent(id)}`); }
  create(camera) { return this.http.post('/api/cameras', camera).then((r) => r.body); }
  update(id, changes) { return this.http.patch(`/api/cameras/${encodeURIComponent(id)}`, changes); }
  remove(id) { return this.http.delete(`/api/cameras/${encodeURIComponent(id)}`); }
  zoneNames(camera) { return this.http.get(`/api/zones?camera_key=${encodeURIComponent(camera.camera_key)}`).then((body) => body.items.map((zone) => zone.name)); }
}

export class IpCameraPicker {
  constructor({ cameras, onOpen, status }) {
    this.cameras = cameras;
    this.onOpen = onOpen;
    this.status = status;
    this.items = [];
    this.loading = 0; // camera lists being fetched
    byId('source-tabs').addEventListener('click', (event) => {
      const tab = event.target.closest('[data-source-tab]');
      if (tab && tab.dataset.sourceTab === 'ipcam') this.refresh();
    });
    byId('open-ipcam').addEventListener('click', () => this.open(byId('ipcam-select').value));
    byId('ipcam-select').addEventListener('change', () => this.showSelected());
    byId('ipcam-always-on').addEventListener('change', (event) => this.setAlwaysOn(event.target.checked));
    byId('ipcam-delete').addEventListener('click', () => this.removeSelected());
    byId('ipcam-form').addEventListener('submit', (event) => { event.preventDefault(); this.add(); });
    // The browser's own "required" check stops the submit (no submit event): the status line
    // says what is missing instead of keeping the last add's error. `invalid` does not bubble.
    byId('ipcam-form').addEventListener('invalid', () => this.showMissing(), true);
  }

  /** What the form still lacks, in the status line (the first empty field, in form order). */
  showMissing() {
    const first = byId('ipcam-form').querySelector(':invalid');
    if (!first) return;
    this.status.show(first.id === 'ipcam-name'
      ? 'Give the camera a name, e.g. Front door.'
      : 'Give the camera\'s address (rtsp://…, an http:// MJPEG stream or an HLS .m3u8).', 'warning');
  }

  get selected() {
    const id = byId('ipcam-select').value;
    return this.items.find((camera) => String(camera.id) === String(id)) || null;
  }

  async refresh(selectId = null) {
    const select = byId('ipcam-select');
    const keep = selectId ?? select.value;
    // Until the list arrives, nothing can be opened, switched or deleted: a click on the
    // page's first "Open camera" (before any list) used to open no camera at all.
    this.loading += 1;
    this.setControls(null);
    try {
      this.items = await this.cameras.list();
    } catch (error) {
      select.replaceChildren(h('option', { value: '' }, 'Could not load your cameras'));
      this.status.error(error);
      return;
    } finally {
      this.loading -= 1;
    }
    select.replaceChildren(...(this.items.length
      ? this.items.map((camera) => h('option', { value: camera.id }, `${isolated(camera.name)} (${camera.kind.toUpperCase()}${camera.always_on ? ', always on' : ''})`))
      : [h('option', { value: '' }, 'No IP cameras yet')]));
    if (keep && this.items.some((camera) => String(camera.id) === String(keep))) select.value = String(keep);
    byId('ipcam-add').open = this.items.length === 0;
    this.showSelected();
  }

  showSelected() {
    this.setControls(this.loading ? null : this.selected);
  }

  setControls(camera) {
    this.resetDelete();
    byId('ipcam-always-on').checked = Boolean(camera && camera.always_on);
    byId('ipcam-always-on').disabled = !camera;
    byId('ipcam-delete').disabled = !camera;
    byId('open-ipcam').disabled = !camera;
  }

  async add() {
    const form = byId('ipcam-form');
    const body = { name: byId('ipcam-name').value.trim(), url: byId('ipcam-url').value.trim(), always_on: byId('ipcam-new-always-on').checked };
    if (byId('ipcam-kind').value) body.kind = byId('ipcam-kind').value;
    try {
      const camera = await this.cameras.create(body);
      form.reset(); // the address leaves the page once the server has it
      this.status.show(`Added “${isolated(camera.name)}”. Open it to draw zones and count.`, 'success');
      await this.refresh(camera.id);
    } catch (error) {
      this.status.error(error);
    }
  }

  async setAlwaysOn(alwaysOn) {
    const camera = this.selected;
    if (!camera) return;
    try {
      await this.cameras.update(camera.id, { always_on: alwaysOn });
      this.status.show(alwaysOn ? `“${isolated(camera.name)}” is counted by the station around the clock (flask --app backend station).` : `“${isolated(camera.name)}” is no longer counted by the station.`, 'success');
      await this.refresh(camera.id);
    } catch (error) {
      this.status.error(error);
    }
  }

  /** The Delete button back to its first state ("Really delete?" asks once, for a while). */
  resetDelete() {
    const button = byId('ipcam-delete');
    clearTimeout(this.deleteTimer);
    delete button.dataset.confirm;
    button.textContent = 'Delete';
  }

  /** A camera's zones (and their webhooks) go with it: a camera that has some asks once. */
  async removeSelected() {
    const camera = this.selected;
    if (!camera) return;
    const button = byId('ipcam-delete');
    try {
      const zoneNames = await this.cameras.zoneNames(camera);
      if (zoneNames.length && button.dataset.confirm !== String(camera.id)) {
        button.dataset.confirm = String(camera.id);
        button.textContent = 'Really delete?';
        this.deleteTimer = setTimeout(() => this.resetDelete(), 8000);
        this.status.show(deleteCameraQuestion(camera.name, zoneNames), 'warning', { sticky: true });
        return;
      }
      this.resetDelete();
      await this.cameras.remove(camera.id);
      this.status.show(deletedCameraText(camera.name, zoneNames), 'success');
      await this.refresh();
    } catch (error) {
      this.resetDelete();
      this.status.error(error);
    }
  }

  open(id) {
    const camera = this.items.find((candidate) => String(candidate.id) === String(id));
    if (!camera) { this.status.error('Pick one of your IP cameras first (or add one).'); return Promise.resolve(); }
    return Promise.resolve(this.onOpen({ kind: 'ipcam', camera }));
  }
}
