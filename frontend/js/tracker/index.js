export { ByteTracker, BYTE_TRACKER_DEFAULTS } from './byte_tracker.js';
export { linearAssignment } from './assignment.js';
export { KalmanBoxFilter } from './kalman.js';
export { appearanceEmbeddings, EMBEDDING_SIZE } from './appearance.js';
