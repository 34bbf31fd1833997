// The zone editor's view: pointer and keyboard events on the overlay canvas become calls on
// ZoneEditorState; the toolbar picks tools; the inspector edits the selected zone.
import { TOOLS } from './editor_state.js';

export function canvasPoint(canvas, event) {
  const rect = canvas.getBoundingClientRect();
  return [((event.clientX - rect.left) / rect.width) * canvas.width, ((event.clientY - rect.top) / rect.height) * canvas.height];
}

export class ZoneEditorView {
  /**
   * elements: { canvas, toolbar, undoButton, inspector, hint }
   * onChange(): redraw; onError(message): show in the status area.
   */
  constructor({ state, elements, onChange, onError }) {
    this.state = state;
    this.elements = elements;
    this.onChange = onChange;
    this.onError = onError;
    this.enabled = false;
    this.bind();
    this.renderInspector();
  }

  /** reason: the hint shown while drawing is off (no source yet, counting, calibrating). */
  setEnabled(enabled, reason = 'Open a source to draw lines and zones on it.') {
    this.enabled = enabled;
    this.disabledHint = reason;
    this.elements.toolbar.querySelectorAll('button').forEach((button) => { button.disabled = !enabled; });
    this.elements.canvas.classList.toggle('is-editing', enabled);
    if (!enabled) this.state.cancelDraft();
    this.renderInspector();
    this.refreshToolbar();
  }

  bind() {
    const { canvas, toolbar, undoButton } = this.elements;
    canvas.addEventListener('pointerdown', (event) => {
      if (!this.enabled || event.button !== 0) return;
      canvas.setPointerCapture(event.pointerId);
      this.guard(() => this.state.pointerDown(canvasPoint(canvas, event)));
    });
    canvas.addEventListener('pointermove', (event) => {
      if (!this.enabled) return;
      this.state.pointerMove(canvasPoint(canvas, event));
      if (this.state.drag || this.state.draft) this.onChange();
    });
    canvas.addEventListener('pointerup', (event) => {
      if (!this.enabled) return;
      this.guard(() => this.state.pointerUp(canvasPoint(canvas, event)));
    });
    canvas.addEventListener('dblclick', () => { if (this.enabled) this.guard(() => this.state.finishPolygon()); });
    toolbar.addEventListener('click', (event) => {
      const button = event.target.closest('[data-tool]');
      if (button && this.enabled) { this.state.setTool(button.dataset.tool); this.changed(); }
    });
    undoButton.addEventListener('click', () => { if (this.state.undo()) this.changed(); });
    document.addEventListener('keydown', (event) => this.onKey(event));
  }

  onKey(event) {
    if (!this.enabled || event.target.closest('input, select, textarea')) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z') { event.preventDefault(); if (this.state.undo()) this.changed(); return; }
    if (event.key === 'Escape') { this.state.cancelDraft(); this.state.setTool('select'); this.changed(); return; }
    if (event.key === 'Enter') { this.guard(() => this.state.finishPolygon()); return; }
    if ((event.key === 'Delete' || event.key === 'Backspace') && this.state.selectedId !== null) { this.state.remove(this.state.selectedId); this.changed(); return; }
    const shortcut = { v: 'select', p: 'polygon', r: 'rectangle', l: 'line', b: 'band' }[event.key.toLowerCase()];
    if (shortcut && !event.ctrlKey && !event.metaKey) { this.state.setTool(shortcut); this.changed(); }
  }

  guard(action) {
    try {
      const created = action();
      if (created && this.state.tool !== 'select' && created.localId) {
        this.state.setTool('select'); // back to selecting after a shape is finished
      }
    } catch (error) {
      this.onError(error.message);
    }
    this.changed();
  }

  changed() {
    this.refreshToolbar();
    this.renderInspector();
    this.onChange();
  }

  refreshToolbar() {
    for (const button of this.elements.toolbar.querySelectorAll('[data-tool]')) {
      button.classList.toggle('is-active', button.dataset.tool === this.state.tool);
      button.setAttribute('aria-pressed', String(button.dataset.tool === this.state.tool));
    }
    this.elements.undoButton.disabled = !this.enabled || !this.state.canUndo;
    const hints = {
      select: 'Click a shape to edit it; drag its corners or drag it to move.',
      polygon: 'Click the corners; click the first corner, double-click or press Enter to close.',
      rectangle: 'Drag from one corner to the opposite one.',
      line: 'Drag (or click twice) from A to B. The arrow shows “in”; flip it in the panel.',
      band: 'Drag along the middle of the band; set its width in the panel.',
    };
    this.elements.hint.textContent = this.enabled ? hints[this.state.tool] : this.disabledHint;
  }

  /** The inspector form of the selected zone (name, colour, threshold, hold, width, flip, delete). */
  renderInspector() {
    const form = this.elements.inspector;
    const zone = this.state.selectedZone;
    form.hidden = !zone || !this.enabled;
    if (!zone || !this.enabled) return;
    const field = (name) => form.elements.namedItem(name);
    form.dataset.kind = zone.kind;
    form.querySelector('[data-kind-label]').textContent = { polygon: 'Zone', line: 'Line', band: 'Band' }[zone.kind];
    if (document.activeElement !== field('name')) field('name').value = zone.name;
    field('color').value = zone.color;
    field('threshold').value = zone.threshold ?? '';
    field('hold_seconds').value = zone.holdSeconds;
    field('end_hold_seconds').value = zone.endHoldSeconds ?? 0;
    field('width').value = zone.width ?? '';
    form.querySelector('[data-direction]').textContent = zone.flipped ? 'Arrow flipped: “in” points the other way.' : 'The arrow points to the “in” side.';
    if (!form.dataset.bound) this.bindInspector(form);
  }

  bindInspector(form) {
    form.dataset.bound = 'yes';
    const apply = (patch) => {
      const zone = this.state.selectedZone;
      if (!zone) return;
      try {
        this.state.update(zone.localId, patch);
      } catch (error) {
        this.onError(error.message);
      }
      this.changed();
    };
    form.addEventListener('submit', (event) => event.preventDefault());
    form.elements.namedItem('name').addEventListener('change', (event) => apply({ name: event.target.value }));
    form.elements.namedItem('color').addEventListener('change', (event) => apply({ color: event.target.value }));
    form.elements.namedItem('threshold').addEventListener('change', (event) => apply({ threshold: event.target.value === '' ? null : Number(event.target.value) }));
    form.elements.namedItem('hold_seconds').addEventListener('change', (event) => apply({ holdSeconds: Number(event.target.value || 0) }));
    form.elements.namedItem('end_hold_seconds').addEventListener('change', (event) => apply({ endHoldSeconds: Number(event.target.value || 0) }));
    form.elements.namedItem('width').addEventListener('change', (event) => apply({ width: Number(event.target.value) }));
    form.querySelector('[data-action=flip]').addEventListener('click', () => { const zone = this.state.selectedZone; if (zone) { this.state.flip(zone.localId); this.changed(); } });
    form.querySelector('[data-action=delete]').addEventListener('click', () => { const zone = this.state.selectedZone; if (zone) { this.state.remove(zone.localId); this.changed(); } });
  }
}

export { TOOLS };
