import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FRAME_KEY, MAX_DWELL_SECONDS, TRACK_ID_MAX, TRACK_ID_MIN, draftZoneKey, isDwellSeconds, isKey, isTrackId, savedZoneKey, zoneIdFromKey,
} from '../../frontend/js/api/protocol.js';
import { makeZone, zoneKey } from '../../frontend/js/editor/zone_model.js';

test('zone keys: saved zones are "zone-<id>" and map back to the id; other keys name no zone', () => {
  assert.equal(savedZoneKey(12), 'zone-12');
  assert.equal(zoneIdFromKey(savedZoneKey(12)), 12);
  for (const key of [draftZoneKey(3), FRAME_KEY, 'zone-', 'zone-12a', 'xzone-1', 'zone-1234567890123456789']) {
    assert.equal(zoneIdFromKey(key), null, key);
  }
  const zone = (serverId) => makeZone({ localId: 4, serverId, kind: 'line', name: 'Door', points: [[0, 0], [1, 1]], color: '#0f766e' });
  assert.equal(zoneKey(zone(9)), 'zone-9');
  assert.equal(zoneKey(zone(null)), 'draft-4');
});

test('keys are 1-64 letters, digits or _ . : -', () => {
  for (const key of ['frame', 'zone-1', 'draft-3', crypto.randomUUID(), 'a'.repeat(64), 'cam:front.door_1']) assert.ok(isKey(key), key);
  for (const key of ['', 'a'.repeat(65), 'zone 1', 'zone/1', 'zone-1\n', 7, null]) assert.ok(!isKey(key), String(key));
});

test('track ids are 32-bit signed integers; dwell times finite seconds up to ten years', () => {
  assert.ok(isTrackId(TRACK_ID_MIN) && isTrackId(TRACK_ID_MAX) && isTrackId(0));
  assert.ok(!isTrackId(TRACK_ID_MAX + 1) && !isTrackId(TRACK_ID_MIN - 1) && !isTrackId(1.5));
  assert.ok(isDwellSeconds(0) && isDwellSeconds(MAX_DWELL_SECONDS));
  assert.ok(!isDwellSeconds(-0.001) && !isDwellSeconds(MAX_DWELL_SECONDS + 1) && !isDwellSeconds(Infinity) && !isDwellSeconds(NaN));
});
