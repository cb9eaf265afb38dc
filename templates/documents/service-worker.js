{% load static %}// Byråportalen's service worker, controlling /underlag/ (issue 10). Rendered by Django so
// that it names the app shell by its static URLs: a deploy changes them, and so this file.
//
// What it keeps: the app shell (style, scripts, icons) and the offline page, none of which
// holds anything of a user. Pages and files always come from the network, so it never
// shows one user's pages or underlag to another. Files shared to the app from the phone's
// share sheet go into the same queue as files chosen in the app.
import { sendWaiting, enqueueFiles, loadSession } from "{% static 'app/queue.js' %}";

const SHELL = {{ shell_urls|safe }};
const CACHE = "byraportalen-shell-{{ version }}";
const OFFLINE_URL = "{{ offline_url|escapejs }}";
const START_URL = "{{ scope|escapejs }}";
const SHARE_URL = "{{ share_url|escapejs }}";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => name.startsWith("byraportalen-") && name !== CACHE).map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function offlineFallback(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

async function shellFile(request) {
  const cached = await caches.match(request);
  return cached || fetch(request);
}

async function receiveShare(request) {
  const copy = request.clone();
  const session = await loadSession();
  if (!session) {
    // Not signed in on this phone: the server answers (it will ask to sign in first).
    return fetch(copy);
  }
  const form = await request.formData();
  const files = form.getAll("files").filter((value) => value instanceof File && value.size > 0);
  await enqueueFiles(files, session);
  return Response.redirect(`${START_URL}?delat=${files.length}`, 303);
}

async function tellPages() {
  const pages = await self.clients.matchAll({ type: "window" });
  pages.forEach((page) => page.postMessage({ type: "queue-changed" }));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === SHARE_URL) {
    event.respondWith(receiveShare(request));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(offlineFallback(request));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(shellFile(request));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === "send-underlag") {
    event.waitUntil(sendWaiting({ onChange: tellPages }).then(tellPages));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "forget-everything") {
    event.waitUntil(caches.keys().then((names) => Promise.all(names.map((name) => caches.delete(name)))));
  }
});
