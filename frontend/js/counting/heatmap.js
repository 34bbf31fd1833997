/**
 * Heatmaps of foot positions: on an image grid (Heatmap) and, after a 4-point floor
 * calibration, on a bird's-eye floor grid in metres (FloorHeatmap).
 */
import { applyHomography, invertHomography, solveHomography } from '../geometry/homography.js';
import { resolveOptions, requireNumber } from '../geometry/options.js';

class GridAccumulator {
  constructor(owner, width, height, cellSize) {
    this.width = requireNumber(owner, 'width', width, { min: 0 });
    this.height = requireNumber(owner, 'height', height, { min: 0 });
    this.cellSize = requireNumber(owner, 'cellSize', cellSize, { min: 0 });
    if (!(width > 0 && height > 0 && cellSize > 0)) {
      throw new RangeError(`${owner}: width, height and cellSize must be greater than 0`);
    }
    this.columns = Math.ceil(width / cellSize);
    this.rows = Math.ceil(height / cellSize);
    this.values = new Float32Array(this.columns * this.rows);
    this.total = 0;
  }

  /** Add `weight` at (x, y) in grid units (pixels or metres from the origin); outside is ignored. */
  addAt(x, y, weight) {
    if (!(x >= 0 && y >= 0 && x <= this.width && y <= this.height)) return false;
    const column = Math.min(this.columns - 1, Math.floor(x / this.cellSize));
    const row = Math.min(this.rows - 1, Math.floor(y / this.cellSize));
    this.values[row * this.columns + column] += weight;
    this.total += weight;
    return true;
  }

  reset() {
    this.values.fill(0);
    this.total = 0;
  }

  snapshot() {
    let max = 0;
    for (const value of this.values) if (value > max) max = value;
    return {
      columns: this.columns, rows: this.rows, cellSize: this.cellSize,
      values: Float32Array.from(this.values), max, total: this.total,
    };
  }
}

export const HEATMAP_DEFAULTS = Object.freeze({ width: undefined, height: undefined, cellSize: 16 });

/** Image-space heatmap: one unit of weight per foot point per frame (or seconds, if given). */
export class Heatmap extends GridAccumulator {
  constructor(options) {
    const { width, height, cellSize } = resolveOptions('Heatmap', HEATMAP_DEFAULTS, options);
    super('Heatmap', width, height, cellSize);
  }

  add(x, y, weight = 1) {
    return this.addAt(x, y, weight);
  }
}

export const FLOOR_HEATMAP_DEFAULTS = Object.freeze({
  /** 4 image points [[x, y], ...] (pixels) of a floor quadrilateral */
  imagePoints: undefined,
  /** the same 4 points on the floor plan, in metres */
  floorPoints: undefined,
  /** grid cell in metres */
  cellSize: 0.25,
});

/** Bird's-eye floor heatmap covering the bounding box of the floor points. */
export class FloorHeatmap extends GridAccumulator {
  constructor(options) {
    const { imagePoints, floorPoints, cellSize } = resolveOptions('FloorHeatmap', FLOOR_HEATMAP_DEFAULTS, options);
    const homography = solveHomography(imagePoints, floorPoints, 'FloorHeatmap');
    const xs = floorPoints.map((p) => p[0]);
    const ys = floorPoints.map((p) => p[1]);
    const origin = [Math.min(...xs), Math.min(...ys)];
    super('FloorHeatmap', Math.max(...xs) - origin[0], Math.max(...ys) - origin[1], cellSize);
    this.homography = homography;
    this.inverseHomography = invertHomography(homography);
    this.origin = origin;
  }

  /** Image pixel -> floor metres (or null at the horizon). */
  toFloor(x, y) {
    return applyHomography(this.homography, x, y);
  }

  /** Floor metres -> image pixel. */
  toImage(x, y) {
    return applyHomography(this.inverseHomography, x, y);
  }

  /** Add a foot point given in image pixels; returns false when it falls outside the floor plan. */
  add(x, y, weight = 1) {
    const floor = this.toFloor(x, y);
    if (!floor) return false;
    return this.addAt(floor[0] - this.origin[0], floor[1] - this.origin[1], weight);
  }
}
