import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cameraOptionText, savedCameras } from '../../frontend/js/monitor/camera_list.js';

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
