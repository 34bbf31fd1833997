// Tiny DOM helpers for the views.
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no #${id}.`);
  return element;
}

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'dataset') Object.assign(element.dataset, value);
    // Through the CSSOM: a style attribute would be inline style, which the CSP refuses.
    else if (name === 'style') element.style.cssText = value;
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '–';
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  return minutes ? `${minutes} min ${String(rest).padStart(2, '0')} s` : `${rest} s`;
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '–';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

// One time format everywhere: the user's locale (the browser's), in the browser's time zone.
// The formatters are made once: toLocale*String builds a new one on every call, which costs
// about a millisecond, and the monitor labels every frame.
const formatters = new Map();
function formatter(options) {
  const key = JSON.stringify(options);
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(undefined, options));
  return formatters.get(key);
}

// `timeZone` (an IANA name): the statistics' zone where a time goes with them (the
// dashboard's intervals and alerts), else the browser's.
export function formatDateTime(iso, { timeZone } = {}) {
  if (!iso) return '–';
  return formatter({ dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** A date in the user's locale. */
export function formatDate(iso, { timeZone } = {}) {
  if (!iso) return '–';
  return formatter({ dateStyle: 'medium', timeZone }).format(new Date(iso));
}

/** The profile's time zone, which the server writes into every signed-in page
 * (<meta name="time-zone">); undefined (the browser's zone) when there is none. */
export function profileTimeZone(root = document) {
  return root.querySelector?.('meta[name="time-zone"]')?.content || undefined;
}

/** Times the server wrote (<time datetime=...>), rewritten in the same locale format as the
 * rest, in the zone the server wrote them in (the profile's, <meta name="time-zone">). */
export function localiseTimes(root, timeZone = profileTimeZone(root)) {
  for (const element of root.querySelectorAll('time[datetime]')) {
    const value = element.getAttribute('datetime');
    if (Number.isNaN(Date.parse(value))) continue;
    element.textContent = element.dataset.format === 'date' ? formatDate(value, { timeZone }) : formatDateTime(value, { timeZone });
  }
}

/** A time of day in the user's locale (with seconds when asked: live events, alerts). */
export function formatTime(iso, { seconds = false, timeZone } = {}) {
  if (iso === null || iso === undefined || iso === '') return '–';
  return formatter(seconds ? { timeStyle: 'medium', timeZone } : { hour: 'numeric', minute: '2-digit', timeZone }).format(new Date(iso));
}
