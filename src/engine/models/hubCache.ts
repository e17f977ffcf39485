import { deleteCached } from './storage';

/** Hub models kept in the browser (Cache Storage), so a second load needs no network. */
export const HUB_CACHE = 'hub-models';

export { parseRepo } from './sources';

export interface StoredModel {
  repo: string;
  bytes: number;
  files: number;
}

/** The repositories stored in the cache, with their sizes. */
export async function storedHubModels(): Promise<StoredModel[]> {
  if (!('caches' in globalThis)) return [];
  const cache = await caches.open(HUB_CACHE);
  const byRepo = new Map<string, StoredModel>();
  for (const request of await cache.keys()) {
    const match = /\/([^/]+\/[^/]+)\/resolve\/[^/]+\//.exec(new URL(request.url).pathname);
    if (!match) continue;
    const response = await cache.match(request);
    const entry = byRepo.get(match[1]!) ?? { repo: match[1]!, bytes: 0, files: 0 };
    entry.bytes += Number(response?.headers.get('content-length') ?? 0);
    entry.files += 1;
    byRepo.set(entry.repo, entry);
  }
  return [...byRepo.values()].sort((a, b) => a.repo.localeCompare(b.repo));
}

export async function deleteHubModel(repo: string): Promise<void> {
  await deleteCached(HUB_CACHE, (url) => new URL(url).pathname.includes(`/${repo}/resolve/`));
}
