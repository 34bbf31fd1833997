// The band the overlay draws is the band the counter counts: both take its edges from
// geometry/segments.js. This pins them together: the outline drawn on the canvas, the
// counter's boundaries, and where a walking person starts and stops counting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BandCounter } from '../../frontend/js/counting/band_counter.js';
import { makeZone } from '../../frontend/js/editor/zone_model.js';
import { drawZone } from '../../frontend/js/overlay/overlay_renderer.js';
import { inwardNormal } from '../../frontend/js/geometry/segments.js';

/** A 2D context that records the path points of fills and strokes. */
function recordingContext() {
  const paths = [];
  let current = [];
  const noop = () => {};
  return {
    paths,
    canvas: { width: 640, height: 480 },
    beginPath: () => { current = []; },
    moveTo: (x, y) => current.push([x, y]),
    lineTo: (x, y) => current.push([x, y]),
    closePath: () => paths.push(current),
    measureText: () => ({ width: 10 }),
    fill: noop, stroke: noop, setLineDash: noop, fillText: noop, roundRect: noop, arc: noop, strokeRect: noop,
    save: noop, restore: noop, strokeText: noop,
  };
}

const near = (actual, expected) => actual.every((value, i) => Math.abs(value - expected[i]) < 1e-9);

const BANDS = [
  { name: 'horizontal', a: [0, 100], b: [200, 100], width: 40 },
  { name: 'diagonal', a: [50, 50], b: [350, 250], width: 30 },
  { name: 'vertical, drawn upwards and flipped', a: [300, 400], b: [300, 20], width: 24, flipped: true },
];

for (const { name, a, b, width, flipped = false } of BANDS) {
  test(`band ${name}: the overlay's outline is the counter's two edges`, () => {
    const zone = makeZone({ localId: 1, kind: 'band', name, points: [a, b], color: '#0f766e', width, flipped });
    const context = recordingContext();
    drawZone(context, zone, {});
    const outline = context.paths[0];
    const counter = new BandCounter({ id: 'band', a, b, width, flipped });
    const [[negativeA, negativeB], [positiveA, positiveB]] = counter.boundaries;
    assert.equal(outline.length, 4);
    [negativeA, negativeB, positiveB, positiveA].forEach((corner, i) => assert.ok(near(outline[i], corner), `corner ${i}: drawn ${outline[i]} vs counted ${corner}`));
  });

  test(`band ${name}: a person counts only when walking from beyond one drawn edge to beyond the other`, () => {
    const counter = new BandCounter({ id: 'band', a, b, width, flipped });
    const [nx, ny] = inwardNormal(a, b);
    const middle = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const at = (offset) => [middle[0] + nx * offset, middle[1] + ny * offset];
    const walk = (trackId, offsets) => offsets.flatMap((offset, frameIndex) => counter.observe(trackId, ...at(offset), { frameIndex, timestamp: frameIndex / 25 }));
    const half = width / 2;
    const across = walk(1, [-half - 1, -half + 1, 0, half - 1, half + 1]);
    assert.equal(across.filter((event) => event.type === 'in' || event.type === 'out').length, 1, 'just beyond both drawn edges: counted');
    const short = walk(2, [-half - 1, 0, half - 1, half - 0.5]);
    assert.equal(short.filter((event) => event.type === 'in' || event.type === 'out').length, 0, 'still inside the far drawn edge: not counted');
  });
}
