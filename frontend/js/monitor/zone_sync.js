// Loads and saves the editor's zones for the open source (per video id or camera key).
import { zoneFromApi, zoneToApi } from '../editor/zone_model.js';

export class ZoneSync {
  constructor(api) {
    this.api = api;
    this.target = null;       // { videoId } | { cameraKey } | null (local file: not saved)
    this.savedIds = new Set(); // server ids as last loaded or saved
  }

  get canSave() {
    return this.target !== null;
  }

  async load(target, { frameWidth, frameHeight }) {
    this.target = target;
    this.savedIds = new Set();
    if (!target) return [];
    const items = await this.api.listZones(target);
    this.savedIds = new Set(items.map((item) => item.id));
    return items.map((item, index) => zoneFromApi(item, index + 1, { frameWidth, frameHeight }));
  }

  /** Create new zones, update the others, delete the removed ones; returns localId -> server id. */
  async save(zones, { frameWidth, frameHeight }) {
    if (!this.target) throw new Error('Zones of a local file are not saved; upload it under My videos to keep them.');
    const context = { frameWidth, frameHeight, videoId: this.target.videoId ?? null, cameraKey: this.target.cameraKey ?? null };
    const ids = new Map();
    for (const zone of zones) {
      const body = zoneToApi(zone, context);
      const saved = zone.serverId && this.savedIds.has(zone.serverId)
        ? await this.api.updateZone(zone.serverId, body)
        : await this.api.createZone(body);
      ids.set(zone.localId, saved.id);
    }
    const kept = new Set(ids.values());
    for (const id of this.savedIds) {
      if (!kept.has(id)) await this.api.deleteZone(id);
    }
    this.savedIds = kept;
    return ids;
  }
}
