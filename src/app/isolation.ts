/** Cross-origin isolation, which onnxruntime-web needs to run WASM on more than one thread, on any static server.
 *
 * An isolated page needs COOP `same-origin` and COEP `require-corp` on its responses. Plain static servers send
 * neither, so the app's service worker adds both to what it serves (public/sw-isolation.js). A page loaded before
 * the service worker was in charge (the first visit) is not isolated: it reloads once, through the service worker,
 * but only while the learner has not used it yet, so nothing they did is lost. A mark in sessionStorage says that
 * a load was that reload: a page still not isolated after it does not reload again. */

/** Why the page is not isolated (and its WASM runs on one thread): not HTTPS or localhost (browsers isolate, and run
 * service workers on, secure pages only); no service worker here (a private window, a browser setting); reloaded
 * through the service worker and still not isolated (an older copy of the app in charge); or the service worker is
 * ready but the learner is using the page, so it is isolated from the next time it is opened. */
export type IsolationProblem = 'insecure' | 'no-service-worker' | 'not-applied' | 'later';

/** What to do now: nothing (isolated), wait for the service worker, reload, or say why there is one thread. */
export type IsolationStep = 'isolated' | 'wait' | 'reload' | IsolationProblem;

export interface IsolationEnv {
  isolated: boolean;
  secure: boolean;
  /** None possible here (or its registration failed); not active yet; active (it controls this page, or will
   * control its next load). */
  serviceWorker: 'none' | 'pending' | 'active';
  /** Whether this load was the app's own reload for isolation; null where sessionStorage cannot be used (then
   * nothing could stop a second reload, so there is none). */
  reloaded: boolean | null;
  /** The learner has clicked or typed since the page loaded. */
  touched: boolean;
}

export function isolationStep(env: IsolationEnv): IsolationStep {
  if (env.isolated) return 'isolated';
  if (!env.secure) return 'insecure';
  if (env.serviceWorker === 'none') return 'no-service-worker';
  if (env.serviceWorker === 'pending') return 'wait';
  if (env.reloaded !== false) return 'not-applied';
  return env.touched ? 'later' : 'reload';
}

export function isProblem(step: IsolationStep): step is IsolationProblem {
  return step !== 'isolated' && step !== 'wait' && step !== 'reload';
}

const RELOAD_MARK = 'transformer-flow.isolation-reload';

/** Whether this load was the app's reload for isolation, forgetting it (a load the learner asks for may try once
 * more: one automatic reload per load at most); null without sessionStorage. */
export function takeReloadMark(): boolean | null {
  try {
    const reloaded = sessionStorage.getItem(RELOAD_MARK) !== null;
    sessionStorage.removeItem(RELOAD_MARK);
    return reloaded;
  } catch {
    return null;
  }
}

/** Reloads the page, marked as the reload for isolation; false (no reload) where the mark cannot be written. */
export function reloadForIsolation(): boolean {
  try {
    sessionStorage.setItem(RELOAD_MARK, '1');
  } catch {
    return false;
  }
  location.reload();
  return true;
}
