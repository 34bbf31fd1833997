// Pure per-frame analytics of the monitor: tracker -> counting engine -> heatmaps -> trails.
// Built from the editor's zones; rebuilt when the zones change while stopped.
import { ByteTracker } from '../tracker/index.js';
import { CountingEngine, Heatmap, FloorHeatmap } from '../counting/index.js';
import { zoneKey } from '../editor/zone_model.js';
import { DecayingHeatmap } from '../heatmap_view/decaying_heatmap.js';
import { TrailBuffer } from '../overlay/trails.js';

/** The engine's options for these editor zones; engine ids are the zone keys. */
export function engineOptionsFor(zones) {
  const lines = [];
  const bands = [];
  const polygons = [];
  for (const zone of zones) {
    const id = zoneKey(zone);
    if (zone.kind === 'line') lines.push({ id, a: zone.points[0], b: zone.points[1], flipped: zone.flipped, name: zone.name });
    else if (zone.kind === 'band') bands.push({ id, a: zone.points[0], b: zone.points[1], width: zone.width, flipped: zone.flipped, name: zone.name });
    else polygons.push({ id, polygon: zone.points, threshold: zone.threshold, holdSeconds: zone.holdSeconds, name: zone.name });
  }
  return { lines, bands, zones: polygons };
}

/** The foot points (x,y pairs) of the tracks that were detected this frame, not predicted. */
function seenPoints(feet, predicted) {
  if (!predicted || !predicted.some((flag) => flag)) return feet;
  const seen = [];
  predicted.forEach((flag, i) => { if (!flag) seen.push(feet[2 * i], feet[2 * i + 1]); });
  return Float32Array.from(seen);
}

export class CountingPipeline {
  /**
   * @param {{ zones, frameWidth, frameHeight, heatmapCellSize?, heatmapDecayPerSecond?, trailLength?, floorCalibration? }} options
   * floorCalibration: { imagePoints, floorPoints, cellSize } or null
   */
  constructor({ zones, frameWidth, frameHeight, heatmapCellSize = 16, heatmapDecayPerSecond = 0, trailLength = 30, floorCalibration = null, trackerOptions = {} }) {
    this.zones = zones;
    this.tracker = new ByteTracker(trackerOptions);
    this.engine = new CountingEngine(engineOptionsFor(zones));
    this.lineKeys = zones.filter((zone) => zone.kind !== 'polygon').map(zoneKey);
    this.zoneKeys = zones.filter((zone) => zone.kind === 'polygon').map(zoneKey);
    this.imageHeatmap = new DecayingHeatmap({
      create: () => new Heatmap({ width: frameWidth, height: frameHeight, cellSize: heatmapCellSize }),
      decayPerSecond: heatmapDecayPerSecond,
    });
    this.floorHeatmap = null;
    this.setFloorCalibration(floorCalibration, heatmapDecayPerSecond);
    this.trails = new TrailBuffer({ length: trailLength });
    this.peaks = new Map();
    this.lastResult = null;
  }

  /** calibration: { imagePoints, floorPoints, cellSize } (other keys, e.g. sizes for display, are ignored). */
  setFloorCalibration(calibration, decayPerSecond = this.imageHeatmap.decayPerSecond) {
    if (!calibration) {
      this.floorHeatmap = null;
      return;
    }
    const { imagePoints, floorPoints, cellSize } = calibration;
    this.floorHeatmap = new DecayingHeatmap({ create: () => new FloorHeatmap({ imagePoints, floorPoints, cellSize }), decayPerSecond });
  }

  setDecay(decayPerSecond) {
    this.imageHeatmap.setDecay(decayPerSecond);
    this.floorHeatmap?.setDecay(decayPerSecond);
  }

  /** One frame: detections in, everything the views need out. */
  process(detections, { frameIndex, timestamp, width, height }) {
    const tracked = this.tracker.update(detections, { frameIndex, timestamp, width, height });
    const result = this.engine.update(tracked, { frameIndex, timestamp });
    const feet = result.footPoints;
    // Heatmaps count where people were seen: tracks coasting behind someone are left out.
    const seenFeet = seenPoints(feet, tracked.predicted);
    this.imageHeatmap.addPoints(seenFeet, timestamp);
    this.floorHeatmap?.addPoints(seenFeet, timestamp);
    this.trails.update(tracked.trackIds || new Int32Array(0), feet, frameIndex);
    for (const [key, counts] of Object.entries(result.zones)) {
      this.peaks.set(key, Math.max(this.peaks.get(key) || 0, counts.occupancy));
    }
    this.lastResult = result;
    return { tracked, result, feet, trails: this.trails, personCount: tracked.count };
  }

  /** End of a video: pending crossings become final. */
  finish() {
    const result = this.engine.flush();
    const timestamp = this.lastResult ? this.lastResult.timestamp : 0;
    // The session is over: an alert still on ends with it.
    for (const [key, counts] of Object.entries(result.zones)) {
      if (counts.alertActive && !result.events.some((event) => event.type === 'alert_end' && event.zoneId === key)) {
        result.events.push({ type: 'alert_end', zoneId: key, timestamp, occupancy: counts.occupancy, peakOccupancy: this.peaks.get(key) || 0 });
        result.zones[key] = { ...counts, alertActive: false };
      }
    }
    this.lastResult = { ...result, timestamp, footPoints: new Float32Array(0) };
    return result;
  }
}
