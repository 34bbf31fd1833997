// The editor's zones as the FramePipeline's counting options (engine ids are the zone keys),
// and the keys the counts of a run are reported under. Pure.
import { zoneKey } from '../editor/zone_model.js';

/** CountingEngine options { lines, bands, zones } for these editor zones. */
export function countingOptionsFor(zones) {
  const lines = [];
  const bands = [];
  const polygons = [];
  for (const zone of zones) {
    const id = zoneKey(zone);
    const [a, b] = zone.points;
    if (zone.kind === 'line') lines.push({ id, a, b, flipped: zone.flipped, name: zone.name });
    else if (zone.kind === 'band') bands.push({ id, a, b, width: zone.width, flipped: zone.flipped, name: zone.name });
    else polygons.push({ id, polygon: zone.points, threshold: zone.threshold, holdSeconds: zone.holdSeconds, endHoldSeconds: zone.endHoldSeconds ?? 0, name: zone.name });
  }
  return { lines, bands, zones: polygons };
}

/** { lineKeys, zoneKeys }: keys of the lines and bands, and of the polygon zones. */
export function reportKeysFor(zones) {
  return {
    lineKeys: zones.filter((zone) => zone.kind !== 'polygon').map(zoneKey),
    zoneKeys: zones.filter((zone) => zone.kind === 'polygon').map(zoneKey),
  };
}
