// Shopfloor service worker: keeps the app shell (wasm, js, css, icons and the
// last pages seen) so the app opens without a network. API calls and server
// functions always go to the network; the page shows the offline banner and
// toasts when they fail.
const CACHE = 'shopfloor-shell-v2';
const SHELL = ['/pkg/shopfloor.js', '/pkg/shopfloor.wasm', '/pkg/shopfloor.css', '/manifest.webmanifest',
  '/icons/icon-192.png', '/icons/icon-512.png', '/offline.html'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Network first, with the cached copy when the network fails or is too slow
// (factory Wi-Fi that hangs rather than fails); good answers refresh the cache.
function networkFirst(req, fallback, waitMs) {
  const net = fetch(req).then((res) => {
    if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(req, copy)); }
    return res;
  });
  const cached = () => caches.match(req).then((hit) => hit || (fallback ? caches.match(fallback) : undefined));
  const slow = new Promise((resolve) => setTimeout(resolve, waitMs)).then(cached);
  return Promise.race([
    net.catch(() => cached().then((hit) => hit || Response.error())),
    slow.then((hit) => hit || net),
  ]);
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/sfn/')) return;
  if (req.mode === 'navigate') {
    // Pages carry live data: network first, the last copy (or the offline page) without one.
    event.respondWith(networkFirst(req, '/offline.html', 4000));
    return;
  }
  if (url.pathname.startsWith('/pkg/')) {
    // The app itself: network first too, so a page from a new release never
    // runs with the wasm of an old one; the cached build when offline.
    event.respondWith(networkFirst(req, null, 4000));
    return;
  }
  // Icons and the manifest: cache first, refreshed in the background.
  event.respondWith(
    caches.match(req).then((hit) => {
      const net = fetch(req).then((res) => {
        if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(req, copy)); }
        return res;
      });
      return hit || net;
    }),
  );
});
