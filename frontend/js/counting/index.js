export { CountingEngine, ENGINE_DEFAULTS } from './counting_engine.js';
export { LineCounter } from './line_counter.js';
export { BandCounter } from './band_counter.js';
export { ZoneMonitor } from './zone_monitor.js';
export { Heatmap, FloorHeatmap } from './heatmap.js';
export { footPoints } from './foot_points.js';
export { CrossingLedger } from './crossing_ledger.js';
