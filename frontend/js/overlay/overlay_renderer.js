// Draws one frame's overlay on a 2D canvas context: zones tinted by load, lines and bands
// with their in/out arrows and counts, and the tracked people (boxes, ids, trails, feet).
// Each layer can be switched off. Drawing only; the numbers come from the counting engine.
import { midpoint } from '../geometry/points.js';
import { polygonCentroid } from '../geometry/polygon.js';
import { bandCorners, inwardNormal } from '../geometry/segments.js';
import { zoneKey } from '../editor/zone_model.js';
import { trackColor } from './track_colors.js';

export const LAYERS = Object.freeze(['zones', 'lines', 'boxes', 'ids', 'trails', 'feet', 'heatmap', 'regions']);

export function withAlpha(hex, alpha) {
  const value = parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
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

function arrow(context, from, to, color, scale) {
  const angle = Math.atan2(to[1] - from[1], to[0] - from[0]);
  const head = 9 * scale;
  context.strokeStyle = color;
  context.fillStyle = color;
  context.lineWidth = 3 * scale;
  context.beginPath();
  context.moveTo(from[0], from[1]);
  context.lineTo(to[0], to[1]);
  context.stroke();
  context.beginPath();
  context.moveTo(to[0], to[1]);
  context.lineTo(to[0] - head * Math.cos(angle - 0.45), to[1] - head * Math.sin(angle - 0.45));
  context.lineTo(to[0] - head * Math.cos(angle + 0.45), to[1] - head * Math.sin(angle + 0.45));
  context.closePath();
  context.fill();
}

export function drawZone(context, zone, { counts = null, selected = false, scale = 1 }) {
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
    const [cx, cy] = polygonCentroid(zone.points);
    const text = counts ? `${zone.name}: ${occupancy}${zone.threshold !== null ? ` / ${zone.threshold}` : ''}` : zone.name;
    drawLabel(context, text, cx - 30 * scale, cy, { background: alarm ? '#b91c1c' : withAlpha(zone.color, 0.92), scale });
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
  const reach = 28 * scale;
  arrow(context, [middle[0] - nx * reach, middle[1] - ny * reach], [middle[0] + nx * reach, middle[1] + ny * reach], zone.color, scale);
  const text = counts ? `${zone.name}  in ${counts.in} · out ${counts.out}` : `${zone.name} (arrow = in)`;
  drawLabel(context, text, Math.min(a[0], b[0]) + 4 * scale, Math.min(a[1], b[1]) - 6 * scale, { background: withAlpha(zone.color, 0.92), scale });
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

/** The tracked people: boxes, id labels, trails and foot points, as the layers allow. */
export function drawTracks(context, tracked, feet, trails, layers, scale = 1) {
  if (!tracked) return;
  for (let i = 0; i < tracked.count; i += 1) {
    const id = tracked.trackIds ? tracked.trackIds[i] : i + 1;
    const color = trackColor(id);
    const [x1, y1, x2, y2] = tracked.boxes.subarray(4 * i, 4 * i + 4);
    if (layers.trails) {
      const points = trails.get(id);
      context.strokeStyle = color;
      context.lineWidth = 2 * scale;
      context.globalAlpha = 0.8;
      tracePath(context, points);
      context.stroke();
      context.globalAlpha = 1;
    }
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
  for (const zone of zones) {
    const visible = zone.kind === 'polygon' ? layers.zones : layers.lines;
    const selected = editor && editor.selectedId === zone.localId;
    if (!visible && !selected) continue;
    const key = zoneKey(zone);
    const counts = result ? (zone.kind === 'polygon' ? result.zones[key] : result.lines[key]) || null : null;
    drawZone(context, zone, { counts, selected, scale });
    if (selected && editor.editing) drawHandles(context, zone, scale);
  }
  if (editor && editor.draft) drawDraft(context, editor.draft, scale);
  if (live) drawTracks(context, live.tracked, live.feet, live.trails, layers, scale);
}
