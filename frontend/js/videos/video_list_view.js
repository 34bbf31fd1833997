// The library table: one row per uploaded video with play, count and delete actions.
import { h, formatBytes, formatDuration, formatDateTime, profileTimeZone } from '../ui/dom.js';
import { isolated } from '../ui/words.js';

// Upload times in the profile's time zone, like every other time on the signed-in pages.
export function renderVideoList(container, videos, { onPlay, onDelete, monitorUrl, timeZone = profileTimeZone() }) {
  container.replaceChildren();
  if (!videos.length) {
    container.append(h('div', { class: 'empty-state' },
      h('strong', {}, 'No videos yet.'),
      h('span', { class: 'muted' }, 'Upload a recording above to count it on the monitor whenever you like.')));
    return;
  }
  const rows = videos.map((video) => h('tr', { dataset: { videoId: video.id }, 'data-testid': 'video-row' },
    h('td', {}, h('strong', { class: 'video-name' }, video.original_name)),
    h('td', { class: 'mono small', 'data-label': 'Resolution' }, video.width && video.height ? `${video.width}×${video.height}` : '–'),
    h('td', { class: 'mono small', 'data-label': 'Length' }, formatDuration(video.duration_s)),
    h('td', { class: 'mono small', 'data-label': 'Rate' }, video.fps ? `${Math.round(video.fps * 10) / 10} fps` : '–'),
    h('td', { class: 'mono small', 'data-label': 'File' }, formatBytes(video.size_bytes)),
    h('td', { class: 'small muted', 'data-label': 'Uploaded' }, formatDateTime(video.created_at, { timeZone })),
    h('td', { class: 'actions-cell' },
      h('button', { type: 'button', class: 'button button-secondary button-small', onclick: () => onPlay(video) }, 'Play'),
      h('a', { class: 'button button-secondary button-small', href: `${monitorUrl}?video=${video.id}` }, 'Count'),
      h('button', { type: 'button', class: 'button button-danger button-small', 'data-testid': 'delete-video', onclick: (event) => onDelete(video, event.currentTarget) }, 'Delete'))));
  container.append(h('table', { class: 'table video-table' },
    h('thead', {}, h('tr', {}, ["Name", "Resolution", "Length", "Rate", "File", "Uploaded", ""].map((label) => h('th', {}, label)))),
    h('tbody', {}, rows)));
}

/** Why a file cannot be uploaded under the server's limit (maxBytes; maxMb as the page says
 * it), or null when it can. */
export function uploadTooBig(file, maxBytes, maxMb) {
  if (!(maxBytes > 0) || file.size <= maxBytes) return null;
  return `“${isolated(file.name)}” is ${formatBytes(file.size)}, more than the upload limit of ${maxMb} MB: nothing was uploaded. Files you only count once can be opened on the monitor without uploading.`;
}
