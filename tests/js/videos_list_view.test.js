import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderVideoList } from '../../frontend/js/videos/video_list_view.js';

// Just enough of a DOM for the views' h(): elements with attributes and children.
class FakeNode {
  constructor(tag, text = '') { Object.assign(this, { tag, text, children: [], attributes: {}, dataset: {} }); }
  setAttribute(name, value) { this.attributes[name] = value; }
  addEventListener() {}
  append(...children) { this.children.push(...children); }
  replaceChildren(...children) { this.children = children; }
  get textContent() { return this.text + this.children.map((child) => child.textContent).join(''); }
  cells(label) { return this.tag === 'td' && this.attributes['data-label'] === label ? [this] : this.children.flatMap((child) => child.cells?.(label) ?? []); }
}

function withPage(zone, body) {
  const saved = { document: globalThis.document, Node: globalThis.Node };
  globalThis.Node = FakeNode;
  globalThis.document = {
    createElement: (tag) => new FakeNode(tag),
    createTextNode: (text) => new FakeNode('#text', text),
    querySelector: (selector) => (selector === 'meta[name="time-zone"]' && zone ? { content: zone } : null),
  };
  try {
    return body();
  } finally {
    Object.assign(globalThis, saved);
  }
}

const VIDEO = { id: 3, original_name: 'door.mp4', width: 640, height: 480, duration_s: 60, fps: 25, size_bytes: 1024, created_at: '2026-03-01T23:30:00Z' };

test('the library gives upload times in the profile\'s time zone, as the tokens page and the dashboard do', () => {
  const uploaded = withPage('Asia/Tokyo', () => {
    const container = new FakeNode('div');
    renderVideoList(container, [VIDEO], { onPlay() {}, onDelete() {}, monitorUrl: '/monitor' });
    return container.cells('Uploaded').map((cell) => cell.textContent);
  });
  const inTokyo = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(VIDEO.created_at));
  assert.deepEqual(uploaded, [inTokyo]);   // 2 March, 8:30 AM; the browser (UTC here) says 1 March, 11:30 PM
});
