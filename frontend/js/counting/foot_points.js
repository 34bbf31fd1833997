/**
 * The foot point of each person: the midpoint of the two ankles when both are confidently
 * visible (pose models), else the bottom-centre of the box. Every counting rule uses it.
 */
export const LEFT_ANKLE = 15;
export const RIGHT_ANKLE = 16;

/**
 * @param {object} detections  Detections (contract): boxes, optional keypoints (x, y, conf)
 * @param {{ keypointConfidence?: number }} [options]
 * @returns {Float32Array} x, y per detection
 */
export function footPoints(detections, { keypointConfidence = 0.5 } = {}) {
  const { count, boxes, keypoints } = detections;
  const perPerson = (detections.keypointCount || 0) * 3;
  const usable = keypoints && perPerson > RIGHT_ANKLE * 3 + 2;
  const points = new Float32Array(2 * count);
  for (let i = 0; i < count; i += 1) {
    let x = (boxes[i * 4] + boxes[i * 4 + 2]) / 2;
    let y = boxes[i * 4 + 3];
    if (usable) {
      const left = i * perPerson + LEFT_ANKLE * 3;
      const right = i * perPerson + RIGHT_ANKLE * 3;
      if (keypoints[left + 2] >= keypointConfidence && keypoints[right + 2] >= keypointConfidence) {
        x = (keypoints[left] + keypoints[right]) / 2;
        y = (keypoints[left + 1] + keypoints[right + 1]) / 2;
      }
    }
    points[i * 2] = x;
    points[i * 2 + 1] = y;
  }
  return points;
}
