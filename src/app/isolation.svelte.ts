import { isolationStep, isProblem, reloadForIsolation, takeReloadMark, type IsolationEnv, type IsolationProblem } from './isolation';
import { serviceWorkerReady } from './serviceWorker';

/** The page's cross-origin isolation (src/app/isolation.ts): checked before the app starts, and again once the
 * service worker is active; the reason for one WASM thread, for the model panel to say. */
export class Isolation {
  /** Why WASM runs on one thread here; null while isolated or while the service worker is on its way. */
  problem = $state<IsolationProblem | null>(null);
  readonly #reloaded = takeReloadMark();
  #touched = false;

  constructor() {
    const touch = () => (this.#touched = true);
    addEventListener('pointerdown', touch, { capture: true, once: true });
    addEventListener('keydown', touch, { capture: true, once: true });
  }

  /** Before the app starts: reloads at once when that is due (true: nothing is on screen yet), else goes on and
   * checks again when the service worker registered after the first run is active. Then it never reloads: the first
   * run is playing by then, so the page is isolated from its next load, and says so. */
  start(): boolean {
    const serviceWorker = !('serviceWorker' in navigator) ? 'none' : navigator.serviceWorker.controller ? 'active' : 'pending';
    if (this.#check(serviceWorker) === 'reload') return this.#reload();
    if (serviceWorker === 'pending') void serviceWorkerReady().then((active) => this.#check(active ? 'active' : 'none', true));
    return false;
  }

  #check(serviceWorker: IsolationEnv['serviceWorker'], inUse = this.#touched) {
    const step = isolationStep({
      isolated: crossOriginIsolated,
      secure: isSecureContext,
      serviceWorker,
      reloaded: this.#reloaded,
      touched: inUse,
    });
    this.problem = isProblem(step) ? step : null;
    return step;
  }

  #reload(): boolean {
    if (reloadForIsolation()) return true;
    this.problem = 'not-applied';
    return false;
  }
}
