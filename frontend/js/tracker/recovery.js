/**
 * Re-identification of lost tracks by position and size, for the detections IoU could not
 * place: after an occlusion the Kalman prediction has often drifted (an occluded box shrinks
 * and skews the velocity), so IoU with the reappearing person is near zero although the
 * person is close to where the track was last seen or is predicted to be.
 */

const FRAMES_PER_HEIGHT = 25;

/**
 * Cost of giving detection `detection` to lost track `track`, lost for `framesLost` frames
 * (of the tracker's frameSeconds: measured in time), lower is better.
 */
export function recoveryCost(track, detection, framesLost) {
  const [dx1, dy1, dx2, dy2] = detection.detectionBox;
  const detectionHeight = dy2 - dy1;
  const detectionCentre = [(dx1 + dx2) / 2, (dy1 + dy2) / 2];
  let best = Infinity;
  for (const [x1, y1, x2, y2] of [track.box, track.detectionBox]) {
    const height = y2 - y1;
    if (!(height > 0)) continue;
    const distance = Math.hypot((x1 + x2) / 2 - detectionCentre[0], (y1 + y2) / 2 - detectionCentre[1]);
    const sizeChange = Math.abs(Math.log(detectionHeight / height));
    best = Math.min(best, distance / height + sizeChange);
  }
  // A person hidden longer may have moved further: the allowed distance grows with the gap
  // (by one track height per `FRAMES_PER_HEIGHT` frames, about a brisk walk across the image).
  return best / (1 + Math.max(1, framesLost) / FRAMES_PER_HEIGHT);
}

/**
 * Cost matrix (rows: lost tracks, columns: detections): position cost gated at `maxDistance`
 * plus appearance dissimilarity; pairs without signatures, or less similar than
 * `minSimilarity`, are Infinity (position alone confuses people walking side by side).
 */
export function recoveryCostMatrix(tracks, detections, framesLost, similarity, minSimilarity, maxDistance) {
  const cost = new Float64Array(tracks.length * detections.length);
  tracks.forEach((track, i) => {
    detections.forEach((detection, j) => {
      const k = i * detections.length + j;
      const similar = similarity[k];
      const position = recoveryCost(track, detection, framesLost[i]);
      cost[k] = similar >= minSimilarity && position <= maxDistance ? position + (1 - similar) : Infinity;
    });
  });
  return cost;
}
