/** Registers the service worker that makes the app work offline (vite-plugin-pwa writes `sw.js` into the build).
 * Called once the first model has run, not at page load: installing it precaches about 41 MB (the app and both
 * onnxruntime wasm builds), which would otherwise compete with the first model load for the network and the CPU. */
export function registerServiceWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  const base = import.meta.env.BASE_URL;
  void navigator.serviceWorker.register(`${base}sw.js`, { scope: base }).catch(() => {
    // No offline use (a private window, a browser setting); the app itself is unaffected.
  });
}
