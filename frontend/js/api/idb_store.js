// IndexedDB store for the batch queue: survives reloads, crashes and a server that is away.
const DB_NAME = 'people-counter';
const STORE = 'pending-batches';

function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export class IndexedDbBatchStore {
  /** One store per user, so two accounts on one laptop never send each other's counts. */
  constructor(userKey, indexedDb = globalThis.indexedDB) {
    this.indexedDb = indexedDb;
    this.storeName = `${STORE}-${userKey}`;
    this.opening = null;
  }

  static isAvailable() {
    return typeof globalThis.indexedDB !== 'undefined';
  }

  open() {
    if (!this.opening) {
      this.opening = (async () => {
        const probe = await promisify(this.indexedDb.open(DB_NAME));
        if (probe.objectStoreNames.contains(this.storeName)) return probe;
        const version = probe.version + 1;
        probe.close();
        const request = this.indexedDb.open(DB_NAME, version);
        request.onupgradeneeded = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains(this.storeName)) db.createObjectStore(this.storeName, { keyPath: 'key' });
        };
        return promisify(request);
      })();
    }
    return this.opening;
  }

  async transaction(mode, work) {
    const db = await this.open();
    const transaction = db.transaction(this.storeName, mode);
    const completed = new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
    const result = await work(transaction.objectStore(this.storeName));
    await completed;
    return result;
  }

  put(item) { return this.transaction('readwrite', (store) => promisify(store.put(item))); }
  delete(key) { return this.transaction('readwrite', (store) => promisify(store.delete(key))); }
  count() { return this.transaction('readonly', (store) => promisify(store.count())); }
  async list() {
    const items = await this.transaction('readonly', (store) => promisify(store.getAll()));
    return items.sort((a, b) => a.createdAt - b.createdAt || a.order - b.order);
  }
}
