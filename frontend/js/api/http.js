// Thin fetch wrapper for /api: CSRF header, JSON in and out, errors as ApiError / NetworkError.

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `The server answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.code = (body && body.error) || 'http_error';
    this.fields = (body && body.fields) || null;
  }

  /** The server's words about one field (e.g. 'url'), or null when it named none for it. */
  problemWith(field) {
    const problem = this.fields && this.fields[field];
    return problem === undefined || problem === null ? null : formatProblem(problem);
  }

  /** A message that lists the bad fields, if the server named any. */
  describe() {
    if (!this.fields) return this.message;
    const details = Object.entries(this.fields).map(([field, problem]) => `${field}: ${formatProblem(problem)}`);
    return `${this.message} (${details.join('; ')})`;
  }
}

function formatProblem(problem) {
  if (Array.isArray(problem)) return problem.map(formatProblem).join(', ');
  if (problem && typeof problem === 'object') return JSON.stringify(problem);
  return String(problem);
}

export class NetworkError extends Error {
  constructor(cause) {
    super('The server cannot be reached.');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

export class HttpClient {
  /** @param {{ csrfToken: string, fetchImpl?: typeof fetch, baseUrl?: string }} options */
  constructor({ csrfToken, fetchImpl = globalThis.fetch.bind(globalThis), baseUrl = '' }) {
    this.csrfToken = csrfToken;
    this.fetchImpl = fetchImpl;
    this.baseUrl = baseUrl;
  }

  /** keepalive: the request outlives the page (sent as the tab closes; body ≤ 64 KB). */
  async request(method, path, { json, signal, keepalive = false } = {}) {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = this.csrfToken;
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method, headers, body: json === undefined ? undefined : JSON.stringify(json),
        credentials: 'same-origin', signal, ...(keepalive ? { keepalive: true } : {}),
      });
    } catch (error) {
      if (error && error.name === 'AbortError') throw error;
      throw new NetworkError(error);
    }
    if (response.status === 204) return { status: 204, body: null };
    const type = response.headers.get('Content-Type') || '';
    const body = type.includes('json') ? await response.json().catch(() => null) : null;
    if (!response.ok) {
      // A proxy answering 502/503/504 means the app itself is away: treat it like offline.
      if ([502, 503, 504].includes(response.status)) throw new NetworkError(new ApiError(response.status, body));
      throw new ApiError(response.status, body);
    }
    return { status: response.status, body };
  }

  get(path, options) { return this.request('GET', path, options).then((r) => r.body); }
  post(path, json) { return this.request('POST', path, { json }); }
  put(path, json) { return this.request('PUT', path, { json }).then((r) => r.body); }
  patch(path, json) { return this.request('PATCH', path, { json }).then((r) => r.body); }
  delete(path) { return this.request('DELETE', path).then((r) => r.body); }
}
