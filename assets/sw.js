// Funnelcast's service worker: after one visit the page opens and runs with
// the network off (the engine runs in the page, so the app shell is all it
// needs). It caches only this folder's own files — the page never asks any
// other host for anything.
//
// scripts/postbuild.mjs fills in VERSION and ASSETS at build time (the list of
// files in dist/ and a hash of their contents), so every build that changes a
// byte of the app is a new worker. A new worker waits: the page offers "a new
// version is available" and asks it to take over only when the user says so,
// never under a user's feet.
const VERSION = "dev";
const ASSETS = [];
const CACHE = `funnelcast-${VERSION}`;
// Paths are relative to this file, so dist/ works from any sub-path.
const url = (path) => new URL(path, self.registration.scope).href;

self.addEventListener("install", (event) => {
  // `reload`: fetch past the HTTP cache, so a cache never mixes two builds.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(ASSETS.map((a) => new Request(url(a), { cache: "reload" })))),
  );
});

// The pages that said hello to this worker since it started: they run this
// build. An older build's cache stays while any other page is open (a tab
// still on the old build asks for its own parts, by their old names, after
// another tab took the update), and goes once every open page is on this
// build. Forgotten when the browser stops the worker: old caches then wait
// for the next hellos, never go early.
const current = new Set();

const dropOldCaches = () =>
  caches
    .keys()
    .then((keys) =>
      Promise.all(keys.filter((k) => k.startsWith("funnelcast-") && k !== CACHE).map((k) => caches.delete(k))),
    );

const dropOldCachesIfUnused = () =>
  self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((open) => {
    if (open.every((c) => current.has(c.id))) return dropOldCaches();
  });

self.addEventListener("activate", (event) => {
  event.waitUntil(dropOldCachesIfUnused());
});

self.addEventListener("message", (event) => {
  if (event.data === "funnelcast:take-over") self.skipWaiting();
  if (event.data === "funnelcast:hello" && event.source) {
    current.add(event.source.id);
    event.waitUntil(dropOldCachesIfUnused());
  }
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const u = new URL(req.url);
  const scope = new URL(self.registration.scope);
  if (u.origin !== scope.origin || !u.pathname.startsWith(scope.pathname)) return;
  const rel = u.pathname.slice(scope.pathname.length);
  // The page itself: the scope's folder or its index.html, whatever the query.
  const key = req.mode === "navigate" && (rel === "" || rel === "index.html") ? url("index.html") : null;
  if (req.mode === "navigate" && !key) return;
  // Cache first: a shell file's name holds its hash (index.html and this
  // worker excepted, and the browser checks this worker on every visit).
  // This build's cache first, then an older build's still kept (a tab on
  // the old build fetching one of its parts), then the network.
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(key || req, { ignoreSearch: true }))
      .then((hit) => hit || (key ? undefined : caches.match(req, { ignoreSearch: true })))
      .then((hit) => hit || fetch(req)),
  );
});
