/** The tracker's reading of Detections (core/detections.js): the rows it can track. */
import { boxAt, requireDetections } from '../core/detections.js';

/**
 * Person detections with a positive-size box, as the tracker's candidates:
 * [{ index, box: [x1,y1,x2,y2], score, embedding|null }].
 */
export function trackableRows(detections) {
  requireDetections(detections, 'ByteTracker.update');
  const { count, scores, classIds, embeddings } = detections;
  const size = embeddings ? embeddings.length / Math.max(1, count) : 0;
  const rows = [];
  for (let i = 0; i < count; i += 1) {
    if (classIds && classIds[i] !== 0) continue;
    const box = boxAt(detections, i);
    if (!(box[2] > box[0]) || !(box[3] > box[1])) continue;
    const embedding = size ? embeddings.subarray(i * size, (i + 1) * size) : null;
    rows.push({ index: i, box, score: scores[i], embedding });
  }
  return rows;
}
