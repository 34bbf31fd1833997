import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BAND_WIDTH_MAX_FRAME_SIDES, FRAME_KEY, MAX_ALERT_THRESHOLD, MAX_DWELL_SECONDS, MAX_HOLD_SECONDS, TRACK_ID_MAX, TRACK_ID_MIN, draftZoneKey, isDwellSeconds, isKey, isTrackId, savedZoneKey, zoneIdFromKey,
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

test('zone bounds are the server\'s (tests/protocol.json): the editor accepts only what can be saved', async () => {
  const shared = JSON.parse(readFileSync(new URL('../protocol.json', import.meta.url)));
  assert.equal(MAX_HOLD_SECONDS, shared.max_hold_seconds);
  assert.equal(MAX_ALERT_THRESHOLD, shared.max_alert_threshold);
  assert.equal(BAND_WIDTH_MAX_FRAME_SIDES, shared.band_width_max_frame_sides);
  const { ZoneEditorState } = await import('../../frontend/js/editor/editor_state.js');
  const editor = new ZoneEditorState({ frameWidth: 640, frameHeight: 480 });
  const polygon = makeZone({ localId: 1, kind: 'polygon', name: 'Door', points: [[0, 0], [100, 0], [100, 100]], color: '#0f766e' });
  const band = makeZone({ localId: 2, kind: 'band', name: 'Band', points: [[300, 0], [300, 400]], color: '#0f766e', width: 40 });
  editor.load([polygon, band]);
  // Before, the editor took 5000 s or a 100000 px band and only the save said no (for the
  // band: "needs a width greater than 0").
  assert.throws(() => editor.update(1, { holdSeconds: MAX_HOLD_SECONDS + 1 }), /0 to 3600 seconds/);
  assert.throws(() => editor.update(1, { endHoldSeconds: 99999 }), /0 to 3600 seconds/);
  assert.throws(() => editor.update(2, { width: 100000 }), /at most 1280 px/);
  assert.throws(() => editor.update(1, { threshold: 0 }), /1 to 1,000,000/);  // the server's minimum
  // and its maximum: the editor took 2000000 and only the save said no.
  assert.throws(() => editor.update(1, { threshold: MAX_ALERT_THRESHOLD + 1 }), /1 to 1,000,000/);
  assert.equal(editor.update(1, { threshold: MAX_ALERT_THRESHOLD }).threshold, MAX_ALERT_THRESHOLD);
  assert.equal(editor.update(1, { holdSeconds: MAX_HOLD_SECONDS }).holdSeconds, MAX_HOLD_SECONDS);
  assert.equal(editor.update(2, { width: 1280 }).width, 1280);
});
