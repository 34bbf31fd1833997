/**
 * Aggregates only: turns the counting events of a run into counts per line/zone, minute,
 * event kind, gender and age band. Pure (no DOM, no clock): the session feeds it each frame's
 * events with the stream time, and takes its rows into each batch.
 *
 * A line's confirmed "in"/"out" and a zone's "enter" carry the track's estimate. The estimate
 * is read settleSeconds after the event (the face samples of a person walking through a door
 * often finish just after the crossing) or at the end of the run; while the face worker is
 * still looking at that person for a first face (awaitingOf, on a busy laptop a face can take
 * seconds), the read waits for it, up to maxSettleSeconds after the event. A crossing cancelled by the
 * person walking back takes its count away from the very cell it went to (same minute, gender
 * and band), so the stored sums equal the net counts the page shows.
 *
 * Nothing per person leaves this class: rows are { ts (the minute), zone_key, kind, gender,
 * age_band, count }.
 */
import { requireNumber } from '../geometry/options.js';
import { AGE_BANDS, DEMOGRAPHIC_KINDS, GENDERS, UNKNOWN } from './bands.js';

const KINDS = new Set(DEMOGRAPHIC_KINDS);
const MINUTE_MS = 60_000;

export class DemographicTally {
  /**
   * @param {{ estimateOf: (trackId: number) => { gender: string, ageBand: string },
   *   epochAtZeroMs: number, settleSeconds?: number, awaitingOf?: (trackId: number) => boolean,
   *   maxSettleSeconds?: number }} options
   */
  constructor({ estimateOf, epochAtZeroMs, settleSeconds = 3, awaitingOf = () => false, maxSettleSeconds = 12 }) {
    if (typeof estimateOf !== 'function') throw new TypeError('DemographicTally: estimateOf must be a function');
    if (!Number.isFinite(epochAtZeroMs)) throw new TypeError('DemographicTally: epochAtZeroMs must be a number');
    this.estimateOf = estimateOf;
    this.epochAtZeroMs = epochAtZeroMs;
    this.settleSeconds = requireNumber('DemographicTally', 'settleSeconds', settleSeconds, { min: 0 });
    this.maxSettleSeconds = requireNumber('DemographicTally', 'maxSettleSeconds', maxSettleSeconds, { min: this.settleSeconds });
    if (typeof awaitingOf !== 'function') throw new TypeError('DemographicTally: awaitingOf must be a function');
    this.awaitingOf = awaitingOf;
    this.waiting = [];           // counted events whose estimate is not read yet
    this.placed = new Map();     // zone|track|kind -> [cell key, ...] (for cancellations)
    this.unsent = new Map();     // cell key -> change not yet taken into a batch
    this.totals = new Map();     // zone key -> { in|out|enter -> { gender -> n, band -> n } }
  }

  /** One frame's events (FrameResult.result.events or the engine's flush()) at stream time `timestamp`. */
  observe(events, timestamp) {
    for (const event of events || []) {
      if (!KINDS.has(event.type) || event.trackId === undefined) continue;
      const key = `${event.zoneId}|${event.trackId}|${event.type}`;
      if (event.cancelled) this.#cancel(key);
      else this.waiting.push({ key, zoneKey: String(event.zoneId), kind: event.type, trackId: event.trackId, minute: this.#minuteOf(event.timestamp ?? timestamp), dueAt: timestamp + this.settleSeconds, lastAt: timestamp + this.maxSettleSeconds });
    }
    this.#settle((item) => item.dueAt <= timestamp + 1e-9
      && (item.lastAt <= timestamp + 1e-9 || !this.awaitingOf(item.trackId)));
  }

  /** End of the run: every waiting event takes the estimate its track has now. */
  finish() {
    this.#settle(() => true);
  }

  /** Rows not yet sent ({ ts, zone_key, kind, gender, age_band, count }; count may be < 0 for a cancellation). */
  takeRows() {
    const rows = [];
    for (const [cell, count] of this.unsent) {
      if (count === 0) continue;
      const [ts, zone_key, kind, gender, age_band] = JSON.parse(cell);
      rows.push({ ts, zone_key, kind, gender, age_band, count });
    }
    this.unsent.clear();
    return rows;
  }

  /** Counted people whose estimate is not read yet (settleSeconds after their event, or later while a face is awaited). */
  get waitingCount() {
    return this.waiting.length;
  }

  /** Running totals of a key and kind: { byGender: {gender: n}, byBand: {band: n}, total }. */
  totalsOf(zoneKey, kind) {
    const counts = this.totals.get(String(zoneKey))?.[kind];
    const byGender = Object.fromEntries(GENDERS.map((gender) => [gender, counts?.genders[gender] || 0]));
    const byBand = Object.fromEntries(AGE_BANDS.map((band) => [band, counts?.bands[band] || 0]));
    return { byGender, byBand, total: Object.values(byGender).reduce((sum, n) => sum + n, 0) };
  }

  #settle(isDue) {
    const still = [];
    for (const item of this.waiting) {
      if (!isDue(item)) { still.push(item); continue; }
      const estimate = this.estimateOf(item.trackId) || {};
      const gender = GENDERS.includes(estimate.gender) ? estimate.gender : UNKNOWN;
      const band = AGE_BANDS.includes(estimate.ageBand) ? estimate.ageBand : UNKNOWN;
      const cell = JSON.stringify([item.minute, item.zoneKey, item.kind, gender, band]);
      this.#add(cell, item, gender, band, 1);
      const list = this.placed.get(item.key) || [];
      list.push(cell);
      this.placed.set(item.key, list);
    }
    this.waiting = still;
  }

  #cancel(key) {
    const index = this.waiting.findLastIndex((item) => item.key === key);
    if (index >= 0) { this.waiting.splice(index, 1); return; }
    const list = this.placed.get(key);
    const cell = list?.pop();
    if (!cell) return;
    const [, zoneKey, kind, gender, band] = JSON.parse(cell);
    this.#add(cell, { zoneKey, kind }, gender, band, -1);
  }

  #add(cell, { zoneKey, kind }, gender, band, change) {
    this.unsent.set(cell, (this.unsent.get(cell) || 0) + change);
    const byKind = this.totals.get(zoneKey) || {};
    const counts = byKind[kind] || { genders: {}, bands: {} };
    counts.genders[gender] = (counts.genders[gender] || 0) + change;
    counts.bands[band] = (counts.bands[band] || 0) + change;
    byKind[kind] = counts;
    this.totals.set(zoneKey, byKind);
  }

  #minuteOf(timestampSeconds) {
    const ms = this.epochAtZeroMs + timestampSeconds * 1000;
    return new Date(Math.floor(ms / MINUTE_MS) * MINUTE_MS).toISOString();
  }
}
