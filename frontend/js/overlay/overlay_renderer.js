// Draws one frame's overlay on a 2D canvas context: zones tinted by load, lines and bands
// with their in/out arrows and counts, and the tracked people (boxes, ids, trails, feet).
// Each layer can be switched off. Drawing only; the numbers come from the counting engine.
import { midpoint } from '../geometry/points.js';
import { polygonCentroid } from '../geometry/polygon.js';
import { bandCorners, inwardNormal } from '../geometry/segments.js';
import { zoneKey } from '../editor/zone_model.js';
import { trackColor } from './track_colors.js';
import { candidatesAround, lineLabelText, placeLabel, smoothTrail, zoneLabelText } from './label_layout.js';

export const LAYERS = Object.freeze(['zones', 'lines', 'boxes', 'ids', 'trails', 'feet', 'heatmap', 'regions']);

export function withAlpha(hex, alpha) {
  const value = parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

/** Width and height of a label of this text (drawLabel's box). */
export function labelSize(context, text, scale = 1) {
  context.font = `600 ${Math.round(12 * scale)}px system-ui, sans-serif`;
  return { width: context.measureText(text).width + 10 * scale, height: 18 * scale };
}

/** A label in a rectangle [x, y (top), width, height] from placeLabel. */
function drawLabelAt(context, text, [x, y, width, height], { background, color = '#fff', scale = 1 }) {
  context.font = `600 ${Math.round(12 * scale)}px system-ui, sans-serif`;
  context.fillStyle = background;
  context.beginPath();
  context.roundRect(x, y, width, height, 4 * scale);
  context.fill();
  context.fillStyle = color;
  context.fillText(text, x + 5 * scale, y + height - 5 * scale);
}

export function drawLabel(context, text, x, y, { background = 'rgba(15, 23, 42, .82)', color = '#fff', scale = 1 } = {}) {
  context.font = `600 ${Math.round(12 * scale)}px system-ui, sans-serif`;
  const width = context.measureText(text).width + 10 * scale;
  const height = 18 * scale;
  // Keep the label inside the picture.
  x = Math.max(2, Math.min(x, context.canvas.width - width - 2));
  y = Math.max(height + 2, Math.min(y, context.canvas.height - 2));
  context.fillStyle = background;
  context.beginPath();
  context.roundRect(x, y - height, width, height, 4 * scale);
  context.fill();
  context.fillStyle = color;
  context.fillText(text, x + 5 * scale, y - 5 * scale);
}

/** A path through the points (closed when asked): fill or stroke it afterwards. */
export function tracePath(context, points, { close = false } = {}) {
  context.beginPath();
  points.forEach(([x, y], index) => (index ? context.lineTo(x, y) : context.moveTo(x, y)));
  if (close) context.closePath();
}

/** A filled dot (and its outline when `outline` is a colour). */
function dot(context, x, y, radius, { fill, outline = null, lineWidth = 1 }) {
  context.fillStyle = fill;
  context.beginPath();
  context.arc(x, y, radius, 0, Math.PI * 2);
  context.fill();
  if (outline) {
    context.strokeStyle = outline;
    context.lineWidth = lineWidth;
    context.stroke();
  }
}

/** The direction of a line: a broad arrow with a white edge, "IN" at its head. */
function arrow(context, from, to, color, scale) {
  const angle = Math.atan2(to[1] - from[1], to[0] - from[0]);
  const head = 16 * scale;
  const halfHead = 11 * scale;
  const neck = [to[0] - head * Math.cos(angle), to[1] - head * Math.sin(angle)];
  context.save();
  context.lineCap = 'round';
  for (const [stroke, width] of [['#fff', 9 * scale], [color, 5 * scale]]) {
    context.strokeStyle = stroke;
    context.lineWidth = width;
    context.beginPath();
    context.moveTo(from[0], from[1]);
    context.lineTo(neck[0], neck[1]);
    context.stroke();
  }
  const left = [neck[0] + halfHead * Math.sin(angle), neck[1] - halfHead * Math.cos(angle)];
  const right = [neck[0] - halfHead * Math.sin(angle), neck[1] + halfHead * Math.cos(angle)];
  tracePath(context, [to, left, right], { close: true });
  context.fillStyle = color;
  context.strokeStyle = '#fff';
  context.lineWidth = 2 * scale;
  context.fill();
  context.stroke();
  context.restore();
  const tip = [to[0] + 12 * scale * Math.cos(angle), to[1] + 12 * scale * Math.sin(angle)];
  context.font = `700 ${Math.round(11 * scale)}px system-ui, sans-serif`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.lineWidth = 3 * scale;
  context.strokeStyle = '#fff';
  context.strokeText('IN', tip[0], tip[1]);
  context.fillStyle = color;
  context.fillText('IN', tip[0], tip[1]);
  context.textAlign = 'start';
  context.textBaseline = 'alphabetic';
}

/**
 * A zone, line or band. Its label goes to `labels` (placed later, away from people) or, without
 * that list, is drawn at once beside the shape.
 */
export function drawZone(context, zone, { counts = null, selected = false, scale = 1, labels = null }) {
  const label = (spec) => {
    if (labels) { labels.push(spec); return; }
    const size = labelSize(context, spec.text, scale);
    const [x, y, width, height] = [spec.anchor[0] - size.width / 2, spec.anchor[1] - size.height / 2, size.width, size.height];
    drawLabelAt(context, spec.text, [x, y, width, height], { background: spec.background, scale });
  };
  if (zone.kind === 'polygon') {
    const occupancy = counts ? counts.occupancy : 0;
    const load = zone.threshold ? Math.min(1, occupancy / Math.max(1, zone.threshold)) : Math.min(1, occupancy / 10);
    const alarm = counts && counts.alertActive;
    context.fillStyle = alarm ? 'rgba(220, 38, 38, .30)' : withAlpha(zone.color, 0.10 + 0.35 * load);
    context.strokeStyle = alarm ? '#dc2626' : zone.color;
    context.lineWidth = (selected ? 3 : 2) * scale;
    tracePath(context, zone.points, { close: true });
    context.fill();
    context.stroke();
    label({ text: zoneLabelText(zone, counts), anchor: polygonCentroid(zone.points), background: alarm ? '#b91c1c' : withAlpha(zone.color, 0.92) });
    return;
  }
  const [a, b] = zone.points;
  if (zone.kind === 'band') {
    const corners = bandCorners(a, b, zone.width);
    context.fillStyle = withAlpha(zone.color, 0.16);
    context.strokeStyle = withAlpha(zone.color, 0.8);
    context.setLineDash([6 * scale, 4 * scale]);
    context.lineWidth = 1.5 * scale;
    tracePath(context, corners, { close: true });
    context.fill();
    context.stroke();
    context.setLineDash([]);
  }
  context.strokeStyle = zone.color;
  context.lineWidth = (selected ? 4 : 3) * scale;
  context.beginPath();
  context.moveTo(a[0], a[1]);
  context.lineTo(b[0], b[1]);
  context.stroke();
  const middle = midpoint(a, b);
  const [nx, ny] = inwardNormal(a, b, zone.flipped);
  const reach = 34 * scale;
  arrow(context, [middle[0] - nx * reach, middle[1] - ny * reach], [middle[0] + nx * reach, middle[1] + ny * reach], zone.color, scale);
  // The label sits on the "out" side of the line, past the arrow's tail.
  label({ text: lineLabelText(zone, counts), anchor: [middle[0] - nx * (reach + 22 * scale), middle[1] - ny * (reach + 22 * scale)], background: withAlpha(zone.color, 0.92) });
}

export function drawHandles(context, zone, scale = 1) {
  for (const [x, y] of zone.points) dot(context, x, y, 6 * scale, { fill: '#fff', outline: zone.color, lineWidth: 2 * scale });
}

export function drawDraft(context, draft, scale = 1) {
  if (!draft) return;
  const points = draft.kind === 'rectangle'
    ? [draft.points[0], [draft.cursor[0], draft.points[0][1]], draft.cursor, [draft.points[0][0], draft.cursor[1]], draft.points[0]]
    : [...draft.points, draft.cursor];
  context.strokeStyle = '#0f766e';
  context.fillStyle = 'rgba(15, 118, 110, .12)';
  context.lineWidth = 2 * scale;
  context.setLineDash([6 * scale, 4 * scale]);
  tracePath(context, points);
  if (draft.kind === 'polygon' || draft.kind === 'rectangle') context.fill();
  context.stroke();
  context.setLineDash([]);
  for (const [x, y] of draft.points) dot(context, x, y, 4 * scale, { fill: '#0f766e' });
}

const FLOOR_CORNERS = Object.freeze(['near-left', 'near-right', 'far-right', 'far-left']);

/** The floor calibration being clicked: the corners so far, numbered, and the quad once closed. */
export function drawCalibration(context, points, scale = 1) {
  context.save();
  context.strokeStyle = '#f59e0b';
  context.fillStyle = 'rgba(245, 158, 11, .18)';
  context.lineWidth = 2 * scale;
  tracePath(context, points, { close: points.length === 4 });
  if (points.length === 4) context.fill();
  context.stroke();
  points.forEach(([x, y], index) => {
    dot(context, x, y, 6 * scale, { fill: '#f59e0b' });
    drawLabel(context, `${index + 1} ${FLOOR_CORNERS[index]}`, x + 8 * scale, y - 8 * scale, { background: 'rgba(146, 64, 14, .92)', scale });
  });
  context.restore();
}

/** A smoothed trail as a curve through its points' midpoints, fading towards its start. */
function drawTrail(context, points, color, scale) {
  if (points.length < 2) return;
  context.save();
  context.strokeStyle = color;
  context.lineWidth = 2.5 * scale;
  context.lineJoin = 'round';
  context.lineCap = 'round';
  context.globalAlpha = 0.75;
  context.beginPath();
  context.moveTo(points[0][0], points[0][1]);
  for (let i = 1; i < points.length - 1; i += 1) {
    const middle = [(points[i][0] + points[i + 1][0]) / 2, (points[i][1] + points[i + 1][1]) / 2];
    context.quadraticCurveTo(points[i][0], points[i][1], middle[0], middle[1]);
  }
  context.lineTo(points.at(-1)[0], points.at(-1)[1]);
  context.stroke();
  context.restore();
}

/** Person boxes of a frame as [x1, y1, x2, y2] (what labels must not cover). */
function personBoxes(tracked) {
  if (!tracked) return [];
  return Array.from({ length: tracked.count }, (_, i) => Array.from(tracked.boxes.subarray(4 * i, 4 * i + 4)));
}

/** The tracked people: boxes, id labels, trails and foot points, as the layers allow. */
export function drawTracks(context, tracked, feet, trails, layers, scale = 1) {
  if (!tracked) return;
  for (let i = 0; i < tracked.count; i += 1) {
    const id = tracked.trackIds ? tracked.trackIds[i] : i + 1;
    const color = trackColor(id);
    const [x1, y1, x2, y2] = tracked.boxes.subarray(4 * i, 4 * i + 4);
    if (layers.trails) drawTrail(context, smoothTrail(trails.get(id) || []), color, scale);
    if (layers.boxes) {
      context.strokeStyle = color;
      context.lineWidth = 2 * scale;
      context.strokeRect(x1, y1, x2 - x1, y2 - y1);
    }
    if (layers.ids) drawLabel(context, `#${id}`, x1, y1, { background: color, scale });
    if (layers.feet && feet) dot(context, feet[2 * i], feet[2 * i + 1], 4 * scale, { fill: color, outline: '#fff', lineWidth: 1.5 * scale });
  }
}

/** Everything on the overlay for one frame. live: { result, tracked, feet, trails } or null. */
export function drawOverlay(context, { zones, layers, live = null, editor = null, scale = 1 }) {
  context.clearRect(0, 0, context.canvas.width, context.canvas.height);
  const result = live && live.result;
  const labels = [];
  for (const zone of zones) {
    const visible = zone.kind === 'polygon' ? layers.zones : layers.lines;
    const selected = editor && editor.selectedId === zone.localId;
    if (!visible && !selected) continue;
    const key = zoneKey(zone);
    const counts = result ? (zone.kind === 'polygon' ? result.zones[key] : result.lines[key]) || null : null;
    drawZone(context, zone, { counts, selected, scale, labels });
    if (selected && editor.editing) drawHandles(context, zone, scale);
  }
  if (editor && editor.draft) drawDraft(context, editor.draft, scale);
  if (live) drawTracks(context, live.tracked, live.feet, live.trails, layers, scale);
  // Labels last, each where it covers no person and no other label.
  const boxes = live ? personBoxes(live.tracked) : [];
  const taken = [];
  const bounds = { width: context.canvas.width, height: context.canvas.height };
  for (const spec of labels) {
    const size = labelSize(context, spec.text, scale);
    const rect = placeLabel(size, candidatesAround(spec.anchor, size), { boxes, taken, bounds });
    taken.push(rect);
    drawLabelAt(context, spec.text, rect, { background: spec.background, scale });
  }
}
