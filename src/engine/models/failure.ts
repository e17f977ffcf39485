/** Why a model source gave no file, told apart so a learner reads what happened and what would help.
 *
 * A browser hides the cause of a failed cross-origin fetch: a source that refuses web pages (CORS) and a host that
 * cannot be reached both reject with the same TypeError. So one request of another kind goes to the same address,
 * a `no-cors` HEAD, whose answer the page may not read but may see arrive: an opaque response means the host
 * answered, so the first request was refused. In a cross-origin-isolated page (COEP `require-corp`, which the app
 * sets for WASM threads) that opaque response is blocked too, but Chromium then files a `coep` report, and only a
 * response can cause one (verified in Chromium; other browsers' isolated pages are not trusted to file one). Where
 * neither signal can be read, the answer is 'unknown' rather than a guess.
 *
 * Each host is probed once: requests that fail together (config, tokenizer, the listing) share one probe. */
import { EngineError } from '../errors';

/** A request with no answer the page could read: the host refused this page, could not be reached, did not say
 * which (this browser cannot tell), or did not answer in time. */
export type Unanswered = 'refused' | 'unreachable' | 'unknown' | 'timeout';

/** What an answer to a file request means: the file, no such file, a refusal of this page, or another error. */
export type Verdict = 'ok' | 'missing' | 'refused' | 'error';

/** Every request to a model source goes through here: no Referer (hf-mirror.com answers a file request that names
 * another site with a web page instead of the file, and the sources need not know which page asks). */
export function sourceFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, referrerPolicy: 'no-referrer' });
}

/** How to read a source's answer for `file`. 404/410, and the Hub's 401 for a repository it does not show, are a
 * missing file; so is JSON where a graph was expected (ModelScope's answer for a missing file). An HTML page is a
 * missing file from this page's own server (a dev server answers its index page for anything) but, from another
 * site, a refusal: a web page sent instead of the file. 403 is a refusal. */
export function readAnswer(status: number, contentType: string, file: string, crossOrigin: boolean): Verdict {
  if (status === 404 || status === 410 || status === 401) return 'missing';
  if (status === 403) return 'refused';
  if (status < 200 || status > 299) return 'error';
  if (contentType.includes('text/html')) return crossOrigin ? 'refused' : 'missing';
  if (contentType.includes('application/json') && !file.endsWith('.json')) return 'missing';
  return 'ok';
}

/** Whether `url` is on another origin than the page (or worker) asking; false outside a browser. */
export function isCrossOrigin(url: string): boolean {
  const here = globalThis.location?.href;
  if (!here) return false;
  return new URL(url, here).origin !== new URL(here).origin;
}

/** The host a URL names, as the learner knows it (`hf-mirror.com`); this page's own host for a path. */
export function hostOf(url: string): string {
  try {
    return new URL(url, globalThis.location?.href).host;
  } catch {
    return url;
  }
}

/** The error for a request to a model source that rejected: why, found by asking the host once. */
export async function unansweredError(url: string): Promise<EngineError> {
  return new EngineError(`source-${await whyUnanswered(url)}`, { url, host: hostOf(url) });
}

/** What the probe saw: an opaque answer, a failure (with or without a COEP report naming the host), or nothing in
 * time. `failureIsTelling`: a failed probe means the host is out of reach, i.e. the page is not cross-origin
 * isolated (an opaque answer would have come through) or this browser files COEP reports (one would have come). */
export function classifyProbe(outcome: 'opaque' | 'failed' | 'timeout', coepReport: boolean, failureIsTelling: boolean): Unanswered {
  if (outcome === 'opaque' || coepReport) return 'refused';
  if (outcome === 'timeout') return 'timeout';
  return failureIsTelling ? 'unreachable' : 'unknown';
}

