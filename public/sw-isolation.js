// Loaded into the app's service worker (vite.config.ts: workbox.importScripts) before Workbox sets up its routes.
// It adds the two headers that make a page cross-origin isolated, so onnxruntime-web can run WASM on several
// threads even where the server sends no headers of its own (any static server). Every response the service
// worker answers with passes through here: this listener runs first and wraps `respondWith`, so Workbox's routes
// (the precached page, scripts and wasm; the cached models) stay as they are. Requests no route answers go to the
// network untouched: they are fetches, which isolation does not need headers on. See docs/isolation.md.

/** Adds COOP and COEP to a response the service worker may rebuild (not an opaque or redirect one). */
function withIsolation(response) {
  if (!response || response.status === 0 || response.type === 'opaqueredirect') return response;
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

self.addEventListener('fetch', (event) => {
  const respondWith = event.respondWith.bind(event);
  event.respondWith = (response) => respondWith(Promise.resolve(response).then(withIsolation));
});
