// Shopfloor service worker: keeps the app shell (wasm, js, css, icons and the
// last pages seen) so the app opens without a network. API calls and server
// functions always go to the network; the page shows the offline banner and
// toasts when they fail.
const CACHE = 'shopfloor-shell-v1';
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

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/sfn/')) return;
  if (req.mode === 'navigate') {
    // Pages: network first (they carry live data), the cached copy when offline.
    event.respondWith(
      fetch(req)
        .then((res) => {
          const copy = res.clone();
          if (res.ok) caches.open(CACHE).then((c) => c.put(req, copy));
          return res;
        })
        .catch(() => caches.match(req).then((hit) => hit || caches.match('/offline.html'))),
    );
    return;
  }
  // Static assets: cache first, refreshed in the background.
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
