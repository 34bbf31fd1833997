import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZoneEditorState } from '../../frontend/js/editor/editor_state.js';

function editor() {
  return new ZoneEditorState({ frameWidth: 640, frameHeight: 480 });
}

test('unknown options and bad frame sizes are refused', () => {
  assert.throws(() => new ZoneEditorState({ frameWidht: 10 }), /Unknown editor option "frameWidht"/);
  assert.throws(() => new ZoneEditorState({ frameWidth: 0 }), /positive size/);
  assert.throws(() => editor().setTool('lasso'), /Unknown tool/);
});

test('polygon: clicks add corners, clicking the first corner closes it', () => {
  const state = editor();
  state.setTool('polygon');
  for (const point of [[100, 100], [200, 100], [200, 200]]) state.pointerDown(point);
  assert.equal(state.zones.length, 0);
  const zone = state.pointerDown([103, 98]);
  assert.equal(state.zones.length, 1);
  assert.equal(zone.kind, 'polygon');
  assert.deepEqual(zone.points, [[100, 100], [200, 100], [200, 200]]);
  assert.equal(zone.name, 'Zone 1');
  assert.equal(state.selectedId, zone.localId);
  assert.equal(state.draft, null);
});

test('polygon: finishPolygon needs three corners; double-click duplicates are ignored', () => {
  const state = editor();
  state.setTool('polygon');
  state.pointerDown([10, 10]);
  state.pointerDown([50, 10]);
  state.pointerDown([50, 10]);
  assert.equal(state.finishPolygon(), null);
  state.pointerDown([50, 60]);
  const zone = state.finishPolygon();
  assert.equal(zone.points.length, 3);
});

test('rectangle: a drag makes a four-corner polygon, clamped to the frame', () => {
  const state = editor();
  state.setTool('rectangle');
  state.pointerDown([600, 400]);
  state.pointerMove([700, 300]);
  const zone = state.pointerUp([700, 300]);
  assert.deepEqual(zone.points, [[600, 300], [640, 300], [640, 400], [600, 400]]);
});

const twoPointCases = [
  { tool: 'line', gesture: 'drag', expectedKind: 'line', width: null },
  { tool: 'line', gesture: 'click-click', expectedKind: 'line', width: null },
  { tool: 'band', gesture: 'drag', expectedKind: 'band', width: 40 },
  { tool: 'band', gesture: 'click-click', expectedKind: 'band', width: 40 },
];
for (const { tool, gesture, expectedKind, width } of twoPointCases) {
  test(`${tool} by ${gesture}`, () => {
    const state = editor();
    state.setTool(tool);
    state.pointerDown([10, 240]);
    let zone;
    if (gesture === 'drag') {
      zone = state.pointerUp([630, 240]);
    } else {
      assert.equal(state.pointerUp([10, 240]), null);
      zone = state.pointerDown([630, 240]);
    }
    assert.equal(zone.kind, expectedKind);
    assert.deepEqual(zone.points, [[10, 240], [630, 240]]);
    assert.equal(zone.flipped, false);
    assert.equal(zone.width, width);
    assert.equal(zone.threshold, null);
  });
}

test('a too short line is not created', () => {
  const state = editor();
  state.setTool('line');
  state.pointerDown([10, 10]);
  state.pointerUp([10, 10]);
  assert.equal(state.pointerDown([12, 11]), null);
  assert.equal(state.zones.length, 0);
});

test('dragging a vertex moves only that vertex; undo restores it', () => {
  const state = editor();
  state.setTool('rectangle');
  state.pointerDown([100, 100]);
  state.pointerUp([200, 200]);
  state.setTool('select');
  state.pointerDown([201, 199]);
  state.pointerMove([250, 260]);
  state.pointerUp([250, 260]);
  assert.deepEqual(state.zones[0].points[2], [250, 260]);
  assert.deepEqual(state.zones[0].points[0], [100, 100]);
  assert.ok(state.undo());
  assert.deepEqual(state.zones[0].points[2], [200, 200]);
});

