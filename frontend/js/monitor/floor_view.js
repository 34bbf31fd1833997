// Floor calibration: collect 4 clicks on the picture and the rectangle's size in metres;
// the calibration is remembered in this browser per source.
import { floorPointsFor, validateImagePoints } from '../heatmap_view/floor_calibration.js';
import { canvasPoint } from '../editor/editor_view.js';
import { byId } from '../ui/dom.js';

const STORAGE_PREFIX = 'people-counter.floor.';

export class FloorCalibrationView {
  constructor({ canvas, onPoints, onApply, onCancel, onError }) {
    this.canvas = canvas;
    this.points = null; // null: not calibrating
    this.onPoints = onPoints;
    this.onApply = onApply;
    this.onCancel = onCancel;
    this.onError = onError;
    canvas.addEventListener('pointerdown', (event) => {
      if (!this.active || this.points.length >= 4) return;
      this.points.push(canvasPoint(canvas, event));
      byId('floor-points-label').textContent = `${this.points.length} of 4 corners`;
      this.onPoints(this.points);
    });
    byId('floor-apply').addEventListener('click', () => this.apply());
    byId('floor-cancel').addEventListener('click', () => this.cancel());
  }

  get active() { return this.points !== null; }

  begin() {
    this.points = [];
    byId('floor-calibration').hidden = false;
    byId('floor-points-label').textContent = '0 of 4 corners';
    this.canvas.classList.add('is-calibrating');
  }

  apply() {
    try {
      const imagePoints = validateImagePoints(this.points);
      const widthMetres = Number(byId('floor-width').value);
      const depthMetres = Number(byId('floor-depth').value);
      const calibration = { imagePoints, floorPoints: floorPointsFor(widthMetres, depthMetres), widthMetres, depthMetres };
      this.end();
      this.onApply(calibration);
    } catch (error) {
      this.onError(error.message);
    }
  }

  cancel() {
    this.end();
    this.onCancel();
  }

  end() {
    this.points = null;
    byId('floor-calibration').hidden = true;
    this.canvas.classList.remove('is-calibrating');
  }

  static remember(sourceKey, calibration) {
    if (!sourceKey) return;
    if (calibration) localStorage.setItem(STORAGE_PREFIX + sourceKey, JSON.stringify(calibration));
    else localStorage.removeItem(STORAGE_PREFIX + sourceKey);
  }

  static recall(sourceKey) {
    if (!sourceKey) return null;
    try {
      return JSON.parse(localStorage.getItem(STORAGE_PREFIX + sourceKey) || 'null');
    } catch (error) {
      return null;
    }
  }
}
