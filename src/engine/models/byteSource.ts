import { EngineError } from '../errors';
import { hostOf, sourceFetch } from './failure';

/** Where a model file's bytes can be read again, in parts, after the sessions hold its weights: the worker then
 * keeps no copy of the file (docs/memory.md), and a layer cut out of the graph reads only that layer's weights. */
export interface ByteSource {
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** How a folder loaded from a URL can be read again: its files' URLs, and the Cache Storage that holds them
 * (keyed under `keyBase`) where the load stored them. */
export interface FolderSource {
  baseUrl: string;
  cache: string | null;
  keyBase: string;
}

/** Bytes held in memory (a test's file). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return { read: async (offset, length) => bytes.slice(offset, offset + length) };
}

/** A file behind a URL: from Cache Storage where it is stored (a disk-backed Blob: a read takes only the part asked
 * for), else by an HTTP Range request (a server that ignores Range sends the whole file: the part is cut from it).
 * `size` is the file's length when it was loaded: a file of another length (replaced since) is not read. */
export function urlSource(url: string, cache: { name: string | null; key: string }, size: number): ByteSource {
  let stored: Promise<Blob | null> | null = null;
  const fromCache = async (): Promise<Blob | null> => {
    if (!('caches' in globalThis)) return null;
    try {
      const hit = cache.name ? await (await caches.open(cache.name)).match(cache.key) : await caches.match(url);
      return hit ? await hit.blob() : null;
    } catch {
      return null;
    }
  };
  return {
    async read(offset, length) {
      stored ??= fromCache();
      const blob = await stored;
      if (blob && blob.size === size) return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
      const response = await sourceFetch(url, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
      if (response.status === 206) {
        const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
        const part = new Uint8Array(await response.arrayBuffer());
        if (part.length === length && total && Number(total[1]) === size) return part;
      } else if (response.ok) {
        const whole = await response.blob();
        if (whole.size === size) return new Uint8Array(await whole.slice(offset, offset + length).arrayBuffer());
      }
      throw new EngineError('model-fetch-failed', { url, host: hostOf(url), status: response.status });
    },
  };
}
