import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartsFor } from '../../frontend/js/monitor/live_panel.js';

test('a live chart shows only when something drawn can fill it (else a note, not empty axes)', () => {
  const polygon = { kind: 'polygon' };
  const line = { kind: 'line' };
  const band = { kind: 'band' };
  for (const [zones, expected] of [
    [[], { occupancy: false, flow: false }],
    [[polygon], { occupancy: true, flow: false }],
    [[line], { occupancy: false, flow: true }],
    [[band, polygon], { occupancy: true, flow: true }],
  ]) {
    assert.deepEqual(chartsFor(zones), expected);
  }
});
