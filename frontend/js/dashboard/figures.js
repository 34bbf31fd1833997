// Pure: the one name and meaning of each figure, shared by the monitor's live panel and the
// dashboard (the API, both CSVs and the chart images use the same names; docs/usage.md).
//   line in / line out   people who crossed a line or band, net of cancelled crossings
//   zone entered / left  visits to a polygon zone
//   occupancy            people inside a zone now (peak: the most at once); "in view": the picture
export const FIGURES = Object.freeze([
  { key: 'line_in', label: 'Line in', short: 'In' },
  { key: 'line_out', label: 'Line out', short: 'Out' },
  { key: 'zone_entered', label: 'Zone entered', short: 'Entered' },
  { key: 'zone_left', label: 'Zone left', short: 'Left' },
]);

/** The four totals of a counting engine's result (what the live panel shows). */
export function liveFigures(result) {
  const totals = { line_in: 0, line_out: 0, zone_entered: 0, zone_left: 0 };
  for (const counts of Object.values((result && result.lines) || {})) {
    totals.line_in += counts.in;
    totals.line_out += counts.out;
  }
  for (const counts of Object.values((result && result.zones) || {})) {
    totals.zone_entered += counts.entries;
    totals.zone_left += counts.exits;
  }
  return totals;
}

/** The four totals of the stats API (what the dashboard shows). */
export function serverFigures(stats) {
  return Object.fromEntries(FIGURES.map(({ key }) => [key, stats.totals[key] ?? 0]));
}

/** Bucket rows -> labels (bucket starts) and per-figure series; occupancy per zone and in view. */
export function bucketSeries(buckets) {
  const starts = [...new Set(buckets.map((bucket) => bucket.start))].sort();
  const index = new Map(starts.map((start, i) => [start, i]));
  const series = Object.fromEntries(FIGURES.map(({ key }) => [key, new Array(starts.length).fill(0)]));
  const occupancy = new Map();
  for (const bucket of buckets) {
    const i = index.get(bucket.start);
    for (const { key } of FIGURES) series[key][i] += bucket[key] ?? 0;
    if (bucket.figure === 'zone' || bucket.figure === 'frame') {
      if (!occupancy.has(bucket.zone_key)) occupancy.set(bucket.zone_key, new Array(starts.length).fill(null));
      occupancy.get(bucket.zone_key)[i] = bucket.max_occupancy;
    }
  }
  const present = FIGURES.filter(({ key }) => buckets.some((bucket) => bucket[key] !== null && bucket[key] !== undefined));
  return { starts, series, present, occupancy };
}

/** The dashboard's live badge: "Live" only while the session shown is running. */
export function liveStateLabel(streamState, run) {
  if (run && run.ended_at) return { text: 'Ended', live: false };
  if (streamState === 'live') return { text: 'Live', live: true };
  if (streamState === 'reconnecting') return { text: 'Reconnecting…', live: false };
  return { text: run ? 'Running, not live' : 'Not live', live: false };
}
