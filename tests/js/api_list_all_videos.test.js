import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiResources } from '../../frontend/js/api/resources.js';

/** An HTTP client over `count` videos, answering /api/videos pages as the server does. */
function library(count) {
  const asked = [];
  const videos = Array.from({ length: count }, (_, i) => ({ id: count - i, original_name: `day-${count - i}.mp4` }));
  const http = {
    async get(path) {
      asked.push(path);
      const query = new URLSearchParams(path.split('?')[1]);
      const page = Number(query.get('page'));
      const perPage = Number(query.get('per_page'));
      assert.ok(perPage <= 100, 'the API refuses pages over 100');
      return { items: videos.slice((page - 1) * perPage, page * perPage), page, per_page: perPage, total: count };
    },
  };
  return { api: new ApiResources(http), asked };
}

// With 101 videos the library said "101 videos" above 100 rows, and the monitor's list (and
// "Count" from My videos) could not open the oldest one.
test('every video of a library larger than a page is listed', async () => {
  const { api, asked } = library(230);
  const all = await api.listAllVideos();
  assert.equal(all.total, 230);
  assert.equal(all.items.length, 230);
  assert.deepEqual(all.items.at(-1), { id: 1, original_name: 'day-1.mp4' });
  assert.equal(asked.length, 3);
});

test('a small library takes one request', async () => {
  const { api, asked } = library(4);
  assert.deepEqual((await api.listAllVideos()).items.map((video) => video.id), [4, 3, 2, 1]);
  assert.equal(asked.length, 1);
});
