/** Whether a model's files are kept in the browser for use with no network: stored; not stored (no service
 * worker, a private window, a local folder); or not stored because the storage quota is exhausted. */
export type OfflineState = 'stored' | 'not-stored' | 'storage-full';

/** Deletes the entries of a Cache Storage cache whose URL `matches`. */
export async function deleteCached(cacheName: string, matches: (url: string) => boolean): Promise<void> {
  const cache = await caches.open(cacheName);
  for (const request of await cache.keys()) if (matches(request.url)) await cache.delete(request);
}

/** A write refused because the origin's storage quota (or the disk) is full. */
export function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'QuotaExceededError';
}
