/**
 * The foot point of each person: where they stand on the floor. Every counting rule uses it
 * (lines, bands, zones, dwell, heatmaps), and lines and zones are drawn on the floor.
 *
 *  - y: the bottom edge of the box, where the soles meet the floor. The ankles are not the
 *    floor: their midpoint sits ~9% of the person's height above the box's bottom (median over
 *    the shared sequences' detections, 7-11% for 80% of them: 20 px for a person 230 px tall),
 *    so a person standing on a line drawn on the floor had their ankles on one side of it. On
 *    the reference lines of the shared sequences, which people walk along with their feet on
 *    the line, that offset decided whole crossings (docs/counting.md, "Foot point").
 *  - x: the midpoint of the two ankles when both are confidently visible (pose models): where
 *    between their feet the person stands, not swayed by an arm, a bag or a box widened by a
 *    neighbour; else the box's centre.
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
    if (usable) {
      const left = i * perPerson + LEFT_ANKLE * 3;
      const right = i * perPerson + RIGHT_ANKLE * 3;
      if (keypoints[left + 2] >= keypointConfidence && keypoints[right + 2] >= keypointConfidence) {
        x = (keypoints[left] + keypoints[right]) / 2;
      }
    }
    points[i * 2] = x;
    points[i * 2 + 1] = boxes[i * 4 + 3];
  }
  return points;
}
