// Records one counting session with the app's own code (CountingEngine + CountReporter, as
// the monitor runs them) and prints {batch, live}: the batch the page would send and the
// figures its live panel shows. Used by tests/backend/test_figures.py.
import { CountingEngine } from '../../frontend/js/counting/counting_engine.js';
import { CountReporter } from '../../frontend/js/api/count_reporter.js';
import { runPaths, walk, hold, gap } from '../js/counting_helpers.js';

const engine = new CountingEngine({
  lines: [{ id: 'line-door', a: [320, 0], b: [320, 250] }],
  zones: [{ id: 'draft-shop', polygon: [[0, 300], [640, 300], [640, 480], [0, 480]], threshold: 0, holdSeconds: 0 }],
});
const paths = {
  1: walk([420, 100], [220, 100], 40),                                  // crosses one way
  2: [...gap(30), ...walk([220, 120], [420, 120], 40)],                  // crosses the other way
  3: [...gap(60), ...walk([420, 150], [220, 150], 30), ...hold([220, 150], 10), ...walk([220, 150], [420, 150], 30)], // and back: cancelled
  4: [...gap(10), ...walk([100, 420], [500, 420], 60), ...walk([500, 420], [500, 200], 30)], // a zone visit
  5: [...gap(100), ...walk([300, 460], [300, 380], 60)],                 // still inside at the end
};
const { results } = runPaths(engine, paths, { flush: false });
const reporter = new CountReporter({ lineKeys: ['line-door'], zoneKeys: ['draft-shop'], epochAtZeroMs: Date.parse('2026-03-01T10:00:00Z') });
results.forEach((result, f) => reporter.observe(result, { timestamp: f / 25, personCount: result.footPoints.length / 2 }));
const final = engine.flush();
reporter.finish(final);
const live = engine.snapshot();
console.log(JSON.stringify({ batch: reporter.takeBatch('recorded-session'), live }));
