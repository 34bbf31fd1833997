// My videos: upload with progress, list, play, delete.
import { openPage } from '../ui/page.js';
import { byId, formatBytes, h } from '../ui/dom.js';
import { renderVideoList, uploadTooBig } from './video_list_view.js';
import { countOf, isolated } from '../ui/words.js';

function main() {
  const { config, status, api } = openPage();
  const list = byId('video-list');
  let uploadAbort = null;

  async function refresh() {
    try {
      const page = await api.listAllVideos();
      byId('video-count').textContent = countOf(page.total, 'video');
      renderVideoList(list, page.items, { onPlay: play, onDelete: remove, monitorUrl: '/monitor' });
    } catch (error) {
      status.error(error);
      if (!list.querySelector('[data-testid=video-row]')) list.replaceChildren(h('p', { class: 'muted' }, 'Your videos could not be loaded: see the message above, then reload the page.'));
    }
  }

  function play(video) {
    byId('player-title').textContent = video.original_name;
    const player = byId('player');
    player.src = api.videoContentUrl(video);
    byId('player-dialog').showModal();
    player.play().catch(() => {});
  }

  async function remove(video, button) {
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = 'Really delete?';
      setTimeout(() => { button.dataset.confirm = ''; button.textContent = 'Delete'; }, 4000);
      return;
    }
    button.disabled = true;
    try {
      await api.deleteVideo(video.id);
      status.show(`Deleted “${isolated(video.original_name)}”.`, 'success');
      await refresh();
    } catch (error) {
      button.disabled = false;
      status.error(error);
    }
  }

  async function upload(file) {
    const input = byId('upload-file');
    const tooBig = uploadTooBig(file, Number(input.dataset.maxBytes), input.dataset.maxMb);
    if (tooBig) {
      // Said before a byte is sent (the server would refuse it only after the whole upload).
      status.show(tooBig, 'error');
      input.value = '';
      return;
    }
    const progress = byId('upload-progress');
    progress.hidden = false;
    byId('upload-name').textContent = file.name;
    uploadAbort = new AbortController();
    status.show(`Uploading “${isolated(file.name)}”…`);
    try {
      const video = await api.uploadVideo(file, {
        signal: uploadAbort.signal,
        onProgress: (fraction, loaded, total) => {
          byId('upload-bar').value = fraction;
          byId('upload-percent').textContent = `${Math.round(fraction * 100)} %`;
          byId('upload-bytes').textContent = `${formatBytes(loaded)} of ${formatBytes(total)}`;
        },
      });
      status.show(`Uploaded “${isolated(video.original_name)}”.`, 'success');
      await refresh();
    } catch (error) {
      if (error.name === 'AbortError') status.show('Upload cancelled.', 'warning');
      else status.error(error);
    } finally {
      progress.hidden = true;
      byId('upload-bar').value = 0;
      byId('upload-file').value = '';
      uploadAbort = null;
    }
  }

  byId('upload-file').addEventListener('change', (event) => { if (event.target.files[0]) upload(event.target.files[0]); });
  byId('upload-cancel').addEventListener('click', () => uploadAbort && uploadAbort.abort());
  const dropzone = byId('dropzone');
  dropzone.addEventListener('dragover', (event) => { event.preventDefault(); dropzone.classList.add('is-dragging'); });
  dropzone.addEventListener('dragleave', () => dropzone.classList.remove('is-dragging'));
  dropzone.addEventListener('drop', (event) => {
    event.preventDefault();
    dropzone.classList.remove('is-dragging');
    if (event.dataTransfer.files[0]) upload(event.dataTransfer.files[0]);
  });
  byId('player-close').addEventListener('click', () => { byId('player').pause(); byId('player-dialog').close(); });
  refresh();
}

main();
