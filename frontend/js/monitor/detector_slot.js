// The monitor's one detector: loaded once when a source opens, kept across runs, swapped when
// the user picks another model size. One model loads at a time: a load under way when another
// size is picked disposes of its detector and the new size loads right after it.
/** What the page says of a detector: its runtime's backend, the model's precision, input size. */
export function detectorLabel(detector) {
  return `${detector.backend}${detector.precision ? ` · ${detector.precision}` : ''} · ${detector.inputSize} px`;
}

export class DetectorSlot {
  /**
   * @param {{ load: (onMessage, inputSize) => Promise<Detector>, preferredSize: () => number|null,
   *   onMessage: (text) => void, onError: (error) => void }} options
   */
  constructor({ load, preferredSize, onMessage, onError, onReady = () => {} }) {
    Object.assign(this, { load, preferredSize, onMessage, onError, onReady });
    this.detector = null;
    this.loading = null;
    this.inFlight = false;
  }

  /** The detector, loading it when needed; rejects when it cannot be loaded. */
  async get() {
    if (this.detector) return this.detector;
    if (!this.loading) {
      this.onMessage('Loading the person detector…');
      this.onReady(false);
      this.inFlight = true;
      const loading = this.load((message) => this.onMessage(message), this.preferredSize()).finally(() => {
        this.inFlight = false;
      }).then((detector) => {
        if (this.loading !== loading) { detector.dispose(); return this.get(); } // another size was picked meanwhile
        this.detector = detector;
        this.onMessage(`Detector ready: ${detectorLabel(detector)}`);
        this.onReady(true);
        return detector;
      }, (error) => {
        if (this.loading !== loading) return this.get();
        this.loading = null;
        this.onMessage('Detector failed to load');
        this.onError(error);
        throw error;
      });
      this.loading = loading;
    }
    return this.loading;
  }

  /** Another model size: drop the current detector; loadNow: start loading the new one. */
  switchModel({ loadNow }) {
    if (this.detector) this.detector.dispose();
    this.detector = null;
    this.loading = null;
    this.onReady(false);
    if (this.inFlight) this.onMessage('Switching the model…');
    else if (loadNow) this.get().catch(() => {});
    else this.onMessage('The detector loads when you open a source.');
  }
}

/** ' · 420 ms a frame (3 runs: crops)' : the detector's cost per frame and how many model runs it took. */
export function detectorCost(detector, regionPlan) {
  const total = detector.timings?.total;
  if (!Number.isFinite(total)) return '';
  const runs = regionPlan?.runs ?? 1;
  return ` · ${Math.round(total)} ms a frame${runs > 1 ? ` (${runs} runs: full-resolution crops)` : ''}`;
}
