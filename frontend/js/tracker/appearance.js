/**
 * A cheap appearance signature per person, so identities survive occlusions where boxes
 * alone are ambiguous: colour histograms (RGB quantised to 4x4x4) of the upper body and of the
 * legs, inside the central part of the box, square-rooted and L2-normalised so that the dot
 * product of two signatures is their Bhattacharyya coefficient (1 = same colours).
 * Pure: reads RGBA pixels ({ data, width, height }, e.g. an ImageData) and boxes.
 */
import { resolveOptions, requireNumber } from '../geometry/options.js';

const LEVELS = 4;
const BINS = LEVELS * LEVELS * LEVELS;
export const EMBEDDING_SIZE = 2 * BINS;

const DEFAULTS = Object.freeze({
  /** fraction of the box width left out on each side (background, arms) */
  sideMargin: 0.2,
  /** about this many pixels are sampled per body part */
  samplesPerPart: 400,
});

/** Bands of the box height: upper body and legs (head and feet left out). */
const PARTS = [[0.15, 0.5], [0.5, 0.85]];

function histogramInto(target, offset, image, x1, y1, x2, y2, samples) {
  const { data, width } = image;
  const area = Math.max(1, (x2 - x1) * (y2 - y1));
  const step = Math.max(1, Math.floor(Math.sqrt(area / samples)));
  let count = 0;
  for (let y = y1; y < y2; y += step) {
    for (let x = x1; x < x2; x += step) {
      const i = (y * width + x) * 4;
      const bin = ((data[i] >> 6) * LEVELS + (data[i + 1] >> 6)) * LEVELS + (data[i + 2] >> 6);
      target[offset + bin] += 1;
      count += 1;
    }
  }
  return count;
}

/**
 * @param {{data: Uint8ClampedArray, width: number, height: number}} image  RGBA pixels
 * @param {object} detections  Detections (boxes in the image's pixel coordinates)
 * @returns {Float32Array} EMBEDDING_SIZE numbers per detection (all zero for an empty box)
 */
export function appearanceEmbeddings(image, detections, options = {}) {
  const { sideMargin, samplesPerPart } = resolveOptions('appearanceEmbeddings', DEFAULTS, options);
  requireNumber('appearanceEmbeddings', 'sideMargin', sideMargin, { min: 0, max: 0.49 });
  const { count, boxes } = detections;
  const embeddings = new Float32Array(count * EMBEDDING_SIZE);
  const clampX = (v) => Math.min(image.width, Math.max(0, Math.round(v)));
  const clampY = (v) => Math.min(image.height, Math.max(0, Math.round(v)));
  for (let k = 0; k < count; k += 1) {
    const [bx1, by1, bx2, by2] = boxes.subarray(k * 4, k * 4 + 4);
    const margin = (bx2 - bx1) * sideMargin;
    const x1 = clampX(bx1 + margin);
    const x2 = clampX(bx2 - margin);
    const offset = k * EMBEDDING_SIZE;
    let norm = 0;
    PARTS.forEach(([top, bottom], part) => {
      const y1 = clampY(by1 + (by2 - by1) * top);
      const y2 = clampY(by1 + (by2 - by1) * bottom);
      const partOffset = offset + part * BINS;
      const total = x2 > x1 && y2 > y1 ? histogramInto(embeddings, partOffset, image, x1, y1, x2, y2, samplesPerPart) : 0;
      for (let b = 0; b < BINS && total > 0; b += 1) {
        const value = Math.sqrt(embeddings[partOffset + b] / total);
        embeddings[partOffset + b] = value;
        norm += value * value;
      }
    });
    if (norm > 0) {
      const scale = 1 / Math.sqrt(norm);
      for (let b = 0; b < EMBEDDING_SIZE; b += 1) embeddings[offset + b] *= scale;
    }
  }
  return embeddings;
}

/** Similarity of two signatures (dot product), 0..1; null when either is missing or empty. */
export function appearanceSimilarity(a, b) {
  if (!a || !b || a.length !== b.length) return null;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  if (normA === 0 || normB === 0) return null;
  return dot / Math.sqrt(normA * normB);
}

/** Running signature of a track: exponential moving average, renormalised. */
export function blendEmbedding(previous, next, keep = 0.9) {
  if (!previous) return next ? Float32Array.from(next) : null;
  if (!next) return previous;
  const blended = new Float32Array(previous.length);
  let norm = 0;
  for (let i = 0; i < blended.length; i += 1) {
    blended[i] = keep * previous[i] + (1 - keep) * next[i];
    norm += blended[i] * blended[i];
  }
  if (norm > 0) for (let i = 0; i < blended.length; i += 1) blended[i] /= Math.sqrt(norm);
  return blended;
}
