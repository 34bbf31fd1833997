// Pure state of the zone editor: tools, drafts, selection, vertex dragging and undo.
// The view turns pointer and form events into these calls and draws `zones` and `draft`.
import { clampPoint, distance } from '../geometry/points.js';
import { containsPoint, rectanglePolygon } from '../geometry/polygon.js';
import { bandCorners, distanceToSegment } from '../geometry/segments.js';
import { makeZone, PALETTE, DEFAULT_BAND_WIDTH } from './zone_model.js';
import { BAND_WIDTH_MAX_FRAME_SIDES } from '../api/protocol.js';

export const TOOLS = Object.freeze(['select', 'polygon', 'rectangle', 'line', 'band']);
const DEFAULT_NAMES = { polygon: 'Zone', rectangle: 'Zone', line: 'Line', band: 'Band' };
const OPTION_KEYS = new Set(['frameWidth', 'frameHeight', 'hitTolerance', 'historyLimit', 'minimumSize']);

export class ZoneEditorState {
  constructor(options = {}) {
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) throw new Error(`Unknown editor option "${key}".`);
    }
    const { frameWidth = 640, frameHeight = 480, hitTolerance = 10, historyLimit = 100, minimumSize = 6 } = options;
    if (!(frameWidth > 0 && frameHeight > 0)) throw new Error('The frame needs a positive size.');
    this.frameWidth = frameWidth;
    this.frameHeight = frameHeight;
    this.hitTolerance = hitTolerance;
    this.historyLimit = historyLimit;
    this.minimumSize = minimumSize;
    this.zones = [];
    this.tool = 'select';
    this.draft = null;
    this.selectedId = null;
    this.drag = null;
    this.dirty = false;
    this.history = [];
    this.nextLocalId = 1;
  }

  setFrameSize(frameWidth, frameHeight) {
    if (!(frameWidth > 0 && frameHeight > 0)) throw new Error('The frame needs a positive size.');
    this.frameWidth = frameWidth;
    this.frameHeight = frameHeight;
  }

  setTool(tool) {
    if (!TOOLS.includes(tool)) throw new Error(`Unknown tool "${tool}".`);
    this.tool = tool;
    this.draft = null;
    this.drag = null;
  }

  /** Replace every zone (e.g. loaded from the server); clears undo history. */
  load(zones) {
    this.zones = zones.map((zone) => ({ ...zone, localId: zone.localId ?? this.nextLocalId++ }));
    this.nextLocalId = Math.max(this.nextLocalId, ...this.zones.map((zone) => zone.localId + 1));
    this.history = [];
    this.selectedId = null;
    this.draft = null;
    this.dirty = false;
  }

  get selectedZone() {
    return this.zones.find((zone) => zone.localId === this.selectedId) || null;
  }

  pointerDown(rawPoint) {
    const point = this.clamp(rawPoint);
    if (this.tool === 'select') return this.selectOrGrab(point);
    if (this.tool === 'polygon') return this.addPolygonPoint(point);
    if (this.draft && this.draft.points.length === 1 && (this.tool === 'line' || this.tool === 'band')) {
      return this.finishTwoPointDraft(point); // second click of click-click drawing
    }
    this.draft = { kind: this.tool, points: [point], cursor: point };
    return null;
  }

  pointerMove(rawPoint) {
    const point = this.clamp(rawPoint);
    if (this.drag) {
      const zone = this.zones.find((candidate) => candidate.localId === this.drag.localId);
      if (!zone) return;
      this.drag.moved = this.drag.moved || distance(point, this.drag.start) > 0;
      if (this.drag.vertex === null) {
        const dx = point[0] - this.drag.start[0];
        const dy = point[1] - this.drag.start[1];
        zone.points = this.drag.originalPoints.map((p) => this.clamp([p[0] + dx, p[1] + dy]));
      } else {
        zone.points = zone.points.map((p, index) => (index === this.drag.vertex ? point : p));
      }
      return;
    }
    if (this.draft) this.draft.cursor = point;
  }

  pointerUp(rawPoint) {
    const point = this.clamp(rawPoint);
    if (this.drag) {
      const { moved, before } = this.drag;
      this.drag = null;
      if (moved) { this.pushHistory(before); this.dirty = true; }
      return null;
    }
    if (!this.draft || this.tool === 'polygon') return null;
    if (distance(this.draft.points[0], point) < this.minimumSize) return null; // click: wait for a second click
    if (this.tool === 'rectangle') return this.commitDraft('polygon', rectanglePolygon(this.draft.points[0], point));
    return this.finishTwoPointDraft(point);
  }

  /** Double click or Enter: close the polygon being drawn. */
  finishPolygon() {
    if (!this.draft || this.draft.kind !== 'polygon') return null;
    if (this.draft.points.length < 3) return null;
    return this.commitDraft('polygon', this.draft.points);
  }

  cancelDraft() {
    this.draft = null;
    this.drag = null;
  }

  /** Rename, recolour, threshold, hold time, width, flip: validated; bad input changes nothing. */
  update(localId, patch) {
    const index = this.zones.findIndex((zone) => zone.localId === localId);
    if (index < 0) throw new Error('That zone no longer exists.');
    const updated = makeZone({ ...this.zones[index], ...patch });
    const widest = BAND_WIDTH_MAX_FRAME_SIDES * Math.max(this.frameWidth, this.frameHeight);
    if (updated.kind === 'band' && updated.width > widest) throw new Error(`A band is at most ${widest} px wide (twice the picture's longer side).`);
    const before = this.cloneZones();
    this.zones = this.zones.map((zone, i) => (i === index ? updated : zone));
    this.pushHistory(before);
    this.dirty = true;
    return updated;
  }

  flip(localId) {
    const zone = this.zones.find((candidate) => candidate.localId === localId);
    if (!zone || zone.kind === 'polygon') return null;
    return this.update(localId, { flipped: !zone.flipped });
  }

  remove(localId) {
    if (!this.zones.some((zone) => zone.localId === localId)) return false;
    const before = this.cloneZones();
    this.zones = this.zones.filter((zone) => zone.localId !== localId);
    if (this.selectedId === localId) this.selectedId = null;
    this.pushHistory(before);
    this.dirty = true;
    return true;
  }

  undo() {
    if (this.draft) { this.draft = null; return true; }
    const previous = this.history.pop();
    if (!previous) return false;
    this.zones = previous;
    if (!this.zones.some((zone) => zone.localId === this.selectedId)) this.selectedId = null;
    this.dirty = true;
    return true;
  }

  get canUndo() {
    return Boolean(this.draft) || this.history.length > 0;
  }

  /** After a save: remember the server ids; the editor is clean again. */
  markSaved(serverIdsByLocalId) {
    this.zones = this.zones.map((zone) => ({ ...zone, serverId: serverIdsByLocalId.get(zone.localId) ?? zone.serverId }));
    this.dirty = false;
  }

  /** Topmost vertex within the hit tolerance, preferring the selected zone. */
  hitVertex(point) {
    const ordered = [...this.zones].sort((a, b) => (b.localId === this.selectedId) - (a.localId === this.selectedId));
    for (const zone of ordered) {
      const vertex = zone.points.findIndex((p) => distance(p, point) <= this.hitTolerance);
      if (vertex >= 0) return { localId: zone.localId, vertex };
    }
    return null;
  }

  hitZone(point) {
    for (let i = this.zones.length - 1; i >= 0; i -= 1) {
      const zone = this.zones[i];
      if (zone.kind === 'polygon' && containsPoint(zone.points, point[0], point[1])) return zone.localId;
      if (zone.kind === 'band' && containsPoint(bandCorners(zone.points[0], zone.points[1], zone.width), point[0], point[1])) return zone.localId;
      if (zone.kind !== 'polygon' && distanceToSegment(point, zone.points[0], zone.points[1]) <= this.hitTolerance) return zone.localId;
    }
    return null;
  }

  // ----- internals -----
  selectOrGrab(point) {
    const vertexHit = this.hitVertex(point);
    const localId = vertexHit ? vertexHit.localId : this.hitZone(point);
    this.selectedId = localId;
    if (localId === null) return null;
    const zone = this.zones.find((candidate) => candidate.localId === localId);
    this.drag = {
      localId, vertex: vertexHit ? vertexHit.vertex : null, start: point, moved: false,
      originalPoints: zone.points.map((p) => [...p]), before: this.cloneZones(),
    };
    return zone;
  }

  addPolygonPoint(point) {
    if (!this.draft) {
      this.draft = { kind: 'polygon', points: [point], cursor: point };
      return null;
    }
    const first = this.draft.points[0];
    if (this.draft.points.length >= 3 && distance(first, point) <= this.hitTolerance) return this.finishPolygon();
    const last = this.draft.points[this.draft.points.length - 1];
    if (distance(last, point) < 1) return null; // the second click of a double click
    this.draft.points.push(point);
    return null;
  }

  finishTwoPointDraft(point) {
    const start = this.draft.points[0];
    if (distance(start, point) < this.minimumSize) return null;
    return this.commitDraft(this.draft.kind, [start, point]);
  }

  commitDraft(kind, points) {
    const before = this.cloneZones();
    const localId = this.nextLocalId++;
    const sameKind = this.zones.filter((zone) => zone.kind === kind).length;
    const label = DEFAULT_NAMES[this.tool] || DEFAULT_NAMES[kind];
    const zone = makeZone({
      localId, kind, points, name: `${label} ${sameKind + 1}`,
      color: PALETTE[(localId - 1) % PALETTE.length], width: DEFAULT_BAND_WIDTH,
      holdSeconds: kind === 'polygon' ? 3 : 0,
      endHoldSeconds: kind === 'polygon' ? 3 : 0, // an alert ends after 3 s back at the limit
    });
    this.zones = [...this.zones, zone];
    this.draft = null;
    this.selectedId = localId;
    this.pushHistory(before);
    this.dirty = true;
    return zone;
  }

  pushHistory(zones) {
    this.history.push(zones);
    if (this.history.length > this.historyLimit) this.history.shift();
  }

  cloneZones() {
    return this.zones.map((zone) => ({ ...zone, points: zone.points.map((p) => [...p]) }));
  }

  clamp(point) {
    return clampPoint(point, this.frameWidth, this.frameHeight);
  }
}
