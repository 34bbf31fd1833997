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
  assert.equal(isolated('a\u2067b'), '\u2068a\u2067b\u2069');
  assert.equal(isolated(7), '7');
});
