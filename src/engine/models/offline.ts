import { CACHED_GRAPH, join } from './folder';
import { isQuotaError, type OfflineState } from './storage';

/** The Cache Storage the service worker reads model files from (its runtime cache for /models/). */
export const MODEL_CACHE = 'embedded-models';
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', CACHED_GRAPH];

/** Absolute, as cache keys are. */
const absolute = (baseUrl: string, file: string) => new URL(join(baseUrl, file), location.href).href;

/** Whether every file the app needs for this model folder is in the cache (so it works with no network). */
export async function isModelOffline(baseUrl: string): Promise<boolean> {
  if (!('caches' in globalThis)) return false;
  try {
    const cache = await caches.open(MODEL_CACHE);
    const hits = await Promise.all(FILES.map((file) => cache.match(absolute(baseUrl, file))));
    return hits.every(Boolean);
  } catch {
    return false;
  }
}

/** Stores the model's files for offline use once a service worker is active (`workerReady`): on the very first
 * visit the worker is not in charge yet when the model loads, so its own cache would miss them. Best effort: a
 * full disk or a private window leaves the app working online. */
export async function keepModelOffline(baseUrl: string, workerReady: Promise<boolean>): Promise<OfflineState> {
  if (!('caches' in globalThis) || !(await workerReady)) return 'not-stored';
  if (await isModelOffline(baseUrl)) return 'stored';
  try {
    const cache = await caches.open(MODEL_CACHE);
    await cache.addAll(FILES.map((file) => absolute(baseUrl, file)));
    return 'stored';
  } catch (error) {
    return isQuotaError(error) ? 'storage-full' : 'not-stored';
  }
}
