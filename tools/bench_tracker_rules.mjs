#!/usr/bin/env node
// Times two of the tracker's and counting's per-run rules, old code against new in the same run:
// tracker/association.js `yieldToOverlap` (called on every detector run's first association) and
// counting/entry_crossing.js `entryCrossing` (called once per new track and line, at its second
// sighting). Each is first checked to return the same result from both folders on every input
// (the benchmark stops if not), then timed in interleaved rounds; prints the median time a call of
// each and the ratio old / new. Milliseconds on a shared machine are noisy: read the ratio, and
// note `uptime` with it. Each input is timed in a process of its own (a fresh JIT: in one process
// the order of the inputs moved the figures by 2x). The inputs are made up (sizes like the full-size clips': up to ~12 tracks
// and detections a run, a few runs of ~8 boxes before a first sighting), not recorded.
//
//   node tools/bench_tracker_rules.mjs --old DIR --new frontend/js [--rounds 15] [--calls 20000]
//   (DIR: an old frontend/js, e.g. `git archive <commit> frontend/js | tar -x -C DIR`, then DIR/frontend/js)
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function options() {
  const { values } = parseArgs({
    options: {
      old: { type: 'string' },
      new: { type: 'string', default: path.join(REPO, 'frontend', 'js') },
      rounds: { type: 'string', default: '15' },
      calls: { type: 'string', default: '20000' },
      case: { type: 'string' },
    },
  });
  if (!values.old) throw new Error('--old DIR (an old frontend/js folder) is required');
  return { ...values, rounds: Number(values.rounds), calls: Number(values.calls) };
}

async function load(dir) {
  const base = pathToFileURL(path.resolve(dir) + '/').href;
  const { yieldToOverlap } = await import(`${base}tracker/association.js`);
  const { TrackState } = await import(`${base}tracker/track.js`);
  const { entryCrossing } = await import(`${base}counting/entry_crossing.js`);
  return { yieldToOverlap, TrackState, entryCrossing };
}

/** A small deterministic random source (the same inputs for both folders and every run). */
function randomSource(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** yieldToOverlap's inputs: `hidden` of `rows` tracks lost and missed at 2+ runs, the rest tracked. */
function overlapCase(random, TrackState, { rows, columns, hidden }) {
  const tracks = Array.from({ length: rows }, (_, i) => (i < hidden
    ? { state: TrackState.LOST, missedLooks: 2 + Math.floor(random() * 3) }
    : { state: TrackState.TRACKED, missedLooks: 0 }));
  const overlap = Float64Array.from({ length: rows * columns }, () => (random() < 0.2 ? random() * 0.8 : 1));
  const cost = overlap.map((value) => (value < 1 ? value : 0.5 + random() * 0.5));
  return { name: `yieldToOverlap ${rows}x${columns}, ${hidden} hidden`, args: [cost, overlap, tracks, columns, 0.8] };
}

/** entryCrossing's inputs: a new track's first two sightings, with `runs` runs of 8 boxes before the first. */
function entryCase(random, { name, interval, sameSide, runs }) {
  const line = { a: [300, 0], b: [300, 480], recentCrossings: [] };
  const boxes = () => Array.from({ length: 8 }, (_, k) => ({ trackId: k + 1, box: [200 + 40 * k, 150, 260 + 40 * k, 330] }));
  const runList = Array.from({ length: runs }, (_, k) => ({ timestamp: 10 - (runs - k) * interval, boxes: boxes() }));
  const first = { point: [320, 330], side: 1, frameIndex: 250, timestamp: 10, facing: 0, interval, since: 0, runs: runList, size: [60, 180] };
  const second = { point: [340 + random(), 331], side: sameSide ? 1 : -1, frameIndex: 250 + Math.round(interval * 25), timestamp: 10 + interval, facing: 0 };
  return { name: `entryCrossing ${name}`, args: [line, first, second, { height: 180, lookbackSeconds: 2 }] };
}

function same(a, b) {
  return JSON.stringify(a, (_, value) => (value instanceof Float64Array ? Array.from(value) : value))
    === JSON.stringify(b, (_, value) => (value instanceof Float64Array ? Array.from(value) : value));
}

function timeCalls(fn, args, calls) {
  const start = performance.now();
  let sink = 0;
  for (let c = 0; c < calls; c += 1) sink += fn(...args) === null ? 0 : 1;
  return { microseconds: ((performance.now() - start) * 1000) / calls, sink };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function makeCases(TrackState) {
  const random = randomSource(12);
  return [
    ...[{ rows: 8, columns: 8, hidden: 0 }, { rows: 12, columns: 12, hidden: 0 }, { rows: 12, columns: 12, hidden: 2 }]
      .map((shape) => ({ fn: 'yieldToOverlap', ...overlapCase(random, TrackState, shape) })),
    ...[{ name: 'every frame (interval 0.04 s, rejected)', interval: 0.04, sameSide: true, runs: 3 },
      { name: 'changed side (rejected)', interval: 0.48, sameSide: false, runs: 3 },
      { name: 'inferred (walk back over 3 runs)', interval: 0.48, sameSide: true, runs: 3 }]
      .map((spec) => ({ fn: 'entryCrossing', ...entryCase(random, spec) })),
  ];
}

/** One input, old and new interleaved, in this process: its line of the table. */
async function timeCase(args, index) {
  const old = await load(args.old);
  const now = await load(args.new);
  const { fn, name, args: input } = makeCases(now.TrackState)[index];
  if (!same(old[fn](...input), now[fn](...input))) throw new Error(`${name}: old and new results differ`);
  const times = { old: [], now: [] };
  timeCalls(old[fn], input, args.calls); // warm up both before timing
  timeCalls(now[fn], input, args.calls);
  for (let round = 0; round < args.rounds; round += 1) {
    times.old.push(timeCalls(old[fn], input, args.calls).microseconds);
    times.now.push(timeCalls(now[fn], input, args.calls).microseconds);
  }
  const [before, after] = [median(times.old), median(times.now)];
  console.log(`${name.padEnd(56)} old ${before.toFixed(3)}  new ${after.toFixed(3)}  old/new ${(before / after).toFixed(2)}`);
}

async function main() {
  const args = options();
  if (args.case !== undefined) return timeCase(args, Number(args.case));
  const { TrackState } = await load(args.new);
  const count = makeCases(TrackState).length;
  console.log(`${args.rounds} rounds of ${args.calls} calls, old and new interleaved; median microseconds a call`);
  for (let index = 0; index < count; index += 1) {
    process.stdout.write(execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--old', args.old, '--new', args.new,
      '--rounds', String(args.rounds), '--calls', String(args.calls), '--case', String(index)], { encoding: 'utf8' }));
  }
  return undefined;
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
