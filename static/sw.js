/* OnDeck service worker. The app serves this file at /sw.js (scope /, header Service-Worker-Allowed: /).
   It caches only the offline page and static files. Pages go to the network first and fall back to
   /offline; /static/ is answered from the cache (refreshed in the background); /api/, /events and
   every non-GET request (status changes) are never intercepted: they reach the server untouched.
   Web Push: a push shows its notification (title, body, tag; the payload's url is opened on a
   tap, focusing an open OnDeck window when there is one). */
"use strict";

const CACHE = "ondeck-v6"; // bump when the precache list or a cached file must change at once
const OFFLINE_URL = "/offline";
const PRECACHE = [
  OFFLINE_URL,
  "/static/css/app.css",
  "/static/js/app.js",
  "/static/js/push.js",
  "/static/vendor/htmx-2.0.11.min.js",
  "/static/manifest.webmanifest",
  "/static/icons/icon.svg",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/static/icons/icon-maskable-512.png",
  "/static/icons/apple-touch-icon.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function passesThrough(request, url) {
  return (
    request.method !== "GET" ||
    url.origin !== self.location.origin ||
    url.pathname.startsWith("/api/") ||
    url.pathname === "/events" ||
    url.pathname.startsWith("/events/") ||
    request.headers.get("Accept") === "text/event-stream"
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (passesThrough(request, url)) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(event, request));
  }
  // anything else (htmx fragments, feeds, JSON): not intercepted
});

// Pages are never stored (they carry personal data); offline, the cached /offline page answers.
async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

// Static files: the cached copy answers at once; a fresh copy replaces it for the next load.
async function cacheFirst(event, request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  const fresh = fetch(request).then((response) => {
    if (response.ok && response.type === "basic") cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => undefined));
    return cached;
  }
  return fresh;
}

// Web Push (app/push_sender.py sends {title, body, url, tag}): show it; a newer one with the same
// tag (the same assignment) replaces it.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const options = {
    body: data.body || "",
    tag: data.tag || "ondeck",
    renotify: Boolean(data.tag),
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/icon-192.png",
    data: { url: data.url || "/" },
  };
  event.waitUntil(self.registration.showNotification(data.title || "OnDeck", options));
});

// A tap: focus an OnDeck window on the Phone tab (or open one).
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (new URL(client.url).origin === target.origin && "focus" in client) {
          if (client.url !== target.href && "navigate" in client) client.navigate(target.href);
          return client.focus();
        }
      }
      return self.clients.openWindow(target.href);
    }),
  );
});
