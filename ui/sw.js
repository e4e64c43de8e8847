// The offline shell: keeps the page's own files so that reloading while the Pi reboots (or is out of reach) shows
// the page's red "controller down" screen instead of the browser's white error page. Network first, so a new
// version shows as soon as the Pi answers; the cache only answers when the network does not, or too slowly.
// Browsers run service workers on secure origins only (HTTPS, or the Pi's own loopback): see docs/ui.md.
const CACHE = 'skylapse-shell-v3';
const SHELL = ['./', 'index.html', 'style.css', 'app.js', 'camera.js', 'camera-panel.js', 'charts.js', 'connection.js', 'dom.js', 'explain.js', 'format.js', 'pi.js', 'pi-panel.js', 'plan.js', 'plan-panel.js', 'render.js', 'reports.js', 'reports-panel.js', 'store.js', 'manifest.webmanifest', 'icon.svg'];
/** A Pi that is off the air lets a request hang rather than fail; the cached shell answers after this. */
const NETWORK_WAIT_MS = 2500;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** Only the shell: live data (/api, /health, /ws, images) always goes to the controller or fails honestly. */
function isShell(url) {
  if (url.origin !== self.location.origin) return false;
  const scope = new URL(self.registration.scope);
  const path = url.pathname.startsWith(scope.pathname) ? url.pathname.slice(scope.pathname.length) : null;
  return path !== null && (path === '' || SHELL.includes(path));
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || !isShell(new URL(req.url))) return;
  event.respondWith(networkFirst(req));
});

async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  const network = fetch(req).then((res) => {
    if (res.ok) void cache.put(req, res.clone());
    return res;
  });
  const slow = new Promise((resolve) => setTimeout(resolve, NETWORK_WAIT_MS, null));
  try {
    const first = await Promise.race([network, slow]);
    if (first) return first;
  } catch {
    // refused or unreachable: the cache answers below
  }
  const cached = (await cache.match(req, { ignoreSearch: true })) ?? (req.mode === 'navigate' ? await cache.match('index.html') : undefined);
  return cached ?? network;
}