test('dragging inside a zone moves the whole zone; a click without moving records no history', () => {
  const state = editor();
  state.setTool('rectangle');
  state.pointerDown([100, 100]);
  state.pointerUp([200, 200]);
  state.setTool('select');
  const historyBefore = state.history.length;
  state.pointerDown([150, 150]);
  state.pointerUp([150, 150]);
  assert.equal(state.history.length, historyBefore);
  state.pointerDown([150, 150]);
  state.pointerMove([160, 170]);
  state.pointerUp([160, 170]);
  assert.deepEqual(state.zones[0].points[0], [110, 120]);
});

test('clicking empty space deselects', () => {
  const state = editor();
  state.setTool('rectangle');
  state.pointerDown([100, 100]);
  state.pointerUp([200, 200]);
  state.setTool('select');
  state.pointerDown([400, 400]);
  assert.equal(state.selectedId, null);
});

test('update validates: bad input changes nothing', () => {
  const state = editor();
  state.setTool('rectangle');
  state.pointerDown([100, 100]);
  const zone = state.pointerUp([200, 200]);
  const cases = [
    [{ name: '  ' }, /name/],
    [{ color: 'red' }, /Colour/],
    [{ threshold: -1 }, /threshold/],
    [{ threshold: 2.5 }, /threshold/],
    [{ holdSeconds: -3 }, /hold time/],
    [{ endHoldSeconds: -1 }, /end hold time/],
  ];
  for (const [patch, message] of cases) {
    assert.throws(() => state.update(zone.localId, patch), message);
    assert.deepEqual(state.zones[0], zone);
  }
  const renamed = state.update(zone.localId, { name: ' Till ', color: '#123abc', threshold: 3, holdSeconds: 2 });
  assert.equal(renamed.name, 'Till');
  assert.equal(renamed.threshold, 3);
  assert.ok(state.undo());
  assert.equal(state.zones[0].name, 'Zone 1');
});

test('flip toggles the in-direction of lines only', () => {
  const state = editor();
  state.setTool('line');
  state.pointerDown([10, 10]);
  const line = state.pointerUp([100, 10]);
  assert.equal(state.flip(line.localId).flipped, true);
  assert.equal(state.flip(line.localId).flipped, false);
  state.setTool('rectangle');
  state.pointerDown([100, 100]);
  const zone = state.pointerUp([200, 200]);
  assert.equal(state.flip(zone.localId), null);
});

test('remove and undo; undo first cancels a draft', () => {
  const state = editor();
  state.setTool('line');
  state.pointerDown([10, 10]);
  const line = state.pointerUp([100, 10]);
  assert.ok(state.remove(line.localId));
  assert.equal(state.zones.length, 0);
  assert.equal(state.selectedId, null);
  state.setTool('polygon');
  state.pointerDown([5, 5]);
  assert.ok(state.undo());
  assert.equal(state.draft, null);
  assert.equal(state.zones.length, 0);
  assert.ok(state.undo());
  assert.equal(state.zones.length, 1);
  assert.equal(state.undo(), true);
  assert.equal(state.zones.length, 0);
  assert.equal(state.undo(), false);
});

test('hit testing finds lines near the segment, not beyond its end', () => {
  const state = editor();
  state.setTool('line');
  state.pointerDown([100, 100]);
  const line = state.pointerUp([300, 100]);
  assert.equal(state.hitZone([200, 105]), line.localId);
  assert.equal(state.hitZone([330, 100]), null);
});

test('load replaces zones, clears history and marks clean; markSaved keeps server ids', () => {
  const state = editor();
  state.setTool('line');
  state.pointerDown([100, 100]);
  const line = state.pointerUp([300, 100]);
  assert.equal(state.dirty, true);
  state.markSaved(new Map([[line.localId, 42]]));
  assert.equal(state.zones[0].serverId, 42);
  assert.equal(state.dirty, false);
  state.load([{ ...state.zones[0], localId: 7 }]);
  assert.equal(state.history.length, 0);
  state.setTool('line');
  state.pointerDown([10, 10]);
  const next = state.pointerUp([60, 10]);
  assert.equal(next.localId, 8);
});
