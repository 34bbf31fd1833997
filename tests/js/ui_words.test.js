import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countOf, isolated, nounFor } from '../../frontend/js/ui/words.js';

test('countOf puts the number with the noun that fits it', () => {
  for (const [n, singular, plural, expected] of [
    [0, 'zone', undefined, '0 zones'],
    [1, 'zone', undefined, '1 zone'],
    [2, 'zone', undefined, '2 zones'],
    [1, 'batch', 'batches', '1 batch'],
    [3, 'batch', 'batches', '3 batches'],
    [1, 'person', 'people', '1 person'],
    [12, 'person', 'people', '12 people'],
    [1.5, 'second', undefined, '1.5 seconds'],
  ]) {
    assert.equal(countOf(n, singular, plural), expected);
  }
});

test('nounFor gives the noun alone', () => {
  assert.equal(nounFor(1, 'sample'), 'sample');
  assert.equal(nounFor(0, 'sample'), 'samples');
  assert.equal(nounFor(7, 'person', 'people'), 'people');
});

test('no page builds a plural by hand any more (one rule, in ui/words.js)', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const root = new URL('../../frontend/js/', import.meta.url);
  const files = (await readdir(root, { recursive: true })).filter((name) => name.endsWith('.js'));
  const handMade = /=== 1 \? '' : '(s|es)'|=== 1 \? '[a-z]+' : '[a-z]+'/;
  const offenders = [];
  for (const name of files) {
    const text = await readFile(new URL(name, root), 'utf8');
    if (handMade.test(text)) offenders.push(name);
  }
  assert.deepEqual(offenders, []);
});

test('isolated leaves plain names alone and fences in a name with bidi controls', () => {
  assert.equal(isolated('Checkout queue'), 'Checkout queue');
  assert.equal(isolated('קופה 2'), 'קופה 2');   // right-to-left letters need no fence
  assert.equal(isolated('<b>Till</b>'), '<b>Till</b>');
  assert.equal(isolated('Till \u202eevil'), '\u2068Till \u202eevil\u2069');
  // An isolate the name opens is closed before the fence (one U+2069 used to close the name's
  // own isolate only, leaving the fence open to the end of the line).
  assert.equal(isolated('a\u2067b'), '\u2068a\u2067b\u2069\u2069');
  assert.equal(isolated(7), '7');
});

// The directional status stack of the Unicode bidi algorithm (UAX #9, X1-X8), reduced to
// what matters here: which embeddings, overrides and isolates are still open after a text.
const EMBEDDINGS = new Set(['\u202a', '\u202b', '\u202d', '\u202e']);
const ISOLATES = new Set(['\u2066', '\u2067', '\u2068']);
function openAfter(text) {
  const stack = [];
  for (const char of text) {
    if (EMBEDDINGS.has(char)) stack.push({ isolate: false });
    else if (ISOLATES.has(char)) stack.push({ isolate: true });
    else if (char === '\u2069') {
      if (!stack.some((entry) => entry.isolate)) continue;     // X6a: no open isolate, ignored
      while (!stack.pop().isolate);                              // closes everything up to it
    } else if (char === '\u202c' && stack.length && !stack.at(-1).isolate) stack.pop();  // X7
  }
  return stack.length;
}

test('no name can turn around the rest of the sentence it is put in', () => {
  const names = [
    'Till \u202eevil', '\u202e', '\u202b\u202d', 'a\u2067b', '\u2066\u2067\u2068x',
    // a lone U+2069 would close the fence, and the override after it would reach the end
    'x\u2069\u202eevil', '\u2069\u2069\u202e', '\u2067a\u2069\u2069\u202eb', '\u202c\u202c\u202e',
    'ok\u200f', 'Queue',
  ];
  for (const name of names) {
    assert.equal(openAfter(`Saved the webhook of “${isolated(name)}”`), 0, JSON.stringify(name));
  }
  // The old helper let these through: the proof that the check can fail.
  const oldIsolated = (name) => `\u2068${name}\u2069`;
  assert.notEqual(openAfter(`Saved “${oldIsolated('x\u2069\u202eevil')}”`), 0);
  assert.notEqual(openAfter(`Saved “${oldIsolated('a\u2067b')}”`), 0);
});

test('every page puts a user-given name in a sentence through isolated()', async () => {
  // The status lines, alert texts and canvas labels of the monitor, dashboard, videos and
  // webhooks: a name in a template literal next to other words goes through isolated().
  const { readFile } = await import('node:fs/promises');
  const root = new URL('../../frontend/js/', import.meta.url);
  const rawName = /\$\{(?:zone\.name|camera\.name|video\.original_name|file\.name|this\.source\.label|run\.label[^}]*|item\.zone_name|alert\.zone_name[^}]*|typed)\}/;
  const files = ['monitor/monitor_controller.js', 'monitor/ip_camera_picker.js', 'monitor/source_picker.js',
    'monitor/camera_list.js', 'dashboard/alerts_panel.js', 'dashboard/run_view.js', 'dashboard/run_picker_view.js',
    'overlay/label_layout.js', 'videos/main.js', 'videos/video_list_view.js', 'webhooks/main.js',
    'webhooks/webhook_list_view.js'];
  const offenders = [];
  for (const name of files) {
    const lines = (await readFile(new URL(name, root), 'utf8')).split('\n');
    lines.forEach((line, index) => { if (rawName.test(line)) offenders.push(`${name}:${index + 1}: ${line.trim()}`); });
  }
  assert.deepEqual(offenders, []);
});
