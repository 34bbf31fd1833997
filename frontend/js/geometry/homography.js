/**
 * Planar homography from four point correspondences (direct linear transform with h33 = 1,
 * solved by Gaussian elimination with partial pivoting), used for the floor heatmap.
 */
import { requirePoint } from './options.js';
import { crossSign } from './segments.js';

/** Solve A x = b in place (A: n*n row-major array of arrays). Throws when singular. */
function solveLinearSystem(matrix, vector) {
  const n = vector.length;
  for (let column = 0; column < n; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < n; row += 1) {
      if (Math.abs(matrix[row][column]) > Math.abs(matrix[pivot][column])) pivot = row;
    }
    if (Math.abs(matrix[pivot][column]) < 1e-12) throw new RangeError('singular system');
    [matrix[column], matrix[pivot]] = [matrix[pivot], matrix[column]];
    [vector[column], vector[pivot]] = [vector[pivot], vector[column]];
    for (let row = column + 1; row < n; row += 1) {
      const factor = matrix[row][column] / matrix[column][column];
      for (let k = column; k < n; k += 1) matrix[row][k] -= factor * matrix[column][k];
      vector[row] -= factor * vector[column];
    }
  }
  const solution = new Array(n).fill(0);
  for (let row = n - 1; row >= 0; row -= 1) {
    let sum = vector[row];
    for (let k = row + 1; k < n; k += 1) sum -= matrix[row][k] * solution[k];
    solution[row] = sum / matrix[row][row];
  }
  return solution;
}

function requireQuad(owner, name, points) {
  if (!Array.isArray(points) || points.length !== 4) {
    throw new RangeError(`${owner}: ${name} must be exactly 4 points`);
  }
  const quad = points.map((point, index) => requirePoint(owner, `${name}[${index}]`, point));
  for (let i = 0; i < 4; i += 1) {
    const [a, b, c] = [quad[i], quad[(i + 1) % 4], quad[(i + 2) % 4]];
    const scale = Math.max(1e-9, Math.hypot(b[0] - a[0], b[1] - a[1]) * Math.hypot(c[0] - a[0], c[1] - a[1]));
    if (Math.abs(crossSign(a, b, c)) / scale < 1e-6) {
      throw new RangeError(`${owner}: three of the ${name} are collinear; pick 4 points that span an area`);
    }
  }
  return quad;
}

/**
 * The 3x3 homography H (row-major, 9 numbers, H[8] = 1) mapping each `from[i]` to `to[i]`.
 * @param {number[][]} from  4 points
 * @param {number[][]} to    4 points
 */
export function solveHomography(from, to, owner = 'homography') {
  const source = requireQuad(owner, 'source points', from);
  const target = requireQuad(owner, 'target points', to);
  const matrix = [];
  const vector = [];
  for (let i = 0; i < 4; i += 1) {
    const [x, y] = source[i];
    const [u, v] = target[i];
    matrix.push([x, y, 1, 0, 0, 0, -u * x, -u * y]);
    vector.push(u);
    matrix.push([0, 0, 0, x, y, 1, -v * x, -v * y]);
    vector.push(v);
  }
  let solution;
  try {
    solution = solveLinearSystem(matrix, vector);
  } catch {
    throw new RangeError(`${owner}: the 4 point pairs do not define a homography`);
  }
  return Float64Array.from([...solution, 1]);
}

/** Apply H to [x, y]; returns null when the point maps to infinity. */
export function applyHomography(h, x, y) {
  const w = h[6] * x + h[7] * y + h[8];
  if (Math.abs(w) < 1e-12) return null;
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/** Inverse of a 3x3 matrix (row-major); throws when singular. */
export function invertHomography(h) {
  const [a, b, c, d, e, f, g, k, l] = h;
  const co = [e * l - f * k, -(d * l - f * g), d * k - e * g,
    -(b * l - c * k), a * l - c * g, -(a * k - b * g),
    b * f - c * e, -(a * f - c * d), a * e - b * d];
  const det = a * co[0] + b * co[1] + c * co[2];
  if (Math.abs(det) < 1e-15) throw new RangeError('homography is singular');
  const inverse = Float64Array.from([co[0], co[3], co[6], co[1], co[4], co[7], co[2], co[5], co[8]])
    .map((value) => value / det);
  const scale = inverse[8];
  return Math.abs(scale) > 1e-15 ? inverse.map((value) => value / scale) : inverse;
}
