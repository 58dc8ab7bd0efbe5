/*
 * The web app's service worker: it keeps the app's shell (the page and the
 * hashed scripts and styles it names) so the app opens without a network in
 * the middle of a session. It never touches the API: /api, /health and
 * /metrics always go to the network, and what the app keeps offline (the
 * session's writes) lives in IndexedDB, not here.
 *
 * Pages are network first (a new release shows at once) with the kept shell
 * as the fallback; hashed assets are cache first (their names change with
 * their content). A new release's worker replaces the old shell at once.
 */
const SHELL_CACHE = 'sessionledger-shell-v1';
const NOT_THE_APP = /^\/(api|health|metrics)(\/|$)/;

self.addEventListener('install', (event) => {
  event.waitUntil(keepShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== SHELL_CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || NOT_THE_APP.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(pageOrShell(request));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cachedOrFetched(request));
  } else {
    event.respondWith(fetch(request).catch(() => caches.match(request).then((kept) => kept || Response.error())));
  }
});

/** The page and every asset it names, fetched now so the first offline reload already works. */
async function keepShell() {
  const cache = await caches.open(SHELL_CACHE);
  const page = await fetch('/', { cache: 'no-store' });
  if (!page.ok) return;
  const html = await page.clone().text();
  await cache.put('/', page);
  const assets = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((match) => match[1]).filter((path) => !path.startsWith('//'));
  await cache.addAll([...new Set(assets)]);
}

async function pageOrShell(request) {
  try {
    const page = await fetch(request);
    if (page.ok) {
      const cache = await caches.open(SHELL_CACHE);
      const html = await page.clone().text();
      await cache.put('/', page.clone());
      await forgetOldAssets(cache, html);
    }
    return page;
  } catch {
    const shell = await caches.match('/');
    return shell || Response.error();
  }
}

/** Assets of earlier releases, no longer named by the page: gone, so the cache holds one release. */
async function forgetOldAssets(cache, html) {
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/assets/') && !html.includes(path)) await cache.delete(request);
  }
}

async function cachedOrFetched(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  const fetched = await fetch(request);
  if (fetched.ok) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, fetched.clone());
  }
  return fetched;
}
