// Shopfloor service worker: keeps the app shell so the app opens without a
// network: the wasm, js and css, the icons, the manifest and the offline
// page. None of these holds user data, and nothing else is ever stored:
// pages, API calls and server functions carry a signed-in user's data (the
// server sends them with Cache-Control: no-store), so they always go to the
// network; a page opened without one gets the offline page, whose banner
// says so. Sign-out answers with Clear-Site-Data, which empties this cache
// and unregisters the worker in any case.
const CACHE = 'shopfloor-shell-v3';
const SHELL = ['/pkg/shopfloor.js', '/pkg/shopfloor.wasm', '/pkg/shopfloor.css', '/manifest.webmanifest',
  '/icons/icon-192.png', '/icons/icon-512.png', '/offline.html'];

/// Only the shell's own files may enter the cache.
function isShell(url) {
  return url.origin === self.location.origin
    && (url.pathname.startsWith('/pkg/') || url.pathname.startsWith('/icons/')
      || url.pathname === '/manifest.webmanifest' || url.pathname === '/offline.html');
}

function store(req, res) {
  const noStore = (res.headers.get('cache-control') || '').includes('no-store');
  if (res.ok && !noStore && isShell(new URL(req.url))) {
    const copy = res.clone();
    caches.open(CACHE).then((c) => c.put(req, copy));
  }
  return res;
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  // Older caches (v2 kept the pages themselves) go.
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The network, or after `waitMs` without an answer (factory Wi-Fi that hangs
// rather than fails) or on a failure, the cached `fallback`.
function networkOr(req, fallback, waitMs) {
  const net = fetch(req).then((res) => store(req, res));
  const cached = () => caches.match(fallback);
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
    // Pages carry live, signed-in data: never stored; the offline page without a network.
    event.respondWith(networkOr(req, '/offline.html', 8000));
    return;
  }
  if (!isShell(url)) return;
  if (url.pathname.startsWith('/pkg/')) {
    // The app itself: network first, so a page from a new release never
    // runs with the wasm of an old one; the cached build when offline.
    event.respondWith(networkOr(req, req, 4000));
    return;
  }
  // Icons and the manifest: cache first, refreshed in the background.
  event.respondWith(
    caches.match(req).then((hit) => {
      const net = fetch(req).then((res) => store(req, res));
      return hit || net;
    }),
  );
});
