{% load static %}// The door page's service worker: it keeps the page and its files on the
// phone, so that the page opens again while the venue's connection is gone.
// The people and the check-ins waiting to be sent live in IndexedDB (door.js);
// nothing of theirs passes through here.
"use strict";

const PAGE = new URL("./", self.location).pathname;
const FILES = [
  "{% static 'vendor/bootstrap/bootstrap.min.css' %}",
  "{% static 'css/site.css' %}",
  "{% static 'css/door.css' %}",
  "{% static 'js/door.js' %}",
  "{% static 'vendor/jsqr/jsQR.js' %}",
].map((file) => new URL(file, self.location).pathname);
// A new release names its files anew (their names carry their contents'
// hash), which changes this script, and the browser installs it.
const CACHE = "door:" + PAGE + ":" + FILES.join("|");

async function keepPage(cache) {
  // Only the page itself, as a logged-in door keeper sees it: never a login page or a redirect.
  const response = await fetch(PAGE, { credentials: "same-origin", redirect: "manual" });
  if (response.ok && response.type === "basic") await cache.put(PAGE, response);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      await cache.addAll(FILES);
      await keepPage(cache);
      await self.skipWaiting();
    }),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((names) =>
      Promise.all(
        names.filter((name) => name.startsWith("door:" + PAGE + ":") && name !== CACHE).map((name) => caches.delete(name)),
      ),
    ).then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || event.request.method !== "GET") return;
  if (event.request.mode === "navigate" && url.pathname === PAGE) {
    // The network first, for the newest page; the kept one when there is none.
    event.respondWith(
      fetch(event.request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
          }
          return response;
        })
        .catch(() => caches.open(CACHE).then((cache) => cache.match(PAGE)).then((kept) => kept || Response.error())),
    );
  } else if (FILES.includes(url.pathname)) {
    // The kept file at once, and a fresh one kept for next time.
    event.respondWith(
      caches.open(CACHE).then(async (cache) => {
        const kept = await cache.match(url.pathname);
        const fresh = fetch(event.request).then((response) => {
          if (response.ok) cache.put(url.pathname, response.clone());
          return response;
        });
        if (kept) {
          event.waitUntil(fresh.catch(() => undefined));
          return kept;
        }
        return fresh;
      }),
    );
  }
});
