// Pure: the editor's zone records and their conversion to and from the API's zone JSON.
import { MAX_ALERT_THRESHOLD, MAX_HOLD_SECONDS, draftZoneKey, savedZoneKey } from '../api/protocol.js';

export const ZONE_KINDS = Object.freeze(['polygon', 'line', 'band']);
export const PALETTE = Object.freeze(['#0f766e', '#2563eb', '#c2410c', '#7c3aed', '#be185d', '#15803d', '#b45309', '#0e7490']);
export const DEFAULT_BAND_WIDTH = 40;
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** A validated editor zone; throws with a clear message on bad input. */
export function makeZone({ localId, serverId = null, kind, name, points, color, threshold = null,
  holdSeconds = 0, endHoldSeconds = 0, width = DEFAULT_BAND_WIDTH, flipped = false, webhookUrl = null }) {
  if (!ZONE_KINDS.includes(kind)) throw new Error(`Unknown zone kind "${kind}".`);
  if (!Array.isArray(points)) throw new Error('A zone needs points.');
  const cleanPoints = points.map(([x, y]) => [Number(x), Number(y)]);
  if (kind === 'polygon' && cleanPoints.length < 3) throw new Error('A zone needs at least 3 corners.');
  if (kind !== 'polygon') {
    if (cleanPoints.length !== 2) throw new Error('A line needs exactly 2 points.');
    const [[ax, ay], [bx, by]] = cleanPoints;
    if (ax === bx && ay === by) throw new Error('A line needs two different points.');
  }
  if (!HEX_COLOR.test(color)) throw new Error(`Colour must look like #0f766e, got "${color}".`);
  const trimmed = String(name ?? '').trim();
  if (!trimmed) throw new Error('Give the zone a name.');
  if (trimmed.length > 80) throw new Error('Names are at most 80 characters.');
  if (threshold !== null && (!Number.isInteger(threshold) || threshold < 1 || threshold > MAX_ALERT_THRESHOLD)) {
    throw new Error(`The alert threshold is a whole number of people, 1 to ${MAX_ALERT_THRESHOLD.toLocaleString('en')} (or empty: no alert).`);
  }
  // The server's bounds, so a zone the editor accepts is one that can be saved.
  if (!(holdSeconds >= 0 && holdSeconds <= MAX_HOLD_SECONDS)) throw new Error(`The hold time is 0 to ${MAX_HOLD_SECONDS} seconds.`);
  if (!(endHoldSeconds >= 0 && endHoldSeconds <= MAX_HOLD_SECONDS)) throw new Error(`The end hold time is 0 to ${MAX_HOLD_SECONDS} seconds.`);
  if (kind === 'band' && !(width > 0)) throw new Error('A band needs a width above 0 px.');
  return {
    localId, serverId, kind, name: trimmed, points: cleanPoints, color,
    threshold: kind === 'polygon' ? threshold : null,
    holdSeconds: Number(holdSeconds), endHoldSeconds: Number(endHoldSeconds), width: kind === 'band' ? Number(width) : null,
    flipped: kind === 'polygon' ? false : Boolean(flipped),
    // Set on the Webhooks page; read here only: zoneToApi never sends it (the server keeps it).
    webhookUrl: webhookUrl || null,
  };
}

/** The key the counts of this zone are logged under ("zone-<id>" once saved). */
export function zoneKey(zone) {
  return zone.serverId ? savedZoneKey(zone.serverId) : draftZoneKey(zone.localId);
}

/**
 * The names and kinds of the zones the server has no row for (drafts: not saved, e.g. on a
 * file from this computer), sent with a new run so every screen names them as the monitor does.
 */
export function keyNamesFor(zones) {
  const names = {};
  for (const zone of zones) {
    // Within the server's rule for zone names (1-80 characters), so the run is never refused.
    const name = String(zone.name ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, 80);
    if (!zone.serverId && name) names[zoneKey(zone)] = { name, kind: zone.kind, threshold: zone.threshold ?? null };
  }
  return names;
}

export function zoneToApi(zone, { frameWidth, frameHeight, videoId = null, cameraKey = null }) {
  const geometry = { points: zone.points.map(([x, y]) => [round2(x), round2(y)]) };
  if (zone.kind !== 'polygon') geometry.flipped = zone.flipped;
  if (zone.kind === 'band') geometry.width = zone.width;
  return {
    name: zone.name, kind: zone.kind, video_id: videoId, camera_key: cameraKey,
    frame_width: frameWidth, frame_height: frameHeight, geometry, color: zone.color,
    threshold: zone.threshold, hold_seconds: zone.holdSeconds,
    end_hold_seconds: zone.endHoldSeconds ?? 0,
    // No webhook_url: the server keeps the zone's (set on the Webhooks page, maybe after
    // this page loaded its zones; sending the loaded one back would undo that).
  };
}

/** An API zone as an editor zone, rescaled when it was drawn on a frame of another size. */
export function zoneFromApi(json, localId, { frameWidth, frameHeight } = {}) {
  const scaleX = frameWidth && json.frame_width ? frameWidth / json.frame_width : 1;
  const scaleY = frameHeight && json.frame_height ? frameHeight / json.frame_height : 1;
  const geometry = json.geometry || {};
  return makeZone({
    localId, serverId: json.id, kind: json.kind, name: json.name, color: json.color,
    points: (geometry.points || []).map(([x, y]) => [x * scaleX, y * scaleY]),
    threshold: json.threshold ?? null, holdSeconds: json.hold_seconds ?? 0,
    endHoldSeconds: json.end_hold_seconds ?? 0,
    width: (geometry.width ?? DEFAULT_BAND_WIDTH) * scaleX, flipped: Boolean(geometry.flipped),
    webhookUrl: json.webhook_url ?? null,
  });
}

function round2(value) {
  return Math.round(value * 100) / 100;
}
