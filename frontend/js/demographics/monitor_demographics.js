// Everything demographic on the monitor page behind four calls the controller makes (so the
// controller, the session and the FramePipeline stay as they are when the switch is off):
// sourceOpened(key), startRun({ zones, epochAtZeroMs }) -> tally|null, frame(output, picture),
// endRun(). The face worker is created on the first run with the switch on, never before.
import { DemographicsSwitch } from './demographics_switch.js';
import { DemographicsPanel } from './demographics_panel.js';
import { DemographicsRunner } from './demographics_runner.js';
import { DemographicTally } from './demographic_tally.js';
import { FaceClient } from './face_client.js';

export class MonitorDemographics {
  constructor({ status, createClient = () => new FaceClient() }) {
    this.status = status;
    this.createClient = createClient;
    this.switch = new DemographicsSwitch();
    this.panel = new DemographicsPanel();
    this.client = null;
    this.runner = null;
    this.tally = null;
  }

  sourceOpened(sourceKey) {
    this.switch.showFor(sourceKey);
  }

  /** A run starts: with the switch on, the tally the session reports (else null). */
  startRun({ zones, epochAtZeroMs }) {
    this.switch.setLocked(true);
    if (!this.switch.on) {
      this.runner = null;
      this.tally = null;
      this.panel.start(false);
      return null;
    }
    this.client ??= this.createClient();
    this.client.ready().catch((error) => this.status.show(`Age and gender estimates are off for this run: the face model could not be loaded (${error.message}).`, 'warning'));
    this.runner = new DemographicsRunner({
      client: { estimate: (bitmap) => this.client.estimate(bitmap), close: () => {} },
      onError: (error) => this.status.show(`Some age and gender estimates failed: ${error.message}`, 'warning'),
    });
    const runner = this.runner;
    this.tally = new DemographicTally({ estimateOf: (trackId) => runner.estimateOf(trackId),
      awaitingOf: (trackId) => runner.awaitingOf(trackId), epochAtZeroMs });
    this.panel.start(true, zones, this.tally, this.runner);
    return this.tally;
  }

  /** A counted frame and the full-resolution picture it came from. */
  frame(output, picture) {
    if (!this.runner) return;
    this.runner.observe(output, picture);
    this.panel.update(output.timestamp);
  }

  endRun() {
    this.switch.setLocked(false);
    this.runner?.close();
    this.panel.render();
    this.runner = null;
  }
}
