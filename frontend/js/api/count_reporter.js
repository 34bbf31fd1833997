// Pure: turns the counting engine's per-frame results into the API's samples and events.
// Samples: one per zone, line and the whole frame every `sampleIntervalSeconds` of stream
// time (occupancy now, entries/exits since the previous sample). Events: crossings, zone
// enter/leave with dwell, alert start/end. Stream seconds map to wall time via epochAtZeroMs.

import { EVENT_KINDS as KINDS, FRAME_KEY, isDwellSeconds, isTrackId } from './protocol.js';

const EVENT_KINDS = new Set(KINDS);

export class CountReporter {
  /**
   * @param {{ lineKeys: string[], zoneKeys: string[], epochAtZeroMs: number, sampleIntervalSeconds?: number }} options
   * lineKeys: engine ids of lines and bands; zoneKeys: engine ids of polygon zones.
   */
  constructor({ lineKeys = [], zoneKeys = [], epochAtZeroMs, sampleIntervalSeconds = 1 }) {
    if (!Number.isFinite(epochAtZeroMs)) throw new Error('CountReporter needs epochAtZeroMs.');
    if (!(sampleIntervalSeconds > 0)) throw new Error('sampleIntervalSeconds must be above 0.');
    this.lineKeys = [...lineKeys];
    this.zoneKeys = [...zoneKeys];
    this.epochAtZeroMs = epochAtZeroMs;
    this.sampleIntervalSeconds = sampleIntervalSeconds;
    this.lastSampleAt = null;
    this.reported = new Map(); // key -> { entries, exits } already put into samples
    this.peaks = new Map();    // key -> the most at once since the previous sample
    this.latest = null;
    this.pendingSamples = [];
    this.pendingEvents = [];
    this.totalSamples = 0;
    this.totalEvents = 0;
  }

  /** Feed one frame's engine result; returns true when samples were taken at this frame. */
  observe(result, { timestamp, personCount }) {
    this.latest = { result, timestamp, personCount };
    this.notePeaks(result, personCount);
    for (const event of result.events || []) {
      if (!EVENT_KINDS.has(event.type)) continue;
      this.pendingEvents.push(this.toApiEvent(event));
      this.totalEvents += 1;
    }
    if (this.lastSampleAt === null || timestamp - this.lastSampleAt >= this.sampleIntervalSeconds - 1e-9) {
      this.takeSamples();
      return true;
    }
    return false;
  }

  /**
   * At the end of a run: one last sample so the totals include the final seconds. finalResult
   * (the engine's flush(): pending crossings made final) adds its events and counts.
   */
  finish(finalResult = null) {
    if (!this.latest) return;
    if (finalResult) {
      for (const event of finalResult.events || []) {
        if (!EVENT_KINDS.has(event.type)) continue;
        this.pendingEvents.push(this.toApiEvent({ ...event, timestamp: event.timestamp ?? this.latest.timestamp }));
        this.totalEvents += 1;
      }
      // One millisecond after the last frame, so no two samples of a zone share a time; every
      // track has ended, so nobody is in view any more (zones report the same after flush).
      this.latest = { ...this.latest, timestamp: this.latest.timestamp + 0.001, personCount: 0, result: { ...this.latest.result, lines: finalResult.lines, zones: finalResult.zones } };
      this.takeSamples();
      return;
    }
    if (this.lastSampleAt !== this.latest.timestamp) this.takeSamples();
  }

  /** The samples and events not yet batched, as one batch body (or null when there is nothing). */
  takeBatch(batchId) {
    if (!this.pendingSamples.length && !this.pendingEvents.length) return null;
    const batch = { batch_id: batchId, samples: this.pendingSamples, events: this.pendingEvents };
    this.pendingSamples = [];
    this.pendingEvents = [];
    return batch;
  }

  /**
   * Every frame's occupancy of the picture and of each zone counts towards the next sample's
   * peak: samples are a second apart, and a crowd between two of them is still the peak the
   * page shows (the server's peak_occupancy, the CSV's max_occupancy, an alert's peak).
   */
  notePeaks(result, personCount) {
    const note = (key, occupancy) => {
      if (Number.isFinite(occupancy)) this.peaks.set(key, Math.max(this.peaks.get(key) ?? 0, occupancy));
    };
    note(FRAME_KEY, personCount);
    for (const key of this.zoneKeys) note(key, (result.zones || {})[key]?.occupancy);
  }

  takeSamples() {
    const { result, timestamp, personCount } = this.latest;
    const ts = this.isoAt(timestamp);
    const samples = [this.withPeak({ ts, zone_key: FRAME_KEY, occupancy: personCount, entries: 0, exits: 0 })];
    for (const key of this.zoneKeys) {
      const zone = (result.zones || {})[key] || { occupancy: 0, entries: 0, exits: 0 };
      samples.push(this.withPeak(this.sample(ts, key, zone.occupancy, zone.entries, zone.exits)));
    }
    for (const key of this.lineKeys) {
      const line = (result.lines || {})[key] || { in: 0, out: 0 };
      samples.push(this.sample(ts, key, 0, line.in, line.out));
    }
    this.peaks.clear();
    this.pendingSamples.push(...samples);
    this.totalSamples += samples.length;
    this.lastSampleAt = timestamp;
  }

  /** The sample with `peak` when more were in at once since the previous sample than now. */
  withPeak(sample) {
    const peak = this.peaks.get(sample.zone_key) ?? 0;
    return peak > sample.occupancy ? { ...sample, peak } : sample;
  }

  sample(ts, key, occupancy, entriesTotal, exitsTotal) {
    const before = this.reported.get(key) || { entries: 0, exits: 0 };
    // Changes of the net totals: a crossing cancelled by a return makes them negative, so the
    // server's sums always equal what the page shows.
    const entries = entriesTotal - before.entries;
    const exits = exitsTotal - before.exits;
    this.reported.set(key, { entries: entriesTotal, exits: exitsTotal });
    // Only the key: the server links a "zone-<id>" key to the user's zone itself.
    return { ts, zone_key: key, occupancy, entries, exits };
  }

  toApiEvent(event) {
    // A cancelled "in" (the person walked back out) is a cancel_in row, so the events say
    // which count it undid: a line's net in = its in rows - its cancel_in rows.
    const kind = event.cancelled ? `cancel_${event.type}` : event.type;
    const apiEvent = { ts: this.isoAt(event.timestamp), zone_key: event.zoneId, kind };
    if (isTrackId(event.trackId)) apiEvent.track_id = event.trackId;
    const dwell = Math.round(event.dwellSeconds * 1000) / 1000;
    if (isDwellSeconds(dwell)) apiEvent.dwell_s = dwell;
    if (Number.isFinite(event.occupancy)) apiEvent.value = event.occupancy;
    return apiEvent;
  }

  isoAt(timestampSeconds) {
    return new Date(this.epochAtZeroMs + timestampSeconds * 1000).toISOString();
  }
}
