// Pure: the user's cameras as the source picker offers them, from their saved zones (each
// zone remembers the camera key it was drawn for). Newest first. Other kinds of camera (e.g.
// IP cameras) can join the same list as entries of their own `kind`.
import { countOf, isolated } from '../ui/words.js';

// An IP camera's zones are saved under "ipcam:<id>": they belong to the IP cameras tab, not
// to the webcam's list (picked there, the key became a webcam called "ipcam-<id>").
const IP_CAMERA_KEY_PREFIX = 'ipcam:';

export function savedCameras(zones) {
  const cameras = new Map();
  for (const zone of zones) {
    if (!zone.camera_key || zone.camera_key.startsWith(IP_CAMERA_KEY_PREFIX)) continue;
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
  const names = camera.zoneNames.slice(0, 3).map(isolated).join(', ') + (count > 3 ? ', …' : '');
  return `${camera.cameraKey} · ${countOf(count, 'zone')}: ${names}`;
}

function namesOf(zoneNames) {
  const shown = zoneNames.slice(0, 3).map((name) => `“${isolated(name)}”`).join(', ');
  return zoneNames.length > 3 ? `${shown}, …` : shown;
}

/** Asked before an IP camera with zones is deleted (they and their webhooks go with it). */
export function deleteCameraQuestion(cameraName, zoneNames) {
  return `Deleting “${isolated(cameraName)}” deletes its ${countOf(zoneNames.length, 'zone')} (${namesOf(zoneNames)}) and their webhooks too; its sessions and counts are kept. Click “Really delete?” to go ahead.`;
}

/** Said once an IP camera is deleted. */
export function deletedCameraText(cameraName, zoneNames) {
  const zonesToo = zoneNames.length ? ` and its ${countOf(zoneNames.length, 'zone')} (with their webhooks)` : '';
  return `Deleted “${isolated(cameraName)}”${zonesToo}. Its sessions and counts are kept.`;
}
