/**
 * Constant-velocity Kalman filter on the box state (x, y, a, h, vx, vy, va, vh): centre,
 * aspect ratio (w/h), height and their velocities, the filter of ByteTrack/DeepSORT, in time:
 * velocities are per second and a prediction spans the real time since the last one, so a
 * detector that runs twice a second predicts as far as the person walked. The noise of
 * ByteTrack's filter is per frame; here it is per `frameSeconds` and grows with the time
 * predicted over (at one prediction per frameSeconds this is ByteTrack's filter exactly).
 * The measurement is (x, y, a, h). Noise scales with the box height.
 * Means are Float64Array(8), covariances Float64Array(64) row-major.
 */
import { resolveOptions, requireNumber } from '../geometry/options.js';

const DEFAULTS = Object.freeze({
  positionWeight: 1 / 20,
  velocityWeight: 1 / 160,
  /** the time step of the per-frame noise (ByteTrack's filter at 25 frames/s) */
  frameSeconds: 1 / 25,
});

/** Inverse of a symmetric positive-definite 4x4 (Gauss-Jordan). */
function invert4(matrix) {
  const a = Array.from({ length: 4 }, (_, r) => [
    matrix[r * 4], matrix[r * 4 + 1], matrix[r * 4 + 2], matrix[r * 4 + 3],
    r === 0 ? 1 : 0, r === 1 ? 1 : 0, r === 2 ? 1 : 0, r === 3 ? 1 : 0]);
  for (let c = 0; c < 4; c += 1) {
    let pivot = c;
    for (let r = c + 1; r < 4; r += 1) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    const div = a[c][c];
    for (let k = 0; k < 8; k += 1) a[c][k] /= div;
    for (let r = 0; r < 4; r += 1) {
      if (r === c) continue;
      const factor = a[r][c];
      if (factor !== 0) for (let k = 0; k < 8; k += 1) a[r][k] -= factor * a[c][k];
    }
  }
  const inverse = new Float64Array(16);
  for (let r = 0; r < 4; r += 1) for (let c = 0; c < 4; c += 1) inverse[r * 4 + c] = a[r][c + 4];
  return inverse;
}

export class KalmanBoxFilter {
  constructor(options = {}) {
    const { positionWeight, velocityWeight, frameSeconds } = resolveOptions('KalmanBoxFilter', DEFAULTS, options);
    this.positionWeight = requireNumber('KalmanBoxFilter', 'positionWeight', positionWeight, { min: 0 });
    this.velocityWeight = requireNumber('KalmanBoxFilter', 'velocityWeight', velocityWeight, { min: 0 });
    this.frameSeconds = requireNumber('KalmanBoxFilter', 'frameSeconds', frameSeconds, { min: 1e-6 });
  }

  /** New state from a measurement [x, y, a, h], velocities zero. */
  initiate(measurement) {
    const mean = new Float64Array(8);
    mean.set(measurement);
    const h = measurement[3];
    const perSecond = 1 / this.frameSeconds;
    const std = [2 * this.positionWeight * h, 2 * this.positionWeight * h, 1e-2,
      2 * this.positionWeight * h, 10 * this.velocityWeight * h * perSecond, 10 * this.velocityWeight * h * perSecond,
      1e-5 * perSecond, 10 * this.velocityWeight * h * perSecond];
    const covariance = new Float64Array(64);
    for (let i = 0; i < 8; i += 1) covariance[i * 9] = std[i] * std[i];
    return { mean, covariance };
  }

  /**
   * `seconds` ahead (default one frameSeconds): x += v * seconds; P = F P F^T + Q, with Q
   * ByteTrack's per-frame noise times the number of frames the time spans. Returns new arrays.
   */
  predict(mean, covariance, seconds = this.frameSeconds) {
    requireNumber('KalmanBoxFilter.predict', 'seconds', seconds, { min: 0 });
    const dt = seconds;
    const frames = seconds / this.frameSeconds;
    const h = mean[3];
    const p = this.positionWeight * h;
    const v = (this.velocityWeight * h) / this.frameSeconds;
    const aspect = 1e-5 / this.frameSeconds;
    const noise = [p * p, p * p, 1e-4, p * p, v * v, v * v, aspect * aspect, v * v].map((value) => value * frames);
    const next = new Float64Array(8);
    for (let i = 0; i < 4; i += 1) {
      next[i] = mean[i] + dt * mean[i + 4];
      next[i + 4] = mean[i + 4];
    }
    // F = [[I, dt I], [0, I]]: (F P)[i][j] = P[i][j] + dt P[i+4][j] for i < 4.
    const fp = new Float64Array(64);
    for (let i = 0; i < 8; i += 1) {
      for (let j = 0; j < 8; j += 1) {
        fp[i * 8 + j] = covariance[i * 8 + j] + (i < 4 ? dt * covariance[(i + 4) * 8 + j] : 0);
      }
    }
    const predicted = new Float64Array(64);
    for (let i = 0; i < 8; i += 1) {
      for (let j = 0; j < 8; j += 1) {
        predicted[i * 8 + j] = fp[i * 8 + j] + (j < 4 ? dt * fp[i * 8 + j + 4] : 0);
      }
      predicted[i * 9] += noise[i];
    }
    return { mean: next, covariance: predicted };
  }

  /** Correct with a measurement [x, y, a, h]. Returns new arrays. */
  update(mean, covariance, measurement) {
    const h = mean[3];
    const p = this.positionWeight * h;
    const measurementNoise = [p * p, p * p, 1e-2, p * p];
    const projected = new Float64Array(16);
    for (let i = 0; i < 4; i += 1) {
      for (let j = 0; j < 4; j += 1) projected[i * 4 + j] = covariance[i * 8 + j];
      projected[i * 5] += measurementNoise[i];
    }
    const projectedInverse = invert4(projected);
    // Gain K (8x4) = P[:, :4] S^-1
    const gain = new Float64Array(32);
    for (let i = 0; i < 8; i += 1) {
      for (let j = 0; j < 4; j += 1) {
        let sum = 0;
        for (let k = 0; k < 4; k += 1) sum += covariance[i * 8 + k] * projectedInverse[k * 4 + j];
        gain[i * 4 + j] = sum;
      }
    }
    const innovation = [0, 1, 2, 3].map((i) => measurement[i] - mean[i]);
    const nextMean = new Float64Array(8);
    for (let i = 0; i < 8; i += 1) {
      let sum = mean[i];
      for (let j = 0; j < 4; j += 1) sum += gain[i * 4 + j] * innovation[j];
      nextMean[i] = sum;
    }
    // P - K S K^T == P - K (P[:4, :])
    const nextCovariance = new Float64Array(64);
    for (let i = 0; i < 8; i += 1) {
      for (let j = 0; j < 8; j += 1) {
        let sum = 0;
        for (let k = 0; k < 4; k += 1) sum += gain[i * 4 + k] * covariance[k * 8 + j];
        nextCovariance[i * 8 + j] = covariance[i * 8 + j] - sum;
      }
    }
    return { mean: nextMean, covariance: nextCovariance };
  }
}

/** [x1, y1, x2, y2] -> [cx, cy, w/h, h] */
export function boxToMeasurement(x1, y1, x2, y2) {
  const height = y2 - y1;
  return [(x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / height, height];
}

/** state mean -> [x1, y1, x2, y2] */
export function meanToBox(mean) {
  const height = mean[3];
  const width = mean[2] * height;
  return [mean[0] - width / 2, mean[1] - height / 2, mean[0] + width / 2, mean[1] + height / 2];
}
