// The playground's service worker: after the first visit every page and
// widget works with the network off. `sdp offline` writes sw.js from this
// template at build time, with the build's files and a version that changes
// whenever any file does, so a new deploy installs a fresh cache and the old
// one is deleted once the new worker takes over.
const VERSION = "__VERSION__";
const FILES = __FILES__;
const CACHE = "sdp-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("sdp-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Pages: the network when it answers, so a deploy shows at once; when it
    // does not, the page's cached HTML (each page has its own file, loading
    // its own bundle), or the not-found page.
    // A page's file: its directory's index.html, or itself when it has an extension.
    const page = /\.[a-z0-9]+$/i.test(url.pathname) ? url.pathname : url.pathname.replace(/\/?$/, "/index.html");
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(page, { cacheName: CACHE, ignoreSearch: true })
          .then((hit) => hit || caches.match("/404.html", { cacheName: CACHE })),
      ),
    );
    return;
  }
  // Files: names carry content hashes (or belong to this version), so the cache answers first.
  event.respondWith(
    caches.match(request, { cacheName: CACHE, ignoreSearch: true }).then((hit) => hit || fetch(request)),
  );
});
