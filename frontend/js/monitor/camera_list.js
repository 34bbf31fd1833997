// Pure: the user's cameras as the source picker offers them, from their saved zones (each
// zone remembers the camera key it was drawn for). Newest first. Other kinds of camera (e.g.
// IP cameras) can join the same list as entries of their own `kind`.
import { countOf } from '../ui/words.js';

export function savedCameras(zones) {
  const cameras = new Map();
  for (const zone of zones) {
    if (!zone.camera_key) continue;
    const camera = cameras.get(zone.camera_key) || { kind: 'webcam', cameraKey: zone.camera_key, zoneNames: [], updatedAt: '' };
    camera.zoneNames.push(zone.name);
    if ((zone.updated_at || '') > camera.updatedAt) camera.updatedAt = zone.updated_at || '';
    cameras.set(zone.camera_key, camera);
  }
  return [...cameras.values()].sort((a, b) => (b.updatedAt > a.updatedAt ? 1 : b.updatedAt < a.updatedAt ? -1 : a.cameraKey.localeCompare(b.cameraKey)));
}

/** "front-door · 2 zones: Pavement, Shop door". */
export function cameraOptionText(camera) {
  const count = camera.zoneNames.length;
  const names = camera.zoneNames.slice(0, 3).join(', ') + (count > 3 ? ', …' : '');
  return `${camera.cameraKey} · ${countOf(count, 'zone')}: ${names}`;
}
