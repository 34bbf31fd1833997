import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeZone, zoneToApi, zoneFromApi, zoneKey } from '../../frontend/js/editor/zone_model.js';
import { containsPoint } from '../../frontend/js/geometry/polygon.js';
import { bandCorners, inwardNormal } from '../../frontend/js/geometry/segments.js';

const base = { localId: 1, name: 'Door', color: '#0f766e' };

test('makeZone refuses degenerate shapes', () => {
  const cases = [
    [{ kind: 'polygon', points: [[0, 0], [1, 1]] }, /at least 3/],
    [{ kind: 'line', points: [[5, 5], [5, 5]] }, /two different points/],
    [{ kind: 'line', points: [[5, 5]] }, /exactly 2/],
    [{ kind: 'circle', points: [] }, /Unknown zone kind/],
    [{ kind: 'band', points: [[0, 0], [9, 9]], width: 0 }, /width/],
  ];
  for (const [input, message] of cases) assert.throws(() => makeZone({ ...base, ...input }), message);
});

test('API round trip: polygon, line, band', () => {
  const zones = [
    makeZone({ ...base, kind: 'polygon', points: [[1, 2], [100, 2], [50, 80.123]], threshold: 4, holdSeconds: 5, endHoldSeconds: 2.5 }),
    makeZone({ ...base, localId: 2, kind: 'line', points: [[0, 240], [640, 240]], flipped: true }),
    makeZone({ ...base, localId: 3, kind: 'band', points: [[0, 200], [640, 200]], width: 30 }),
  ];
  for (const zone of zones) {
    const json = { ...zoneToApi(zone, { frameWidth: 640, frameHeight: 480, cameraKey: 'door' }), id: 9 };
    assert.equal(json.camera_key, 'door');
    assert.equal(json.video_id, null);
    const back = zoneFromApi(json, zone.localId, { frameWidth: 640, frameHeight: 480 });
    assert.deepEqual(back, { ...zone, serverId: 9, points: zone.points.map(([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100]) });
  }
  assert.deepEqual(zoneToApi(zones[1], { frameWidth: 640, frameHeight: 480 }).geometry, { points: [[0, 240], [640, 240]], flipped: true });
  assert.deepEqual(zoneToApi(zones[2], { frameWidth: 640, frameHeight: 480 }).geometry, { points: [[0, 200], [640, 200]], flipped: false, width: 30 });
});

test('zones saved on another frame size are rescaled', () => {
  const json = { id: 1, kind: 'line', name: 'L', color: '#112233', frame_width: 320, frame_height: 240, geometry: { points: [[10, 20], [30, 40]], flipped: false } };
  assert.deepEqual(zoneFromApi(json, 1, { frameWidth: 640, frameHeight: 480 }).points, [[20, 40], [60, 80]]);
});

test('zone keys', () => {
  assert.equal(zoneKey({ serverId: 12, localId: 3 }), 'zone-12');
  assert.equal(zoneKey({ serverId: null, localId: 3 }), 'draft-3');
});

test('the inward normal points to the side where (B-A)x(P-A) > 0', () => {
  const a = [0, 0];
  const b = [10, 0];
  const [nx, ny] = inwardNormal(a, b);
  const probe = [5 + nx, ny];
  const cross = (b[0] - a[0]) * (probe[1] - a[1]) - (b[1] - a[1]) * (probe[0] - a[0]);
  assert.ok(cross > 0);
  assert.deepEqual(inwardNormal(a, b, true).map((v) => v + 0), [-nx + 0, -ny + 0]);
});

test('band corners enclose the segment at +-width/2', () => {
  const corners = bandCorners([0, 100], [100, 100], 40);
  assert.ok(containsPoint(corners, 50, 119));
  assert.ok(containsPoint(corners, 50, 81));
  assert.ok(!containsPoint(corners, 50, 121));
});

test('a new run names the zones the server has no row for, within the server\'s name rule', async () => {
  const { keyNamesFor } = await import('../../frontend/js/editor/zone_model.js');
  const zones = [
    { localId: 1, serverId: 7, kind: 'polygon', name: 'Saved zone' },
    { localId: 2, serverId: null, kind: 'polygon', name: 'Pavement', threshold: 2 },
    { localId: 3, serverId: null, kind: 'band', name: ` ${'x'.repeat(100)}` },
    { localId: 4, serverId: null, kind: 'line', name: '  ' },
  ];
  const names = keyNamesFor(zones);
  assert.deepEqual(Object.keys(names), [zoneKey(zones[1]), zoneKey(zones[2])]);
  assert.deepEqual(names[zoneKey(zones[1])], { name: 'Pavement', kind: 'polygon', threshold: 2 });  // its alert's limit too
  assert.equal(names[zoneKey(zones[2])].name.length, 80);
});

test('a webhook set through the API survives the page saving the zone', async () => {
  // The page has no webhook field; its save (a PUT of every zone, also before counting) sent
  // none, so renaming any zone on the monitor silently removed every zone's webhook. Later it
  // sent back the address it had loaded, which undid a webhook added on the Webhooks page
  // after the monitor opened. Now it sends no address at all: the server keeps the zone's.
  const { ZoneEditorState } = await import('../../frontend/js/editor/editor_state.js');
  const json = { id: 4, kind: 'polygon', name: 'Door', color: '#0f766e', frame_width: 640, frame_height: 480,
    geometry: { points: [[0, 0], [100, 0], [100, 100]] }, threshold: 3, hold_seconds: 0, end_hold_seconds: 3,
    webhook_url: null };
  const zone = zoneFromApi(json, 1, { frameWidth: 640, frameHeight: 480 });
  const editor = new ZoneEditorState();
  editor.load([zone]);
  editor.update(zone.localId, { name: 'Front door' });
  const [renamed] = editor.zones;
  const body = zoneToApi(renamed, { frameWidth: 640, frameHeight: 480, cameraKey: 'door' });
  assert.equal(body.name, 'Front door');
  assert.equal('webhook_url' in body, false);
  assert.equal('webhook_url' in zoneToApi(zone, { frameWidth: 640, frameHeight: 480, cameraKey: 'door' }), false);
});
