import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withFakeDom, FakeNode } from './fake_dom.js';
import { lastDeliveryText, limitText, renderWebhookList, renderZonePicker, zonesByPlace } from '../../frontend/js/webhooks/webhook_list_view.js';
import { ApiError } from '../../frontend/js/api/http.js';

const ZONES = [
  { zone_id: 1, zone_name: 'Queue', kind: 'polygon', threshold: 8, place: 'Camera “front-door”', url: 'https://hooks.example.com/a', secret: 'ab12' },
  { zone_id: 2, zone_name: 'Till <img src=x onerror=alert(1)>', kind: 'polygon', threshold: null, place: 'Video “shop.mp4”', url: null, secret: null },
  { zone_id: 3, zone_name: 'Hall', kind: 'polygon', threshold: 3, place: 'Camera “front-door”', url: null, secret: null },
];
const NOOP = { onTest() {}, onChange() {}, onRemove() {}, monitorUrl: '/monitor' };

test('the zone picker groups zones by video or camera and says which can alert', () => withFakeDom(() => {
  const select = new FakeNode('select');
  renderZonePicker(select, ZONES, 3);
  assert.equal(select.disabled, false);
  const groups = select.findAll('optgroup');
  assert.deepEqual(groups.map((group) => group.attributes.label), ['Camera “front-door”', 'Video “shop.mp4”']);
  const options = select.findAll('option').map((option) => [option.attributes.value, option.textContent, 'selected' in option.attributes]);
  assert.deepEqual(options, [
    ['', 'Choose a zone…', false],
    [1, 'Queue (alerts above 8) · has a webhook', false],
    [3, 'Hall (alerts above 3)', true],
    [2, 'Till <img src=x onerror=alert(1)> (no alert limit)', false],
  ]);
  assert.deepEqual([...zonesByPlace(ZONES).keys()], ['Camera “front-door”', 'Video “shop.mp4”']);
  assert.equal(limitText(ZONES[1]), 'no alert limit');
}));

test('a zone name with a right-to-left override cannot turn its option around', () => withFakeDom(() => {
  const select = new FakeNode('select');
  renderZonePicker(select, [{ ...ZONES[2], zone_name: 'Hall \u202eevil' }], '');
  assert.equal(select.findAll('option')[1].textContent, '\u2068Hall \u202eevil\u2069 (alerts above 3)');
}));

test('with no zones the picker is off and the list says where zones come from', () => withFakeDom(() => {
  const select = new FakeNode('select');
  renderZonePicker(select, [], '');
  assert.equal(select.disabled, true);
  assert.equal(select.textContent, 'No zones yet');
  const list = new FakeNode('div');
  renderWebhookList(list, { items: [], zones: [] }, NOOP);
  assert.match(list.textContent, /No webhooks yet\.First draw a zone on the monitor \(Polygon or Rectangle; lines and bands raise no alerts\), give it an alert limit and save it/);
  assert.equal(list.findAll('a')[0].attributes.href, '/monitor');
  renderWebhookList(list, { items: [], zones: ZONES }, NOOP);
  assert.match(list.textContent, /Choose a zone and give the address/);
}));

test('each webhook is a card: zone, place, address, a warning when it can never be called', () => withFakeDom(() => {
  const list = new FakeNode('div');
  const items = [ZONES[0], { ...ZONES[1], url: 'https://hooks.example.com/b', secret: 'cd34' }];
  renderWebhookList(list, { items, zones: ZONES }, NOOP);
  const cards = list.findAll('article');
  assert.equal(cards.length, 2);
  assert.deepEqual(cards.map((card) => card.findAll('code')[0].textContent), ['https://hooks.example.com/a', 'https://hooks.example.com/b']);
  // A name is text, never markup: it is one text node, with no <img> element made of it.
  assert.equal(cards[1].findAll('img').length, 0);
  assert.match(cards[1].textContent, /^Till <img src=x onerror=alert\(1\)>Video “shop.mp4”no alert limit: never called/);
  assert.match(cards[0].textContent, /alerts above 8/);
  // The secret is there to copy, behind a button.
  const secret = cards[0].findAll('input')[0];
  assert.equal(secret.attributes.value, 'ab12');
  assert.equal(cards[0].findAll('div').find((div) => div.className === 'secret-row').hidden, true);
  assert.deepEqual(cards[0].findAll('button').map((button) => button.textContent), ['Send a test', 'Change', 'Show secret', 'Remove', 'Copy']);
}));

test('an API error names the problem of one field', () => {
  const error = new ApiError(422, { error: 'unprocessable_entity', message: 'Some fields are not valid.', fields: { url: ['The server will not post to this address: the loopback address 127.0.0.1 is not allowed.'] } });
  assert.equal(error.problemWith('url'), 'The server will not post to this address: the loopback address 127.0.0.1 is not allowed.');
  assert.equal(error.problemWith('zone'), null);
  assert.equal(new ApiError(404, { error: 'not_found', message: 'No such zone.' }).problemWith('url'), null);
});

test('the last alert sent says when, which and how it went', () => {
  const base = { event: 'alert_start', created_at: '2026-03-01T10:00:02.000Z', sent_at: null };
  const timeZone = 'UTC';
  assert.equal(lastDeliveryText(null, { timeZone }), null);
  const delivered = lastDeliveryText({ ...base, status: 'delivered', attempts: 1, result: 'delivered', message: 'Delivered: the receiver answered with a 2xx status.' }, { timeZone });
  assert.equal(delivered.kind, 'success');
  assert.match(delivered.text, /^Last alert sent: alert started, .*2026.*: delivered\.$/);
  const retrying = lastDeliveryText({ ...base, event: 'alert_end', status: 'pending', attempts: 2, result: 'failed: HTTP 503', message: 'Not delivered: the receiver answered HTTP 503.' }, { timeZone });
  assert.equal(retrying.kind, 'warning');
  assert.match(retrying.text, /alert ended, .*: being sent \(2 attempts so far; Not delivered: the receiver answered HTTP 503\.\)\.$/);
  const failed = lastDeliveryText({ ...base, status: 'failed', attempts: 1, result: 'failed: refused target: x', message: 'Not sent: x. Webhooks go only to public internet addresses.' }, { timeZone });
  assert.equal(failed.kind, 'danger');
  assert.match(failed.text, /: failed after 1 attempt\. Not sent: x\. Webhooks go only to public internet addresses\.$/);
});

test('a delivery cancelled before its first attempt says "not sent"', () => {
  const said = lastDeliveryText({ event: 'alert_end', created_at: '2026-03-01T10:00:02.000Z', status: 'failed', attempts: 0, result: 'cancelled: webhook removed', message: 'Not sent: the webhook was removed before this delivery went out.' }, { timeZone: 'UTC' });
  assert.match(said.text, /alert ended, .*: not sent\. Not sent: the webhook was removed before this delivery went out\.$/);
});
