/**
 * The Detections type: the people found in one frame as parallel typed arrays (the shape of
 * roboflow supervision's Detections). The detector's post-processing makes it, the tracker
 * reads it and returns it with track ids, the FramePipeline and the tests pass it along.
 * One module builds and checks it; nobody else spells the shape out. Pure.
 *
 * @typedef {object} Detections
 * @property {number} count                 number of people
 * @property {Float32Array} boxes           4 per person: x1, y1, x2, y2 in frame pixels
 * @property {Float32Array} scores          1 per person, 0..1
 * @property {Int32Array} classIds          1 per person (0 = person)
 * @property {Float32Array|null} keypoints  keypointCount * 3 per person (x, y, confidence) or null
 * @property {number} keypointCount         keypoints per person (17 for COCO pose; 0 without)
 * @property {Float32Array} [embeddings]    appearance signatures, equal length per person
 * @property {Int32Array} [trackIds]        set by the tracker
 * @property {Int32Array} [detectionIndices] set by the tracker: the input row, -1 when predicted
 * @property {Uint8Array} [predicted]       set by the tracker: 1 when the box is a prediction
 */

const OPTIONAL_ARRAYS = Object.freeze({
  embeddings: Float32Array, trackIds: Int32Array, detectionIndices: Int32Array, predicted: Uint8Array,
});

/** Check the shape of a Detections object; throws a TypeError naming the problem. */
export function requireDetections(detections, owner = 'Detections') {
  if (!detections || typeof detections !== 'object') throw new TypeError(`${owner}: detections missing`);
  const { count, boxes, scores, classIds, keypoints, keypointCount = 0 } = detections;
  if (!Number.isInteger(count) || count < 0) throw new TypeError(`${owner}: count must be an integer >= 0`);
  if (!boxes || boxes.length < 4 * count) throw new TypeError(`${owner}: boxes must hold 4 numbers per detection`);
  if (!scores || scores.length < count) throw new TypeError(`${owner}: scores must hold one number per detection`);
  if (classIds && classIds.length < count) throw new TypeError(`${owner}: classIds must hold one id per detection`);
  if (!Number.isInteger(keypointCount) || keypointCount < 0) throw new TypeError(`${owner}: keypointCount must be an integer >= 0`);
  if (keypoints && keypoints.length < count * keypointCount * 3) {
    throw new TypeError(`${owner}: keypoints must hold keypointCount x 3 numbers per detection`);
  }
  for (const name of ['trackIds', 'detectionIndices', 'predicted']) {
    if (detections[name] && detections[name].length < count) throw new TypeError(`${owner}: ${name} must hold one value per detection`);
  }
  if (detections.embeddings && count > 0 && detections.embeddings.length % count !== 0) {
    throw new TypeError(`${owner}: embeddings must have the same length for every detection`);
  }
  return detections;
}

/**
 * A Detections object of `count` people with zeroed arrays, or built from the given arrays
 * (copied into typed arrays). keypointCount > 0 allocates keypoints.
 */
export function createDetections({ count = 0, boxes = null, scores = null, classIds = null, keypoints = null, keypointCount = 0, ...extra } = {}) {
  const hasKeypoints = keypointCount > 0 && (keypoints !== null || boxes === null);
  const detections = {
    count,
    boxes: boxes ? Float32Array.from(boxes) : new Float32Array(4 * count),
    scores: scores ? Float32Array.from(scores) : new Float32Array(count),
    classIds: classIds ? Int32Array.from(classIds) : new Int32Array(count),
    keypoints: hasKeypoints ? (keypoints ? Float32Array.from(keypoints) : new Float32Array(count * keypointCount * 3)) : null,
    keypointCount: hasKeypoints ? keypointCount : 0,
  };
  for (const [name, value] of Object.entries(extra)) {
    const Type = OPTIONAL_ARRAYS[name];
    if (!Type) throw new TypeError(`Detections: unknown field ${name} (known: ${Object.keys(OPTIONAL_ARRAYS).join(', ')})`);
    if (value !== null && value !== undefined) detections[name] = value instanceof Type ? value : Type.from(value);
  }
  return requireDetections(detections);
}

/** No people (a frame where nobody was found). */
export function emptyDetections() {
  return createDetections({ count: 0 });
}

/**
 * Detections from plain rows [{ box: [x1, y1, x2, y2], score?, id?, keypoints? }] (tests,
 * ground truth, another tracker's output, recorded runs). Rows with `id` give trackIds.
 */
export function detectionsFromRows(rows, { keypointCount = 0 } = {}) {
  const count = rows.length;
  const withKeypoints = keypointCount > 0 && rows.some((row) => row.keypoints);
  const detections = createDetections({ count, keypointCount: withKeypoints ? keypointCount : 0 });
  const size = keypointCount * 3;
  rows.forEach((row, i) => {
    detections.boxes.set(row.box, i * 4);
    detections.scores[i] = row.score ?? 1;
    if (withKeypoints && row.keypoints) detections.keypoints.set(row.keypoints, i * size);
  });
  if (count > 0 && rows.every((row) => Number.isInteger(row.id))) detections.trackIds = Int32Array.from(rows, (row) => row.id);
  return detections;
}

/** The detections at `indices`, in that order (NMS survivors, a subset, a reordering); embeddings kept. */
export function pickDetections(source, indices) {
  const count = indices.length;
  const keypointCount = source.keypoints ? source.keypointCount : 0;
  const size = keypointCount * 3;
  const embedding = source.embeddings && source.count ? source.embeddings.length / source.count : 0;
  const picked = createDetections({ count, keypointCount });
  if (embedding) picked.embeddings = new Float32Array(count * embedding);
  Array.from(indices).forEach((from, to) => {
    picked.boxes.set(source.boxes.subarray(4 * from, 4 * from + 4), 4 * to);
    picked.scores[to] = source.scores[from];
    picked.classIds[to] = source.classIds ? source.classIds[from] : 0;
    if (size) picked.keypoints.set(source.keypoints.subarray(from * size, (from + 1) * size), to * size);
    if (embedding) picked.embeddings.set(source.embeddings.subarray(from * embedding, (from + 1) * embedding), to * embedding);
  });
  return picked;
}

/** Several Detections (e.g. one per detector region) as one, in order. */
export function concatDetections(list, keypointCount) {
  const count = list.reduce((sum, item) => sum + item.count, 0);
  const joined = createDetections({ count, keypointCount });
  const size = joined.keypointCount * 3;
  let at = 0;
  for (const item of list) {
    joined.boxes.set(item.boxes.subarray(0, 4 * item.count), 4 * at);
    joined.scores.set(item.scores.subarray(0, item.count), at);
    if (item.classIds) joined.classIds.set(item.classIds.subarray(0, item.count), at);
    if (size && item.keypoints) joined.keypoints.set(item.keypoints.subarray(0, item.count * size), at * size);
    at += item.count;
  }
  return joined;
}

/** The box of detection i as [x1, y1, x2, y2]. */
export function boxAt(detections, i) {
  return [detections.boxes[i * 4], detections.boxes[i * 4 + 1], detections.boxes[i * 4 + 2], detections.boxes[i * 4 + 3]];
}
