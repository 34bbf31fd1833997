import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawOverlay, LAYERS } from '../../frontend/js/overlay/overlay_renderer.js';
import { placeLabel, smoothTrail, turning, zoneLabelText } from '../../frontend/js/overlay/label_layout.js';
import { makeZone, zoneKey } from '../../frontend/js/editor/zone_model.js';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';

/** A 2D context that records what is drawn (no canvas in Node). */
function recordingContext(width = 640, height = 480) {
  const calls = [];
  const target = { canvas: { width, height }, calls, measureText: (text) => ({ width: text.length * 7 }) };
  return new Proxy(target, {
    get: (object, key) => (key in object ? object[key] : (...args) => { calls.push([key, ...args]); }),
    set: (object, key, value) => { object[key] = value; return true; },
  });
}

const intersects = ([x, y, w, h], [x1, y1, x2, y2]) => Math.min(x + w, x2) > Math.max(x, x1) && Math.min(y + h, y2) > Math.max(y, y1);

test('zone and line labels are placed off the people in the picture', () => {
  const zone = makeZone({ localId: 1, kind: 'polygon', name: 'Shop front', points: [[200, 200], [440, 200], [440, 400], [200, 400]], color: '#0f766e', threshold: 2 });
  const line = makeZone({ localId: 2, kind: 'line', name: 'Door', points: [[320, 40], [320, 180]], color: '#2563eb' });
  // People standing right on the zone's centre and beside the line's middle.
  const people = [[300, 240, 340, 360], [250, 260, 290, 380], [340, 250, 380, 370], [260, 80, 300, 170], [200, 70, 240, 160]];
  const tracked = detectionsFromRows(people.map((box, i) => ({ id: i + 1, box, score: 0.9 })));
  const context = recordingContext();
  const result = { zones: { [zoneKey(zone)]: { occupancy: 3, entries: 3, exits: 0, alertActive: true } }, lines: { [zoneKey(line)]: { in: 2, out: 1 } } };
  const layers = Object.fromEntries(LAYERS.map((name) => [name, true]));
  drawOverlay(context, { zones: [zone, line], layers: { ...layers, ids: false }, live: { result, tracked, feet: null, trails: new Map() } });
  const labels = context.calls.filter(([name]) => name === 'roundRect').map(([, x, y, w, h]) => [x, y, w, h]);
  const texts = context.calls.filter(([name]) => name === 'fillText').map(([, text]) => text);
  assert.equal(labels.length, 2);
  for (const label of labels) for (const box of people) assert.equal(intersects(label, box), false, `${label} covers ${box}`);
  assert.ok(texts.includes('Shop front · 3 inside · over the limit of 2!'));
  assert.ok(texts.includes('Door · in 2 · out 1'));
  assert.ok(texts.includes('IN')); // the line's direction, written at the arrow's head
});

test('zone labels say what the number is (no "3 / 2" that needs a legend)', () => {
  const zone = { name: 'Till', threshold: 2 };
  assert.equal(zoneLabelText(zone, { occupancy: 1, alertActive: false }), 'Till · 1 inside (limit 2)');
  assert.equal(zoneLabelText({ name: 'Hall', threshold: null }, { occupancy: 4 }), 'Hall · 4 inside');
  assert.doesNotMatch(zoneLabelText(zone, { occupancy: 3, alertActive: true }), /\d+ \/ \d+/);
});

test('a label goes where it covers least when every spot is taken, and stays in the picture', () => {
  const rect = placeLabel({ width: 60, height: 18 }, [[-50, -50], [600, 470]], { boxes: [], bounds: { width: 640, height: 480 } });
  assert.deepEqual(rect, [2, 2, 60, 18]);
});

test('trails lose the detector jitter but still end at the foot', () => {
  const zigzag = Array.from({ length: 20 }, (_, i) => [i * 10, 100 + (i % 2 ? 6 : -6)]);
  const smooth = smoothTrail(zigzag);
  assert.ok(turning(smooth) < turning(zigzag) / 3, `${turning(smooth)} vs ${turning(zigzag)}`);
  assert.deepEqual(smooth.at(-1), zigzag.at(-1));
  assert.equal(smooth.length, zigzag.length);
});
