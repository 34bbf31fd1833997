/**
 * The ByteTracker's options: their defaults, each with what it does, and their validation at
 * construction (explicit options with defaults; an unknown key or a value out of range throws).
 */
import { resolveOptions, requireNumber, requireBoolean } from '../geometry/options.js';
import { FACING_MIN_SHIFT } from '../core/facing.js';

export const BYTE_TRACKER_DEFAULTS = Object.freeze({
  /** detections at or above this score take part in the first association */
  highThreshold: 0.25,
  /** detections above this (and below highThreshold) take part in the second association */
  lowThreshold: 0.1,
  /** an unmatched high-score detection starts a new track only at or above this score */
  newTrackThreshold: 0.25,
  /** length of one "frame" of the frame-counted options below, in seconds (25 frames/s) */
  frameSeconds: 1 / 25,
  /** frames (of frameSeconds) a lost track is kept for re-identification */
  trackBuffer: 30,
  /** first association: maximum cost (1 - IoU, fused with score) */
  matchThreshold: 0.8,
  /** second association (low-score detections): maximum 1 - IoU */
  lowMatchThreshold: 0.5,
  /** unconfirmed tracks against leftover detections: maximum cost */
  unconfirmedMatchThreshold: 0.7,
  /** multiply IoU by the detection score in the first association */
  fuseScore: true,
  /** tracked and lost tracks closer than this (1 - IoU) are duplicates; the younger goes */
  duplicateDistance: 0.15,
  /**
   * a confirmed track lost for at most this many frames (a person hidden behind another) is
   * still reported, with its Kalman-predicted box and `predicted` = 1; 0 reports only tracks
   * matched this frame. Only frames the detector looked at the person count (crops in turn, observed.js)
   */
  coastFrames: 10,
  /** a lost track coasts only while this share of its predicted box is covered by someone seen */
  coastOverlap: 0.3,
  /**
   * lost tracks left unmatched by IoU may take a leftover high-score detection whose centre is
   * within this many track heights (the gate widens by one height per 25 frames lost; see
   * recovery.js); 0 disables
   */
  recoveryDistance: 0.5,
  /** only tracks lost for at most this many frames are recovered by position */
  recoveryMaxFrames: 10,
  /** recovery also needs at least this appearance similarity (needs detections.embeddings) */
  recoveryMinSimilarity: 0.9,
  /**
   * association by motion when boxes overlap too little for IoU: a person is at most this
   * many of their heights a second (plus a quarter height) from where the track predicts; 0
   * disables
   */
  motionSpeed: 1,
  /**
   * association by motion only when the detector ran this long after its previous run: near
   * the video's frame rate boxes overlap from one run to the next and IoU alone is better
   */
  motionMinSeconds: 0.1,
  /**
   * at those rates, a match by motion alone, or of a track lost at the previous run, also
   * needs at least this appearance similarity (when detections carry embeddings)
   */
  motionMinSimilarity: 0.8,
  /**
   * at those rates, a track never takes a box whose height differs from its own by more than
   * this factor (between two runs a person's box keeps its height; a small box inside a big
   * one, someone else's, overlaps enough for IoU); 0 disables
   */
  maxHeightChange: 1.25,
  /**
   * a new track from a detection at or above this score is confirmed at once (no second hit)
   * when the detector runs at least confirmAtOnceSeconds apart; 0 disables
   */
  confirmAtOnceScore: 0.7,
  confirmAtOnceSeconds: 0.2,
  /**
   * update(..., { observed }): a track not matched whose predicted box lies outside the regions
   * the detector looked at (observed.js) is predicted (kept, reported with `predicted` = 1),
   * not lost, for at most this many frames since its last detection; 0: never
   */
  unobservedFrames: 10,
  /** a predicted box is observed when a region holds it whole with this share of its height to spare */
  observedMargin: 0.1,
  /**
   * at those rates, a track not known to stand still never takes a detection facing the other
   * way across the picture (pose keypoints: the nose ahead of the ears by at least this share
   * of the box height; core/facing.js): two people crossing paths; 0 disables
   */
  facingMinShift: FACING_MIN_SHIFT,
  /**
   * a scene cut (scene_cut.js: of at least this many tracks seen at the previous run, two in three
   * lost at once while as many new people appear) drops lost tracks, restarts matched ones; 0: never
   */
  sceneCutTracks: 3,
  /**
   * when the detector runs at least confirmAtOnceSeconds apart, a detection cut by the picture's
   * edge is compared (IoU, first association) with the part of each track's predicted box inside
   * the picture: someone leaving is predicted past the edge, and the detector sees only what is
   * left of them. It keeps the leaver's last sighting, so a line crossed just before the edge
   * counts; the box it reports (someone mostly out of the picture) is one the shared ground truth
   * does not label, which costs IDF1 at K = 6 and 12 (docs/evaluation.md, "Ninth round of issue 12")
   */
  clipAtEdge: true,
  /** weight of appearance dissimilarity added to the IoU cost (needs detections.embeddings) */
  appearanceWeight: 0.3,
  /** share of a track's appearance signature kept at each update */
  appearanceKeep: 0.9,
});

/** The defaults with `options` over them, checked; throws on an unknown key or a value out of range. */
export function resolveTrackerOptions(options = {}) {
  const resolved = resolveOptions('ByteTracker', BYTE_TRACKER_DEFAULTS, options);
  for (const key of ['highThreshold', 'lowThreshold', 'newTrackThreshold', 'matchThreshold',
    'lowMatchThreshold', 'unconfirmedMatchThreshold', 'duplicateDistance', 'recoveryMinSimilarity',
    'appearanceWeight', 'appearanceKeep', 'coastOverlap', 'motionMinSimilarity', 'confirmAtOnceScore']) {
    requireNumber('ByteTracker', key, resolved[key], { min: 0, max: 1 });
  }
  requireNumber('ByteTracker', 'trackBuffer', resolved.trackBuffer, { min: 0, integer: true });
  requireNumber('ByteTracker', 'recoveryDistance', resolved.recoveryDistance, { min: 0 });
  requireNumber('ByteTracker', 'motionSpeed', resolved.motionSpeed, { min: 0 });
  requireNumber('ByteTracker', 'motionMinSeconds', resolved.motionMinSeconds, { min: 0 });
  requireNumber('ByteTracker', 'confirmAtOnceSeconds', resolved.confirmAtOnceSeconds, { min: 0 });
  requireNumber('ByteTracker', 'facingMinShift', resolved.facingMinShift, { min: 0, max: 1 });
  if (resolved.maxHeightChange !== 0) requireNumber('ByteTracker', 'maxHeightChange', resolved.maxHeightChange, { min: 1 });
  requireNumber('ByteTracker', 'frameSeconds', resolved.frameSeconds, { min: 1e-4, max: 10 });
  requireNumber('ByteTracker', 'recoveryMaxFrames', resolved.recoveryMaxFrames, { min: 0, integer: true });
  requireNumber('ByteTracker', 'coastFrames', resolved.coastFrames, { min: 0, integer: true });
  for (const key of ['unobservedFrames', 'sceneCutTracks']) requireNumber('ByteTracker', key, resolved[key], { min: 0, integer: true });
  requireNumber('ByteTracker', 'observedMargin', resolved.observedMargin, { min: 0 });
  requireBoolean('ByteTracker', 'fuseScore', resolved.fuseScore);
  requireBoolean('ByteTracker', 'clipAtEdge', resolved.clipAtEdge);
  if (resolved.lowThreshold > resolved.highThreshold) {
    throw new RangeError('ByteTracker: lowThreshold must not exceed highThreshold');
  }
  return Object.freeze(resolved);
}
