/** Reading the Detections contract (parallel arrays) defensively. */

/** Check the shape of a Detections object; throws a TypeError naming the problem. */
export function requireDetections(detections, owner = 'Detections') {
  if (!detections || typeof detections !== 'object') throw new TypeError(`${owner}: detections missing`);
  const { count, boxes, scores } = detections;
  if (!Number.isInteger(count) || count < 0) throw new TypeError(`${owner}: count must be an integer >= 0`);
  if (!boxes || boxes.length < 4 * count) throw new TypeError(`${owner}: boxes must hold 4 numbers per detection`);
  if (!scores || scores.length < count) throw new TypeError(`${owner}: scores must hold one number per detection`);
  return detections;
}

/** Person detections with a positive-size box: [{ index, box: [x1,y1,x2,y2], score }]. */
export function selectDetections(detections) {
  requireDetections(detections, 'ByteTracker.update');
  const { count, boxes, scores, classIds, embeddings } = detections;
  const size = embeddings ? embeddings.length / Math.max(1, count) : 0;
  const selected = [];
  for (let i = 0; i < count; i += 1) {
    if (classIds && classIds[i] !== 0) continue;
    const box = [boxes[i * 4], boxes[i * 4 + 1], boxes[i * 4 + 2], boxes[i * 4 + 3]];
    if (!(box[2] > box[0]) || !(box[3] > box[1])) continue;
    const embedding = size ? embeddings.subarray(i * size, (i + 1) * size) : null;
    selected.push({ index: i, box, score: scores[i], embedding });
  }
  return selected;
}

/** Build a Detections object from plain rows (tests, ground truth, tools). */
export function detectionsFromBoxes(rows, { keypoints = null, keypointCount = 0 } = {}) {
  const n = rows.length;
  const boxes = new Float32Array(4 * n);
  const scores = new Float32Array(n);
  const classIds = new Int32Array(n);
  rows.forEach((row, i) => {
    boxes.set(row.box, i * 4);
    scores[i] = row.score ?? 1;
  });
  return { count: n, boxes, scores, classIds, keypoints, keypointCount };
}
