// The API's resources as small functions over an HttpClient (videos, zones, runs, stats, alerts).
import { ApiError, NetworkError } from './http.js';

export class ApiResources {
  constructor(http) {
    this.http = http;
  }

  me() { return this.http.get('/api/me'); }

  // ----- videos -----
  listVideos({ page = 1, perPage = 50 } = {}) { return this.http.get(`/api/videos?page=${page}&per_page=${perPage}`); }
  /** Every video, page by page (the API's pages hold at most 100): { items, total }. */
  async listAllVideos() {
    const items = [];
    for (let page = 1; ; page += 1) {
      const answer = await this.listVideos({ page, perPage: 100 });
      items.push(...answer.items);
      if (!answer.items.length || items.length >= answer.total) return { items, total: answer.total };
    }
  }
  getVideo(id) { return this.http.get(`/api/videos/${encodeURIComponent(id)}`); }
  deleteVideo(id) { return this.http.delete(`/api/videos/${encodeURIComponent(id)}`); }
  videoContentUrl(video) { return video.content_url || `/api/videos/${encodeURIComponent(video.id)}/content`; }

  /** Upload with progress (fetch has no upload progress; XMLHttpRequest does). */
  uploadVideo(file, { onProgress = () => {}, signal } = {}) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open('POST', '/api/videos');
      request.setRequestHeader('X-CSRF-Token', this.http.csrfToken);
      request.setRequestHeader('Accept', 'application/json');
      request.responseType = 'json';
      request.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total, event.loaded, event.total); };
      request.onload = () => {
        if (request.status >= 200 && request.status < 300) resolve(request.response);
        else reject(new ApiError(request.status, request.response));
      };
      request.onerror = () => reject(new NetworkError(new Error('upload failed')));
      request.onabort = () => reject(new DOMException('Upload cancelled.', 'AbortError'));
      if (signal) signal.addEventListener('abort', () => request.abort(), { once: true });
      const form = new FormData();
      form.append('file', file, file.name);
      request.send(form);
    });
  }

  // ----- zones -----
  /** Zones of a video, of a camera, or (neither given) all of the user's. */
  listZones({ videoId = null, cameraKey = null } = {}) {
    const query = videoId !== null ? `video_id=${encodeURIComponent(videoId)}` : cameraKey !== null ? `camera_key=${encodeURIComponent(cameraKey)}` : '';
    return this.http.get(`/api/zones?${query}`).then((body) => body.items);
  }
  createZone(zone) { return this.http.post('/api/zones', zone).then((r) => r.body); }
  updateZone(id, zone) { return this.http.put(`/api/zones/${id}`, zone); }
  deleteZone(id) { return this.http.delete(`/api/zones/${id}`); }

  // ----- webhooks (one per zone) -----
  /** { items: zones with a webhook, zones: every zone that can have one }. */
  listWebhooks() { return this.http.get('/api/webhooks'); }
  setWebhook(zoneId, url) { return this.http.put(`/api/zones/${encodeURIComponent(zoneId)}/webhook`, { url }); }
  removeWebhook(zoneId) { return this.http.delete(`/api/zones/${encodeURIComponent(zoneId)}/webhook`); }
  /** { delivered, status, message, sent_at }: one signed test POST, sent now. */
  testWebhook(zoneId) { return this.http.post(`/api/zones/${encodeURIComponent(zoneId)}/webhook/test`).then((r) => r.body); }

  // ----- runs, ingest, stats -----
  createRun(run) { return this.http.post('/api/runs', run).then((r) => r.body); }
  endRun(id, { keepalive = false } = {}) { return this.http.request('PATCH', `/api/runs/${id}`, { json: { ended: true }, keepalive }).then((r) => r.body); }
  listRuns({ page = 1, perPage = 50 } = {}) { return this.http.get(`/api/runs?page=${page}&per_page=${perPage}`); }
  getRun(id) { return this.http.get(`/api/runs/${id}`); }
  sendBatch(runId, batch, { keepalive = false } = {}) { return this.http.request('POST', `/api/runs/${runId}/batches`, { json: batch, keepalive }).then((r) => r.body); }
  stats(runId, { bucket, tz }) { return this.http.get(`/api/runs/${runId}/stats?bucket=${bucket}&tz=${encodeURIComponent(tz)}`); }
  alerts({ runId, page = 1, perPage = 20 } = {}) { return this.http.get(`/api/alerts?${runId ? `run_id=${runId}&` : ''}page=${page}&per_page=${perPage}`); }
  csvUrl(runId, { bucket, tz, kind }) {
    const params = new URLSearchParams({ bucket });
    if (tz) params.set('tz', tz);
    if (kind) params.set('kind', kind);
    return `/api/runs/${runId}/export.csv?${params}`;
  }
  chartUrl(runId, name, { tz } = {}) { return `/api/runs/${runId}/charts/${name}.png${tz ? `?tz=${encodeURIComponent(tz)}` : ''}`; }
  liveUrl(runId = null) { return runId ? `/api/runs/${runId}/live` : '/api/live'; }
}

/** The queue's sender: creates runs idempotently (client_run_id) and posts batches. */
export class RunSender {
  constructor(resources) {
    this.resources = resources;
    this.runIds = new Map();
  }

  async ensureRun(clientRunId, run) {
    if (this.runIds.has(clientRunId)) return this.runIds.get(clientRunId);
    const created = await this.resources.createRun({ ...run, client_run_id: clientRunId });
    this.runIds.set(clientRunId, created.id);
    return created.id;
  }

  sendBatch(runId, batch) {
    return this.resources.sendBatch(runId, batch);
  }
}
