// Webhooks: list the zones' webhooks, add or change one, send a test, remove one. The
// server checks every address (public http(s) only); its answer is shown at the field.
import { openPage } from '../ui/page.js';
import { byId, h } from '../ui/dom.js';
import { countOf, isolated } from '../ui/words.js';
import { renderWebhookList, renderZonePicker } from './webhook_list_view.js';

const CONFIRM_MS = 4000;

function main() {
  const { status, api } = openPage();
  const form = byId('webhook-form');
  const zoneSelect = byId('webhook-zone');
  const urlInput = byId('webhook-url');
  let listed = { items: [], zones: [] };

  function showFieldError(name, message) {
    const input = name === 'url' ? urlInput : zoneSelect;
    const box = byId(`webhook-${name}-error`);
    box.textContent = message || '';
    box.hidden = !message;
    byId(`webhook-${name}-field`).classList.toggle('has-error', Boolean(message));
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    const described = [message ? box.id : null, name === 'url' ? 'webhook-url-hint' : null].filter(Boolean).join(' ');
    if (described) input.setAttribute('aria-describedby', described);
    else input.removeAttribute('aria-describedby');
  }

  function clearFieldErrors() {
    showFieldError('zone', null);
    showFieldError('url', null);
  }

  function chosenZone() {
    return listed.zones.find((zone) => String(zone.zone_id) === zoneSelect.value) || null;
  }

  function fitButton() {
    const zone = chosenZone();
    byId('webhook-save').textContent = zone && zone.url ? 'Replace webhook' : 'Save webhook';
  }

  async function refresh(selectedId = zoneSelect.value) {
    try {
      listed = await api.listWebhooks();
    } catch (error) {
      status.error(error);
      if (!listed.items.length) byId('webhook-list').replaceChildren(h('p', { class: 'muted' }, 'Your webhooks could not be loaded: see the message above, then reload the page.'));
      return;
    }
    renderZonePicker(zoneSelect, listed.zones, selectedId);
    byId('webhook-save').disabled = !listed.zones.length;
    urlInput.disabled = !listed.zones.length;
    byId('webhook-count').textContent = countOf(listed.items.length, 'webhook');
    renderWebhookList(byId('webhook-list'), listed, { onTest: test, onChange: change, onRemove: remove, monitorUrl: '/monitor' });
    fitButton();
  }

  async function save(event) {
    event.preventDefault();
    clearFieldErrors();
    const zone = chosenZone();
    const url = urlInput.value.trim();
    if (!zone) showFieldError('zone', 'Choose the zone whose alerts should be sent.');
    if (!url) showFieldError('url', 'Give the address that should receive the alerts, e.g. https://hooks.example.com/people-counter.');
    if (!zone || !url) {
      (zone ? urlInput : zoneSelect).focus();
      status.show('Nothing saved: see the marked field.', 'warning');
      return;
    }
    const button = byId('webhook-save');
    button.disabled = true;
    try {
      await api.setWebhook(zone.zone_id, url);
      urlInput.value = '';
      status.show(`Saved the webhook of “${isolated(zone.zone_name)}”. Send a test to check that the receiver gets it.`, 'success');
      await refresh('');
    } catch (error) {
      const problem = error.problemWith ? error.problemWith('url') : null;
      if (problem) {
        showFieldError('url', problem);
        urlInput.focus();
        status.show('Nothing saved: the address is not accepted (see the field).', 'error');
      } else {
        status.error(error);
        if (error.status === 404) await refresh('');
      }
    } finally {
      button.disabled = !listed.zones.length;
    }
  }

  async function test(item, button) {
    button.disabled = true;
    button.textContent = 'Sending…';
    status.show(`Sending a test to the webhook of “${isolated(item.zone_name)}”…`, 'info', { sticky: true });
    try {
      const result = await api.testWebhook(item.zone_id);
      status.show(`“${isolated(item.zone_name)}”: ${result.message}`, result.delivered ? 'success' : 'error');
    } catch (error) {
      status.error(error);
      if (error.status === 404 || error.status === 409) await refresh();
    } finally {
      button.disabled = false;
      button.textContent = 'Send a test';
    }
  }

  function change(item) {
    clearFieldErrors();
    renderZonePicker(zoneSelect, listed.zones, item.zone_id);
    urlInput.value = item.url;
    fitButton();
    urlInput.focus();
    urlInput.select();
    form.scrollIntoView({ block: 'nearest' });
  }

  async function remove(item, button) {
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = 'Really remove?';
      setTimeout(() => { button.dataset.confirm = ''; button.textContent = 'Remove'; }, CONFIRM_MS);
      return;
    }
    button.disabled = true;
    try {
      await api.removeWebhook(item.zone_id);
      status.show(`Removed the webhook of “${isolated(item.zone_name)}”; its alerts are no longer sent.`, 'success');
    } catch (error) {
      status.error(error);
    }
    await refresh();
  }

  form.addEventListener('submit', save);
  zoneSelect.addEventListener('change', () => { showFieldError('zone', null); fitButton(); });
  urlInput.addEventListener('input', () => showFieldError('url', null));
  refresh('');
}

main();
