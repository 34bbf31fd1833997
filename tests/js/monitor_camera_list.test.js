import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraOptionText, deleteCameraQuestion, deletedCameraText, savedCameras } from '../../frontend/js/monitor/camera_list.js';

test("the user's cameras come from their saved zones, the most recently changed first", () => {
  const zones = [
    { name: 'Pavement', camera_key: 'front-door', updated_at: '2026-03-01T10:00:00Z' },
    { name: 'Till', camera_key: 'shop', updated_at: '2026-03-02T10:00:00Z' },
    { name: 'Shop door', camera_key: 'front-door', updated_at: '2026-03-01T11:00:00Z' },
    { name: 'Video zone', camera_key: null, video_id: 3, updated_at: '2026-03-09T10:00:00Z' },
  ];
  const cameras = savedCameras(zones);
  assert.deepEqual(cameras.map((camera) => [camera.kind, camera.cameraKey, camera.zoneNames]), [
    ['webcam', 'shop', ['Till']], ['webcam', 'front-door', ['Pavement', 'Shop door']]]);
  assert.equal(cameraOptionText(cameras[1]), 'front-door · 2 zones: Pavement, Shop door');
  assert.deepEqual(savedCameras([]), []);
});

test("an IP camera's zones (key ipcam:<id>) are not offered as a webcam", () => {
  // Picked from the webcam list, "ipcam:3" became a webcam called "ipcam-3", and the zones of
  // a deleted IP camera stayed listed there.
  const zones = [
    { name: 'Queue', camera_key: 'ipcam:3', updated_at: '2026-03-05T10:00:00Z' },
    { name: 'Pavement', camera_key: 'front-door', updated_at: '2026-03-01T10:00:00Z' },
  ];
  assert.deepEqual(savedCameras(zones).map((camera) => camera.cameraKey), ['front-door']);
});

test('deleting an IP camera says its zones and webhooks go with it, its counts stay', () => {
  assert.equal(deleteCameraQuestion('Front door', ['Queue', 'Door']),
    'Deleting “Front door” deletes its 2 zones (“Queue”, “Door”) and their webhooks too; its sessions and counts are kept. Click “Really delete?” to go ahead.');
  assert.match(deleteCameraQuestion('Yard', ['a', 'b', 'c', 'd']), /its 4 zones \(“a”, “b”, “c”, …\)/);
  assert.equal(deletedCameraText('Front door', ['Queue']),
    'Deleted “Front door” and its 1 zone (with their webhooks). Its sessions and counts are kept.');
  assert.equal(deletedCameraText('Front door', []), 'Deleted “Front door”. Its sessions and counts are kept.');
  assert.equal(deletedCameraText('Evil\u202e', []), 'Deleted “\u2068Evil\u202e\u2069”. Its sessions and counts are kept.');
});
