// A person hidden behind others for several detector runs is not found again, by motion alone,
// on a box that someone still followed explains by overlap (association.js: yieldToOverlap).
// The case of issue 18: with the detector cadence (runs 0.12 s apart) the track of a person
// hidden for half a second took the box of the person in front, walking beside them, and the
// two ids swapped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteTracker } from '../../frontend/js/tracker/byte_tracker.js';
import { detectionsFromRows } from '../../frontend/js/core/detections.js';
import { TrackState } from '../../frontend/js/tracker/track.js';
import { yieldToOverlap } from '../../frontend/js/tracker/association.js';

// Boxes 150 px tall, standing still. FRONT: the person followed all along; HIDDEN: the person
// who stops being seen (behind FRONT); SECOND: a second box beside FRONT's, overlapping it
// (IoU 0.61 with FRONT), 63 px from where HIDDEN was: within the motion gate of a track lost
// 0.24 s or more (one height a second, plus a quarter height), overlapping HIDDEN not at all.
const FRONT = [100, 100, 150, 250];
const HIDDEN = [175, 100, 225, 250];
const SECOND = [112, 100, 162, 250];
/** Detector runs 3 frames (0.12 s) apart, the detector cadence's interval. */
const RUNS = [0, 3, 6, 9, 12];

/**
 * The tracker fed `RUNS`: FRONT at every run (with `front`), HIDDEN at the runs listed in
 * `seen`, and at the last run `last` (rows { box, score }). Returns { id of the track HIDDEN
 * started (0 if never), the id reported on each row of the last run (0: none) }.
 */
function lastRun({ front = true, seen, last }) {
  const tracker = new ByteTracker();
  let hiddenId = 0;
  let out = null;
  RUNS.forEach((frame, index) => {
    const final = index === RUNS.length - 1;
    const rows = final ? last : [...(front ? [{ box: FRONT, score: 0.9 }] : []), ...(seen.includes(index) ? [{ box: HIDDEN, score: 0.9 }] : [])];
    out = tracker.update(detectionsFromRows(rows), { frameIndex: frame, timestamp: frame / 25 });
    if (!final && index === 0) hiddenId = out.trackIds[out.count - 1];
  });
  const ids = last.map((_, row) => {
    const k = Array.from(out.detectionIndices).findIndex((index, j) => index === row && !out.predicted[j]);
    return k < 0 ? 0 : out.trackIds[k];
  });
  return { hiddenId, ids };
}

test('a track hidden for several runs is not found again by motion on a box someone followed overlaps', async (t) => {
  const cases = [
    {
      name: 'hidden at 2 runs, a second box beside the person in front: the hidden track stays lost',
      seen: [0, 1], last: [{ box: FRONT, score: 0.9 }, { box: SECOND, score: 0.6 }],
      want: ({ ids, hiddenId }) => ids[0] !== hiddenId && ids[1] !== hiddenId,
    },
    {
      name: 'missed at 1 run only (a walker missed once): found again by motion as before',
      seen: [0, 1, 2], last: [{ box: FRONT, score: 0.9 }, { box: SECOND, score: 0.6 }],
      want: ({ ids, hiddenId }) => ids[1] === hiddenId,
    },
    {
      name: 'hidden at 2 runs, nobody followed overlaps the box: found again by motion as before',
      front: false, seen: [0, 1], last: [{ box: SECOND, score: 0.6 }],
      want: ({ ids, hiddenId }) => ids[0] === hiddenId,
    },
  ];
  for (const { name, front, seen, last, want } of cases) {
    await t.test(name, () => {
      const result = lastRun({ front, seen, last });
      assert.ok(result.hiddenId > 0, 'the hidden person had a track');
      assert.ok(want(result), JSON.stringify(result));
    });
  }
});

test('yieldToOverlap: which pairs of a lost track and a detection it forbids', async (t) => {
  const limit = 0.8;
  const tracked = { state: TrackState.TRACKED, missedLooks: 0 };
  const hidden = { state: TrackState.LOST, missedLooks: 2 };
  const missedOnce = { state: TrackState.LOST, missedLooks: 1 };
  // Rows: tracks; columns: detections; `overlap` the IoU costs before motion, `cost` after it.
  const cases = [
    { name: 'hidden, matched by motion, the detection overlapped by a tracked track', tracks: [tracked, hidden],
      overlap: [0.4, 1], cost: [0.4, 0.7], want: [0.4, Infinity] },
    { name: 'hidden, but overlapping the detection itself', tracks: [tracked, hidden],
      overlap: [0.4, 0.7], cost: [0.4, 0.6], want: [0.4, 0.6] },
    { name: 'missed at one run only', tracks: [tracked, missedOnce],
      overlap: [0.4, 1], cost: [0.4, 0.7], want: [0.4, 0.7] },
    { name: 'the tracked track overlaps too little itself', tracks: [tracked, hidden],
      overlap: [0.9, 1], cost: [0.75, 0.7], want: [0.75, 0.7] },
    { name: 'no tracked track', tracks: [hidden],
      overlap: [1], cost: [0.7], want: [0.7] },
  ];
  for (const { name, tracks, overlap, cost, want } of cases) {
    await t.test(name, () => {
      assert.deepEqual(Array.from(yieldToOverlap(Float64Array.from(cost), Float64Array.from(overlap), tracks, 1, limit)), want);
    });
  }
});
