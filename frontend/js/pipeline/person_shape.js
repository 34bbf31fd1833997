/**
 * Boxes too thin to be a person (pure; FramePipeline option `minPersonAspect`, off by default).
 * A person standing or walking, seen whole, is a box about 0.25-0.6 as wide as it is tall (90% of
 * the boxes that match a person on TUD-Campus and TUD-Stadtmitte, medians 0.41 and 0.35); a box under
 * SLIVER_ASPECT is a sliver: someone mostly outside the picture, stepping into or out of view at
 * the frame's edge (or at a mosaic panel's edge, which is its source frame's). Whether they count
 * depends on the ground truth: TUD-Campus's leaves them out (at full size, of the 49 sure boxes at
 * IoU under 0.5 with everyone, 24 were under 0.15, and none of those that matched), TUD-Stadtmitte's holds some
 * (4 of its 962 matched boxes are under 0.15). docs/detection.md, "Boxes too thin to be a person".
 */
import { pickDetections } from '../core/detections.js';

/** The measured choice of `minPersonAspect` (width / height) when slivers are dropped. */
export const SLIVER_ASPECT = 0.15;

/** The detections without the boxes under `minAspect` (width / height); the same object when none is. */
export function dropSlivers(detections, minAspect = SLIVER_ASPECT) {
  if (!(minAspect > 0)) return detections;
  const keep = [];
  for (let index = 0; index < detections.count; index++) {
    const [x1, y1, x2, y2] = detections.boxes.subarray(4 * index, 4 * index + 4);
    if (x2 - x1 >= minAspect * (y2 - y1)) keep.push(index);
  }
  return keep.length === detections.count ? detections : pickDetections(detections, keep);
}
