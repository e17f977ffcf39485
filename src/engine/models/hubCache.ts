import { deleteCached } from './storage';

/** Hub models kept in the browser (Cache Storage), so a second load needs no network. */
export const HUB_CACHE = 'hub-models';

/** `owner/name` as the Hub spells repositories; anything else is refused before a request is made. */
export function parseRepo(input: string): string | null {
  const repo = input.trim().replace(/^https?:\/\/huggingface\.co\//, '').replace(/\/+$/, '');
  return /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/.test(repo) ? repo : null;
}

/** The folder URL of a repository's main revision under a Hub host (the real one, or a mirror for tests). */
export function hubFolderUrl(hub: string, repo: string): string {
  return `${hub.replace(/\/+$/, '')}/${repo}/resolve/main`;
}

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
