// The webhooks page's views: the zone picker (grouped by video or camera) and the list of
// webhooks, one card each with Test, Change, Show secret and Remove. Only DOM; the page's
// main.js decides what the buttons do.
import { h, formatDateTime, profileTimeZone } from '../ui/dom.js';
import { countOf, isolated } from '../ui/words.js';

/** "limit 8" / "no alert limit": whether the zone can call its webhook at all. */
export function limitText(zone) {
  return zone.threshold ? `alerts above ${zone.threshold}` : 'no alert limit';
}

/** Zones grouped by their place, in the order they come (the API's: oldest first). */
export function zonesByPlace(zones) {
  const groups = new Map();
  for (const zone of zones) {
    if (!groups.has(zone.place)) groups.set(zone.place, []);
    groups.get(zone.place).push(zone);
  }
  return groups;
}

export function renderZonePicker(select, zones, selectedId = '') {
  if (!zones.length) {
    select.replaceChildren(h('option', { value: '' }, 'No zones yet'));
    select.disabled = true;
    return;
  }
  select.disabled = false;
  const groups = [...zonesByPlace(zones)].map(([place, members]) => h('optgroup', { label: place },
    members.map((zone) => h('option', { value: zone.zone_id, selected: String(zone.zone_id) === String(selectedId) },
      `${isolated(zone.zone_name)} (${limitText(zone)})${zone.url ? ' · has a webhook' : ''}`))));
  select.replaceChildren(h('option', { value: '', selected: !selectedId }, 'Choose a zone…'), ...groups);
}

const EVENT_WORDS = { alert_start: 'alert started', alert_end: 'alert ended' };

/** The newest alert delivery of a webhook in words ({ text, kind }), or null when none yet. */
export function lastDeliveryText(delivery, { timeZone = profileTimeZone() } = {}) {
  if (!delivery) return null;
  const when = formatDateTime(delivery.created_at, { timeZone });
  const what = `Last alert sent: ${EVENT_WORDS[delivery.event] || delivery.event}, ${when}`;
  if (delivery.status === 'delivered') return { text: `${what}: delivered.`, kind: 'success' };
  if (delivery.status === 'pending') {
    const tried = delivery.attempts ? ` (${countOf(delivery.attempts, 'attempt')} so far; ${delivery.message || delivery.result})` : '';
    return { text: `${what}: being sent${tried}.`, kind: 'warning' };
  }
  const outcome = delivery.attempts ? `failed after ${countOf(delivery.attempts, 'attempt')}` : 'not sent';
  return { text: `${what}: ${outcome}. ${delivery.message || delivery.result || ''}`.trim(), kind: 'danger' };
}

export function renderWebhookList(container, { items, zones }, { onTest, onChange, onRemove, monitorUrl }) {
  if (!items.length) {
    container.replaceChildren(h('div', { class: 'empty-state', 'data-testid': 'webhooks-empty' },
      h('strong', {}, 'No webhooks yet.'),
      zones.length
        ? h('span', { class: 'muted' }, 'Choose a zone and give the address that should hear about its alerts.')
        : h('span', { class: 'muted' }, 'First draw a zone on the ', h('a', { href: monitorUrl }, 'monitor'),
          ' (Polygon or Rectangle; lines and bands raise no alerts), give it an alert limit and save it; then add its webhook here.')));
    return;
  }
  container.replaceChildren(...items.map((item) => webhookCard(item, { onTest, onChange, onRemove })));
}

function webhookCard(item, { onTest, onChange, onRemove }) {
  const secret = h('input', { type: 'text', readonly: true, class: 'secret', value: item.secret || '', 'aria-label': `Signing secret of ${isolated(item.zone_name)}`, 'data-testid': 'webhook-secret' });
  const secretRow = h('div', { class: 'secret-row' }, secret,
    h('button', { type: 'button', class: 'button button-secondary button-small', onclick: (event) => copySecret(secret, event.currentTarget) }, 'Copy'));
  secretRow.hidden = true;
  const showSecret = h('button', { type: 'button', class: 'button button-secondary button-small', 'aria-expanded': 'false',
    onclick: (event) => {
      secretRow.hidden = !secretRow.hidden;
      event.currentTarget.textContent = secretRow.hidden ? 'Show secret' : 'Hide secret';
      event.currentTarget.setAttribute('aria-expanded', String(!secretRow.hidden));
    } }, 'Show secret');
  const kind = item.kind === 'polygon' ? null : h('span', { class: 'badge badge-warning' }, `a ${item.kind}: never alerts`);
  const limit = item.threshold
    ? h('span', { class: 'badge' }, limitText(item))
    : h('span', { class: 'badge badge-warning', title: 'Set “Alert above” for this zone on the monitor, or it never calls its webhook' }, 'no alert limit: never called');
  return h('article', { class: 'webhook-item', dataset: { zoneId: item.zone_id }, 'data-testid': 'webhook-item' },
    h('div', { class: 'webhook-item-head' },
      h('strong', { class: 'webhook-zone' }, item.zone_name),
      h('span', { class: 'muted small webhook-place' }, item.place),
      kind || limit),
    h('code', { class: 'webhook-url', 'data-testid': 'webhook-item-url' }, item.url),
    lastDelivery(item.last_delivery),
    h('div', { class: 'webhook-actions' },
      h('button', { type: 'button', class: 'button button-small', 'data-testid': 'webhook-test', onclick: (event) => onTest(item, event.currentTarget) }, 'Send a test'),
      h('button', { type: 'button', class: 'button button-secondary button-small', onclick: () => onChange(item) }, 'Change'),
      showSecret,
      h('button', { type: 'button', class: 'button button-danger button-small', 'data-testid': 'webhook-remove', onclick: (event) => onRemove(item, event.currentTarget) }, 'Remove')),
    secretRow);
}

function lastDelivery(delivery) {
  const said = lastDeliveryText(delivery);
  if (!said) return h('p', { class: 'muted small webhook-last', 'data-testid': 'webhook-last' }, 'No alert sent yet.');
  return h('p', { class: `small webhook-last is-${said.kind}`, 'data-testid': 'webhook-last' }, said.text);
}

async function copySecret(input, button) {
  input.select();
  try { await navigator.clipboard.writeText(input.value); button.textContent = 'Copied'; } catch { button.textContent = 'Press Ctrl+C'; }
}
