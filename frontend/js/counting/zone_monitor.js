/**
 * A polygon zone: occupancy each frame (tracks whose foot point is inside), entries and
 * exits, dwell time per person, and an alert that starts when occupancy has stayed above
 * `threshold` for `holdSeconds` and ends when occupancy has stayed at the threshold or below
 * for `endHoldSeconds` (hysteresis: a crowd hovering at the limit gives one alert, not many).
 */
import { resolveOptions, requireId, requireNumber } from '../geometry/options.js';
import { containsPoint, requirePolygon } from '../geometry/polygon.js';

export const ZONE_DEFAULTS = Object.freeze({
  id: undefined, polygon: undefined,
  /** alert when occupancy > threshold (null: no alerts) */
  threshold: null,
  /** how long occupancy must stay above the threshold before the alert starts */
  holdSeconds: 0,
  /** how long occupancy must stay at or below the threshold before the alert ends */
  endHoldSeconds: 0,
  name: '',
});

export class ZoneMonitor {
  constructor(options) {
    const resolved = resolveOptions('ZoneMonitor', ZONE_DEFAULTS, options);
    this.id = requireId('ZoneMonitor', resolved.id);
    const owner = `ZoneMonitor ${this.id}`;
    this.polygon = requirePolygon(owner, resolved.polygon);
    this.threshold = resolved.threshold === null ? null
      : requireNumber(owner, 'threshold', resolved.threshold, { min: 0 });
    this.holdSeconds = requireNumber(owner, 'holdSeconds', resolved.holdSeconds, { min: 0 });
    this.endHoldSeconds = requireNumber(owner, 'endHoldSeconds', resolved.endHoldSeconds, { min: 0 });
    this.name = String(resolved.name);
    this.reset();
  }

  reset() {
    this.members = new Map(); // trackId -> { enteredAt, enteredFrame }
    this.seenInside = new Set();
    this.occupancy = 0;
    this.entries = 0;
    this.exits = 0;
    this.alertActive = false;
    this.aboveSince = null;
    this.belowSince = null;
    this.peakOccupancy = 0;
  }

  contains(x, y) {
    return containsPoint(this.polygon, x, y);
  }

  /** Start of a frame: nobody has been seen yet. */
  beginFrame() {
    this.seenInside.clear();
  }

  /** A track's foot point this frame; returns enter/leave events. */
  observe(trackId, x, y, frame) {
    const inside = this.contains(x, y);
    const member = this.members.get(trackId);
    if (inside) {
      this.seenInside.add(trackId);
      if (member) return [];
      this.members.set(trackId, { enteredAt: frame.timestamp, enteredFrame: frame.frameIndex });
      this.entries += 1;
      return [{ type: 'enter', zoneId: this.id, trackId, frameIndex: frame.frameIndex, timestamp: frame.timestamp }];
    }
    return member ? this.#leave(trackId, member, frame) : [];
  }

  /** A hidden member's predicted foot point: counts in occupancy while inside, no events. */
  observePredicted(trackId, x, y) {
    if (this.members.has(trackId) && this.contains(x, y)) this.seenInside.add(trackId);
  }

  /** The track ended (last seen at `frame`); a member leaves. */
  finish(trackId, frame) {
    if (this.seenInside.delete(trackId)) this.occupancy = this.seenInside.size;
    const member = this.members.get(trackId);
    return member ? this.#leave(trackId, member, frame) : [];
  }

  /** End of a frame: occupancy and alert state; returns alert events. */
  endFrame(frame) {
    this.occupancy = this.seenInside.size;
    if (this.threshold === null) return [];
    const base = { zoneId: this.id, frameIndex: frame.frameIndex, timestamp: frame.timestamp };
    if (this.occupancy > this.threshold) {
      this.belowSince = null;
      if (this.aboveSince === null) this.aboveSince = frame.timestamp;
      this.peakOccupancy = Math.max(this.peakOccupancy, this.occupancy);
      if (!this.alertActive && frame.timestamp - this.aboveSince >= this.holdSeconds) {
        this.alertActive = true;
        return [{ type: 'alert_start', ...base, occupancy: this.occupancy, threshold: this.threshold }];
      }
      return [];
    }
    this.aboveSince = null;
    if (!this.alertActive) return this.#endAlert(base);
    // Hysteresis: an alert on ends only after occupancy has stayed down for endHoldSeconds.
    if (this.belowSince === null) this.belowSince = frame.timestamp;
    if (frame.timestamp - this.belowSince < this.endHoldSeconds) return [];
    return this.#endAlert(base);
  }

  /** End of the run (every track has finished): an alert still on ends at `frame`. */
  endRun(frame) {
    this.occupancy = this.seenInside.size;
    return this.#endAlert({ zoneId: this.id, frameIndex: frame.frameIndex, timestamp: frame.timestamp });
  }

  /** Dwell seconds of the tracks inside now, at time `timestamp`. */
  dwellTimes(timestamp) {
    return [...this.members].map(([trackId, member]) => ({ trackId, dwellSeconds: timestamp - member.enteredAt }));
  }

  get counts() {
    return { occupancy: this.occupancy, entries: this.entries, exits: this.exits, alertActive: this.alertActive };
  }

  #endAlert(base) {
    this.aboveSince = null;
    this.belowSince = null;
    const peak = this.peakOccupancy;
    this.peakOccupancy = 0;
    if (!this.alertActive) return [];
    this.alertActive = false;
    return [{ type: 'alert_end', ...base, occupancy: this.occupancy, peakOccupancy: peak, threshold: this.threshold }];
  }

  #leave(trackId, member, frame) {
    this.members.delete(trackId);
    this.exits += 1;
    return [{
      type: 'leave', zoneId: this.id, trackId, frameIndex: frame.frameIndex, timestamp: frame.timestamp,
      dwellSeconds: frame.timestamp - member.enteredAt,
    }];
  }
}
