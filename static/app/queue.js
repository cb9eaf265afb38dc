// The phone's queue of underlag not yet at the firm (issue 10), in IndexedDB, shared by the
// start page and the service worker. Each file gets an id here; the server stores a given id
// once, so sending again after a lost answer never makes a second document.
//
// An item: { id, userKey, clientId, comment, name, type, blob, sendUrl, csrfToken,
//            status: "waiting" | "sending" | "sent" | "refused", message, addedAt }
import { shrinkPhoto } from "./photos.js";

const DB_NAME = "byraportalen-app";
const DB_VERSION = 1;
const ITEMS = "queue";
const SESSION = "session";

// Only adding files and saving the session create the database; anything else finding it
// gone (logged out meanwhile) fails instead of making it again.
function open(create) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = (event) => {
      if (!create && event.oldVersion === 0) {
        request.transaction.abort();
        return;
      }
      const db = request.result;
      if (!db.objectStoreNames.contains(ITEMS)) db.createObjectStore(ITEMS, { keyPath: "id" });
      if (!db.objectStoreNames.contains(SESSION)) db.createObjectStore(SESSION);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore(name, mode, work, create = false) {
  const db = await open(create);
  try {
    return await new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const store = transaction.objectStore(name);
      let result;
      Promise.resolve(work(store)).then((value) => {
        result = value;
      });
      transaction.oncomplete = () => resolve(result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  } finally {
    db.close();
  }
}

function asPromise(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function newUploadId() {
  if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// What the page knew when it last loaded: whose phone queue this is and where files go.
export function saveSession(session) {
  return withStore(SESSION, "readwrite", (store) => store.put(session, "current"), true);
}

// Reading never creates the database: after logging out it stays gone, even when a worker
// wakes up for a sync that was asked for before.
async function exists() {
  if (!indexedDB.databases) return true;
  const databases = await indexedDB.databases();
  return databases.some((database) => database.name === DB_NAME);
}

export async function loadSession() {
  if (!(await exists())) return undefined;
  return withStore(SESSION, "readonly", (store) => asPromise(store.get("current")));
}

export async function allItems() {
  if (!(await exists())) return [];
  const items = await withStore(ITEMS, "readonly", (store) => asPromise(store.getAll()));
  return items.sort((a, b) => a.addedAt - b.addedAt);
}

export async function itemsOf(userKey) {
  return (await allItems()).filter((item) => item.userKey === userKey);
}

export function putItem(item) {
  return withStore(ITEMS, "readwrite", (store) => store.put(item), true);
}

export function removeItem(id) {
  return withStore(ITEMS, "readwrite", (store) => store.delete(id));
}

async function change(id, changes) {
  return withStore(ITEMS, "readwrite", async (store) => {
    const item = await asPromise(store.get(id));
    if (item) store.put({ ...item, ...changes });
  }).catch(() => undefined);
}

// Files become queue items of the session's user: photos shrunk first, PDFs as they are.
export async function enqueueFiles(files, session, comment = "") {
  const items = [];
  for (const file of files) {
    const ready = await shrinkPhoto(file);
    const item = {
      id: newUploadId(),
      userKey: session.userKey,
      clientId: session.clientId,
      comment,
      name: ready.name,
      type: ready.type,
      blob: ready,
      sendUrl: session.sendUrl,
      csrfToken: session.csrfToken,
      status: "waiting",
      message: "",
      addedAt: Date.now() + items.length,
    };
    await putItem(item);
    items.push(item);
  }
  return items;
}

// Before sending: a page that loads has the current CSRF token, an item left "sending" by
// a closed page goes back to waiting, and what was sent earlier leaves the list.
export async function tidyFor(session) {
  for (const item of await itemsOf(session.userKey)) {
    if (item.status === "sent") await removeItem(item.id);
    else
      await change(item.id, {
        csrfToken: session.csrfToken,
        sendUrl: session.sendUrl,
        status: item.status === "sending" ? "waiting" : item.status,
      });
  }
}

async function sendOne(item) {
  const body = new FormData();
  body.append("upload_id", item.id);
  body.append("user_key", item.userKey);
  body.append("client", item.clientId);
  body.append("comment", item.comment || "");
  body.append("file", item.blob, item.name);
  let response;
  try {
    response = await fetch(item.sendUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": item.csrfToken, Accept: "application/json" },
    });
  } catch (error) {
    return { status: "waiting", offline: true };
  }
  if (response.status === 200 || response.status === 201) return { status: "sent" };
  if (response.status === 400) {
    const answer = await response.json().catch(() => ({ errors: [] }));
    return { status: "refused", message: (answer.errors || []).join(" ") };
  }
  // Signed out, another user signed in, an old CSRF token, a server error: keep it for later.
  return { status: "waiting" };
}

let running = null;

// Sends every waiting item (of ``userKey`` when given), one at a time, until the network
// fails. Returns once done; ``onChange`` hears of each status change.
export function sendWaiting({ userKey = null, onChange = () => {} } = {}) {
  if (running) return running.then(() => sendWaiting({ userKey, onChange }));
  running = (async () => {
    const items = (await allItems()).filter(
      (item) => item.status === "waiting" && (userKey === null || item.userKey === userKey),
    );
    for (const item of items) {
      await change(item.id, { status: "sending" });
      onChange();
      const outcome = await sendOne(item);
      await change(item.id, { status: outcome.status, message: outcome.message || "" });
      onChange();
      if (outcome.offline) break;
    }
  })().finally(() => {
    running = null;
  });
  return running;
}

// Everything of this app in this browser: the queue and the session (logging out).
// A connection still open elsewhere (the worker mid-send) delays the deletion until it
// closes; logging out waits for it, but not for ever.
export function forgetEverything() {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = request.onerror = () => resolve();
    request.onblocked = () => setTimeout(resolve, 3000);
  });
}