/** What the probe needs from its surroundings (tests pass their own). */
export interface ProbeEnv {
  /** The page's (or worker's) address; null outside a browser, where no CORS applies. */
  pageUrl: string | null;
  fetch: typeof fetch;
  /** Starts watching for COEP reports; null where the browser has no ReportingObserver. */
  watchReports: (() => ReportWatch) | null;
  /** Whether this browser is known to file a COEP report for every answer it blocks (Chromium), so that none
   * means no answer came. */
  reportsFiled: boolean;
  crossOriginIsolated: boolean;
  timeoutMs: number;
  /** How long reports may take to arrive after the probe failed. */
  reportWaitMs: number;
  now: () => number;
}

export interface ReportWatch {
  /** Whether a report named a blocked response from this origin. */
  saw(origin: string): boolean;
  stop(): void;
}

function browserEnv(): ProbeEnv {
  const Observer = (globalThis as { ReportingObserver?: typeof ReportingObserver }).ReportingObserver;
  return {
    pageUrl: globalThis.location?.href ?? null,
    fetch: (input, init) => fetch(input, init),
    watchReports: Observer ? () => watchCoepReports(Observer) : null,
    // navigator.userAgentData is Chromium's alone, in pages and workers alike.
    reportsFiled: Observer !== undefined && 'userAgentData' in (globalThis.navigator ?? {}),
    crossOriginIsolated: Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated),
    timeoutMs: 8000,
    reportWaitMs: 150,
    now: () => Date.now(),
  };
}

function watchCoepReports(Observer: typeof ReportingObserver): ReportWatch {
  const blocked: string[] = [];
  const keep = (reports: Report[]) => {
    for (const report of reports) {
      const body = report.body?.toJSON() as { blockedURL?: unknown } | undefined;
      if (typeof body?.blockedURL === 'string') blocked.push(body.blockedURL);
    }
  };
  const observer = new Observer((reports) => keep(reports), { types: ['coep'] });
  observer.observe();
  return {
    saw(origin) {
      keep(observer.takeRecords());
      return blocked.some((url) => originOf(url) === origin);
    },
    stop: () => observer.disconnect(),
  };
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** A host's answer is remembered this long, so the files that fail together cost one probe. */
export const REMEMBER_MS = 15_000;
const recent = new Map<string, { at: number; answer: Promise<Unanswered> }>();

/** Why a request to `url` rejected (not aborted): asks the host once with a `no-cors` HEAD. Within one origin
 * (or outside a browser) there is no CORS: the host could not be reached. */
export function whyUnanswered(url: string, env: ProbeEnv = browserEnv()): Promise<Unanswered> {
  if (!env.pageUrl) return Promise.resolve('unreachable');
  const target = new URL(url, env.pageUrl);
  if (target.origin === new URL(env.pageUrl).origin) return Promise.resolve('unreachable');
  const known = recent.get(target.origin);
  if (known && env.now() - known.at < REMEMBER_MS) return known.answer;
  const answer = probe(target, env);
  recent.set(target.origin, { at: env.now(), answer });
  return answer;
}

/** Forgets what was learned of each host (tests; a learner's "try again" asks afresh after REMEMBER_MS). */
export function forgetProbes(): void {
  recent.clear();
}

async function probe(target: URL, env: ProbeEnv): Promise<Unanswered> {
  const watch = env.watchReports?.() ?? null;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), env.timeoutMs);
  try {
    await env.fetch(target.href, {
      method: 'HEAD',
      mode: 'no-cors',
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      signal: controller.signal,
    });
    return classifyProbe('opaque', false, true);
  } catch {
    if (controller.signal.aborted) return classifyProbe('timeout', false, true);
    // A report is queued as a task of its own, after the failure.
    await new Promise((resolve) => setTimeout(resolve, env.reportWaitMs));
    return classifyProbe('failed', watch?.saw(target.origin) ?? false, !env.crossOriginIsolated || (watch !== null && env.reportsFiled));
  } finally {
    clearTimeout(timer);
    watch?.stop();
  }
}
