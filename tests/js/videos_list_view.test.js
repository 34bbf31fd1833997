import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderVideoList, uploadTooBig } from '../../frontend/js/videos/video_list_view.js';
import { FakeNode, withFakeDom } from './fake_dom.js';

const VIDEO = { id: 3, original_name: 'door.mp4', width: 640, height: 480, duration_s: 60, fps: 25, size_bytes: 1024, created_at: '2026-03-01T23:30:00Z' };

test('the library gives upload times in the profile\'s time zone, as the tokens page and the dashboard do', () => {
  const uploaded = withFakeDom(() => {
    const container = new FakeNode('div');
    renderVideoList(container, [VIDEO], { onPlay() {}, onDelete() {}, monitorUrl: '/monitor' });
    return container.findAll('td', ['data-label', 'Uploaded']).map((cell) => cell.textContent);
  }, { timeZone: 'Asia/Tokyo' });
  const inTokyo = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(VIDEO.created_at));
  assert.deepEqual(uploaded, [inTokyo]);   // 2 March, 8:30 AM; the browser (UTC here) says 1 March, 11:30 PM
});

test('a file over the upload limit is refused before a byte is sent, with the limit in words', () => {
  const MB = 1024 * 1024;
  assert.equal(uploadTooBig({ name: 'door.mp4', size: 2 * MB }, 2 * MB, '2'), null);
  assert.equal(uploadTooBig({ name: 'door.mp4', size: 5 * MB }, Number(''), ''), null);   // no limit known: the server decides
  assert.equal(uploadTooBig({ name: 'door.mp4', size: 3 * MB }, 2 * MB, '2'),
    '“door.mp4” is 3.0 MB, more than the upload limit of 2 MB: nothing was uploaded. Files you only count once can be opened on the monitor without uploading.');
});
