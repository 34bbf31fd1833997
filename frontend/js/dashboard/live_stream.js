// Server-sent events of a running session's counts (/api/runs/<id>/live or /api/live).
export class LiveStream {
  constructor({ onCounts, onRun = () => {}, onState = () => {} }) {
    this.onCounts = onCounts;
    this.onRun = onRun;
    this.onState = onState;
    this.source = null;
  }

  follow(url) {
    this.close();
    const source = new EventSource(url, { withCredentials: true });
    source.addEventListener('open', () => this.onState('live'));
    source.addEventListener('error', () => this.onState(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting'));
    source.addEventListener('counts', (event) => this.onCounts(JSON.parse(event.data)));
    source.addEventListener('run', (event) => this.onRun(JSON.parse(event.data)));
    this.source = source;
  }

  close() {
    if (this.source) this.source.close();
    this.source = null;
    this.onState('off');
  }
}
