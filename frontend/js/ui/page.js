// What every page starts from: its settings, its one status area, and the API client.
import { readPageConfig } from '../config/page_config.js';
import { HttpClient } from '../api/http.js';
import { ApiResources } from '../api/resources.js';
import { StatusArea } from './status_area.js';
import { byId } from './dom.js';

export function openPage() {
  const config = readPageConfig();
  return { config, status: new StatusArea(byId('status-area')), api: new ApiResources(new HttpClient({ csrfToken: config.csrfToken })) };
}
