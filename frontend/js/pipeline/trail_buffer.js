// Pure: short trails of foot points per track id; tracks not seen for a while are forgotten.
export class TrailBuffer {
  constructor({ length = 30, forgetAfterFrames = 30 } = {}) {
    this.length = length;
    this.forgetAfterFrames = forgetAfterFrames;
    this.trails = new Map(); // trackId -> { points: [[x, y]], lastFrame }
  }

  update(trackIds, feet, frameIndex) {
    for (let i = 0; i < trackIds.length; i += 1) {
      const id = trackIds[i];
      const trail = this.trails.get(id) || { points: [], lastFrame: frameIndex };
      trail.points.push([feet[2 * i], feet[2 * i + 1]]);
      if (trail.points.length > this.length) trail.points.shift();
      trail.lastFrame = frameIndex;
      this.trails.set(id, trail);
    }
    for (const [id, trail] of this.trails) {
      if (frameIndex - trail.lastFrame > this.forgetAfterFrames) this.trails.delete(id);
    }
  }

  get(id) {
    return this.trails.get(id)?.points || [];
  }

  reset() {
    this.trails.clear();
  }
}
