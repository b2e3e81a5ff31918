// @ts-check
// Where the web authenticator keeps its accounts: IndexedDB, one record per enrolment, keyed by
// key id. The record holds the CryptoKey pair itself (IndexedDB stores CryptoKey objects by
// structured clone); the private key is non-extractable, so its bytes never reach JavaScript,
// and they never leave this browser profile.
//
// Record: { keyId, tenantId, userId, tenantName, deviceName, userAuthenticatorId, home?, createdAt,
//           keyPair: { privateKey, publicKey }, pushEndpoint? }
//
// `home` (added with home hints; absent in older records): the hint the service issued at
// enrolment, sent back as X-PushAuth-Home so that the account's calls need no KV read.
//
// `pushEndpoint` (added with notifications; absent in older records, meaning "not subscribed"):
// the push subscription endpoint the service was last told, with a signed PUT, to push this
// account's challenges to. Notifications are on in this browser while some account has one and
// the browser still holds that subscription.

/**
 * One enrolment of this browser (the record above).
 * @typedef {object} Account
 * @property {string} keyId
 * @property {string} tenantId
 * @property {string} userId
 * @property {string} tenantName
 * @property {string} deviceName
 * @property {string} userAuthenticatorId
 * @property {string} [home]
 * @property {number} createdAt
 * @property {{ privateKey: CryptoKey, publicKey: CryptoKey }} keyPair
 * @property {string | null} [pushEndpoint]
 */

const DB_NAME = "pushauth-authenticator";
const DB_VERSION = 1;
const STORE = "accounts";

/** @type {Promise<IDBDatabase> | null} */
let opening = null;

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** @returns {Promise<IDBDatabase>} */
function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      if (!("indexedDB" in globalThis)) {
        reject(new Error("This browser has no IndexedDB: it cannot keep a device key."));
        return;
      }
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "keyId" });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrading the database: let it, and reopen next time.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error("The authenticator's storage is busy in another tab."));
    });
    opening.catch(() => {
      opening = null;
    });
  }
  return opening;
}

/**
 * Runs `run` in one transaction on the accounts store; resolves once the transaction committed.
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => Promise<T>} run
 * @returns {Promise<T>}
 */
async function withStore(mode, run) {
  const db = await open();
  const tx = db.transaction(STORE, mode);
  /** @type {Promise<void>} */
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("storage transaction aborted"));
  });
  const result = await run(tx.objectStore(STORE));
  await done;
  return result;
}

/**
 * Every account on this device, oldest enrolment first.
 * @returns {Promise<Account[]>}
 */
export async function listAccounts() {
  /** @type {Account[]} */
  const all = await withStore("readonly", (store) => promised(store.getAll()));
  return all.sort((a, b) => (a.createdAt || 0) - (b.createdAt || 0));
}

/**
 * One account, if this device has it.
 * @param {string} keyId
 * @returns {Promise<Account | undefined>}
 */
export async function getAccount(keyId) {
  return withStore("readonly", (store) => promised(store.get(keyId)));
}

/**
 * Adds or replaces an account record.
 * @param {Account} account
 */
export async function saveAccount(account) {
  await withStore("readwrite", (store) => promised(store.put(account)));
}

/**
 * Merges `changes` into an account's record in one transaction; → the new record, or null.
 * @param {string} keyId
 * @param {Partial<Account>} changes
 * @returns {Promise<Account | null>}
 */
export async function updateAccount(keyId, changes) {
  return withStore("readwrite", (store) => {
    /** @type {Promise<Account | null>} */
    const updating = new Promise((resolve, reject) => {
      const get = store.get(keyId);
      get.onerror = () => reject(get.error);
      get.onsuccess = () => {
        if (!get.result) return resolve(null);
        const updated = { ...get.result, ...changes };
        const put = store.put(updated);
        put.onerror = () => reject(put.error);
        put.onsuccess = () => resolve(updated);
      };
    });
    return updating;
  });
}

/**
 * Forgets an account and its key pair.
 * @param {string} keyId
 */
export async function deleteAccount(keyId) {
  await withStore("readwrite", (store) => promised(store.delete(keyId)));
}

/** Asks the browser to keep this origin's storage under storage pressure (best effort). */
export async function askPersistence() {
  try {
    if (navigator.storage?.persist && !(await navigator.storage.persisted())) await navigator.storage.persist();
  } catch {
    // Not supported or refused: the key still works until the browser evicts site data.
  }
}
