/** The service worker that makes the app work offline (vite-plugin-pwa writes `sw.js` into the build). */

let settle: (active: boolean) => void = () => {};
const ready = new Promise<boolean>((resolve) => (settle = resolve));

/** Registers it. Called once the first model has run, not at page load: installing it precaches about 41 MB (the
 * app and both onnxruntime wasm builds), which would otherwise compete with the first model load for the network
 * and the CPU. */
export function registerServiceWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return settle(false);
  const base = import.meta.env.BASE_URL;
  navigator.serviceWorker.register(`${base}sw.js`, { scope: base }).then(
    () => navigator.serviceWorker.ready.then(() => settle(true)),
    // No offline use (a private window, a browser setting); the app itself is unaffected.
    () => settle(false),
  );
}

/** True once a service worker is active, however long its install takes; false when there will be none. */
export function serviceWorkerReady(): Promise<boolean> {
  return ready;
}
