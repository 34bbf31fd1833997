// Composition root of the dashboard page: pick a run, see its stats and charts, download CSV;
// a running session (from this or another browser) updates live over server-sent events.
import { statsTimeZone } from '../config/page_config.js';
import { openPage } from '../ui/page.js';
import { RunView } from './run_view.js';
import { RunPickerView } from './run_picker_view.js';
import { LiveStream } from './live_stream.js';
import { DashboardController, requestedRun } from './dashboard_controller.js';
import { DashboardDemographics } from '../demographics/dashboard_demographics.js';

async function main() {
  const { config, status, api } = openPage();
  const me = await api.me().catch(() => null);
  const picker = new RunPickerView({ bucket: config.statsBucket });
  let controller = null;
  const live = new LiveStream({
    onCounts: (payload) => controller.intents.onCounts(payload),
    onRun: (payload) => controller.intents.onRun(payload),
    onState: (value) => picker.showLiveState(value),
  });
  controller = new DashboardController({
    api, timeZone: statsTimeZone(me), status, runView: new RunView(), picker, live, reload: () => location.reload(),
    demographics: new DashboardDemographics({ http: api.http }),
  });
  picker.bind(controller.intents);
  try {
    await controller.start(requestedRun(location.search));
  } catch (error) {
    status.error(error);
  } finally {
    document.body.dataset.dashboardReady = 'yes';
  }
}

main();
