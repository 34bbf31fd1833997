// Just enough of a DOM for the views' h() and byId(): elements with attributes, children and
// ids. withFakeDom(body, { timeZone, elements }) runs body with it as the page's document.
export class FakeNode {
  constructor(tag, text = '') { Object.assign(this, { tag, text, children: [], attributes: {}, dataset: {}, hidden: false }); }
  setAttribute(name, value) { this.attributes[name] = value; }
  addEventListener() {}
  append(...children) { this.children.push(...children); }
  replaceChildren(...children) { this.children = children; }
  get textContent() { return this.text + this.children.map((child) => child.textContent).join(''); }
  set textContent(value) { this.text = String(value); this.children = []; }
  /** Descendants (and itself) of a tag, optionally with an attribute's value. */
  findAll(tag, [name, value] = []) {
    const here = this.tag === tag && (name === undefined || this.attributes[name] === value) ? [this] : [];
    return here.concat(this.children.flatMap((child) => child.findAll?.(tag, [name, value]) ?? []));
  }
}

export function withFakeDom(body, { timeZone = null, elements = {} } = {}) {
  const saved = { document: globalThis.document, Node: globalThis.Node };
  globalThis.Node = FakeNode;
  globalThis.document = {
    createElement: (tag) => new FakeNode(tag),
    createTextNode: (text) => new FakeNode('#text', text),
    getElementById: (id) => elements[id] ?? null,
    querySelector: (selector) => (selector === 'meta[name="time-zone"]' && timeZone ? { content: timeZone } : null),
  };
  try {
    return body();
  } finally {
    Object.assign(globalThis, saved);
  }
}
