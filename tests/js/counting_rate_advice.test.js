import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateAdvisor } from '../../frontend/js/counting/rate_advice.js';

/** Walkers 200 px tall moving right at `speed` px/s, seen `rate` times a second for `seconds`. */
function feed(advisor, { speed, rate, seconds = 6, people = 3, predicted = false }) {
  for (let run = 0; run * (1 / rate) <= seconds; run += 1) {
    const t = run / rate;
    const boxes = new Float32Array(4 * people);
    const feet = new Float32Array(2 * people);
    for (let p = 0; p < people; p += 1) {
      const x = 20 + speed * t;
      const y = 250 + 60 * p;
      boxes.set([x - 30, y - 200, x + 30, y], p * 4);
      feet.set([x, y], p * 2);
    }
    const tracked = { count: people, boxes, trackIds: Int32Array.from({ length: people }, (_, p) => p + 1),
      predicted: new Uint8Array(people).fill(predicted ? 1 : 0) };
    advisor.observe(tracked, feet, t);
  }
}

const FRAME = { width: 640, height: 480 };
const MIDDLE_LINE = { id: 'door', a: [320, 0], b: [320, 480] };
const EDGE_LINE = { id: 'edge', a: [600, 0], b: [600, 480] };

const cases = [
  { name: 'walkers at 100 px/s, 2 runs/s, a line in the middle: reliable', speed: 100, rate: 2, lines: [MIDDLE_LINE], reliable: true },
  { name: 'the same line at 0.5 runs/s: not reliable (tracking needs 1 run/s)', speed: 100, rate: 0.5, seconds: 20, lines: [MIDDLE_LINE], reliable: false, limitedBy: 'tracking' },
  { name: 'a line 40 px from the edge at 2 runs/s: not reliable, the line is the limit', speed: 100, rate: 2, lines: [EDGE_LINE], reliable: false, limitedBy: 'line edge' },
  { name: 'a band near the edge: the room beyond its boundary is the limit', speed: 100, rate: 3, bands: [{ id: 'b', a: [560, 0], b: [560, 480], width: 40 }], reliable: false, limitedBy: 'band b' },
];

for (const { name, speed, rate, seconds, lines = [], bands = [], reliable, limitedBy } of cases) {
  test(`rate advice — ${name}`, () => {
    const advisor = new RateAdvisor();
    feed(advisor, { speed, rate, seconds });
    const advice = advisor.advise({ lines, bands, ...FRAME });
    assert.equal(advice.reliable, reliable, JSON.stringify(advice));
    assert.ok(Math.abs(advice.actual - rate) < 1e-3);
    assert.ok(Math.abs(advice.speed - speed) < 1e-3);
    if (limitedBy) assert.equal(advice.limitedBy, limitedBy);
    if (reliable) assert.deepEqual(advice.suggestions, []);
    else assert.ok(advice.suggestions.some((s) => s.startsWith('a smaller model size')));
    if (!reliable && lines.length) assert.ok(advice.suggestions.some((s) => s.includes('a band instead of a line')));
  });
}

test('rate advice — the needed rate grows with speed', () => {
  const slow = new RateAdvisor();
  const fast = new RateAdvisor();
  feed(slow, { speed: 50, rate: 2 });
  feed(fast, { speed: 150, rate: 2 });
  const a = slow.advise({ lines: [MIDDLE_LINE], ...FRAME });
  const b = fast.advise({ lines: [MIDDLE_LINE], ...FRAME });
  assert.ok(Math.abs(b.needed / a.needed - 3) < 1e-6, `${a.needed} ${b.needed}`);
});

test('rate advice — no advice before enough speed samples; predicted boxes give none', () => {
  const advisor = new RateAdvisor();
  assert.equal(advisor.advise({ lines: [MIDDLE_LINE], ...FRAME }), null);
  feed(advisor, { speed: 100, rate: 2, predicted: true });
  assert.equal(advisor.advise({ lines: [MIDDLE_LINE], ...FRAME }), null);
});

test('rate advice — options are validated', () => {
  assert.throws(() => new RateAdvisor({ quantile: 2 }), /quantile must be within/);
  assert.throws(() => new RateAdvisor({ windw: 3 }), /unknown option\(s\) windw/);
});
