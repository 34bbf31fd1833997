// IndexedDB store for the batch queue: survives reloads, crashes and a server that is away.
// One object store for every account on this browser; each item carries its user's key so
// two accounts never send each other's counts.
const DB_NAME = 'people-counter';
const DB_VERSION = 1;
const STORE = 'pending-batches';
const BY_USER = 'by-user';

function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export class IndexedDbBatchStore {
  constructor(userKey, indexedDb = globalThis.indexedDB) {
    this.userKey = String(userKey);
    this.indexedDb = indexedDb;
    this.opening = null;
  }

  static isAvailable() {
    return typeof globalThis.indexedDB !== 'undefined';
  }

  open() {
    if (!this.opening) {
      const request = this.indexedDb.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: 'key' });
        store.createIndex(BY_USER, 'userKey');
      };
      this.opening = promisify(request).then((db) => {
        // A newer version of the page elsewhere wants to upgrade: let it, reopen on next use.
        db.onversionchange = () => { db.close(); this.opening = null; };
        return db;
      }, (error) => {
        this.opening = null;
        throw error;
      });
    }
    return this.opening;
  }

  async transaction(mode, work) {
    const db = await this.open();
    const transaction = db.transaction(STORE, mode);
    const completed = new Promise((resolve, reject) => {
      transaction.oncomplete = resolve;
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
    const result = await work(transaction.objectStore(STORE));
    await completed;
    return result;
  }

  put(item) { return this.transaction('readwrite', (store) => promisify(store.put({ ...item, userKey: this.userKey }))); }
  delete(key) { return this.transaction('readwrite', (store) => promisify(store.delete(key))); }
  count() { return this.transaction('readonly', (store) => promisify(store.index(BY_USER).count(this.userKey))); }
  async list() {
    const items = await this.transaction('readonly', (store) => promisify(store.index(BY_USER).getAll(this.userKey)));
    return items.sort((a, b) => a.createdAt - b.createdAt || a.order - b.order);
  }
}
