import { EngineError } from '../errors';
import { parseModelConfig, type ModelConfig } from './config';

/** One file's download progress; `total` is null when the server sends no length. */
export interface FileProgress {
  file: string;
  loaded: number;
  total: number | null;
}

/** A model folder in the Hugging Face repository layout, fetched and parsed. */
export interface ModelFolder {
  baseUrl: string;
  config: ModelConfig;
  tokenizerJson: unknown;
  tokenizerConfig: unknown;
  /** The graph the engine runs and captures from. `kind: 'cached'` takes past_key_values (one position per
   * generated token); `kind: 'full'` takes only input_ids (the whole sequence is recomputed per token). */
  graph: { file: string; kind: GraphKind; bytes: Uint8Array };
  /** True when the files could not be stored in the browser's cache (storage full or not allowed). */
  cacheFailed: boolean;
}

export type GraphKind = 'cached' | 'full';

/** Which graph files to try, in order. Our own folders have a KV-cache graph with every tensor visible; Hub
 * repositories' merged decoders hide theirs inside an If node, so from the Hub the graph without past is used. */
export const EMBEDDED_GRAPHS = [['onnx/decoder_model_merged.onnx', 'cached'], ['onnx/model.onnx', 'full']] as const;
export const HUB_GRAPHS = [['onnx/model.onnx', 'full'], ['onnx/decoder_model.onnx', 'full']] as const;

export interface LoadOptions {
  signal?: AbortSignal;
  /** A Cache Storage name: files are read from it when present and stored in it after a download. */
  cache?: string | null;
  graphs?: readonly (readonly [string, GraphKind])[];
}

export const CACHED_GRAPH = 'onnx/decoder_model_merged.onnx';
export const FULL_GRAPH = 'onnx/model.onnx';

function join(baseUrl: string, file: string): string {
  return baseUrl.replace(/\/+$/, '') + '/' + file;
}

/** Fetches a file; a missing file is `null` (servers that answer HTML for anything, like Vite's, count as missing). */
async function fetchOrNull(url: string, signal?: AbortSignal): Promise<Response | null> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new EngineError('model-fetch-failed', { url, status: 0 });
  }
  if (response.status === 404) return null;
  if (!response.ok) throw new EngineError('model-fetch-failed', { url, status: response.status });
  if ((response.headers.get('content-type') ?? '').includes('text/html')) return null;
  return response;
}


/** Reads a file's body with progress. When the connection drops halfway (a body shorter than its
 * Content-Length, or a stream error), it asks for the rest with an HTTP Range request and goes on, up to
 * `retries` times; a server that ignores Range gets a clean restart. Only then is the file reported truncated. */
export async function readWithProgress(
  response: Response,
  file: string,
  onProgress: (progress: FileProgress) => void,
  { url = response.url, signal, retries = 3 }: { url?: string; signal?: AbortSignal; retries?: number } = {},
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let total: number | null = lengthOf(response, 0);
  let current: Response | null = response;
  for (let attempt = 0; ; attempt++) {
    if (current) {
      if (loaded > 0 && current.status !== 206) {
        chunks.length = 0; // the server sent the whole file again
        loaded = 0;
      }
      onProgress({ file, loaded, total });
      const reader = current.body?.getReader();
      try {
        if (!reader) {
          const whole = new Uint8Array(await current.arrayBuffer());
          chunks.push(whole);
          loaded += whole.byteLength;
        } else {
          for (;;) {
            const result = await reader.read();
            if (result.done) break;
            chunks.push(result.value);
            loaded += result.value.byteLength;
            onProgress({ file, loaded, total });
          }
        }
        if (total === null || loaded >= total) return concat(chunks, loaded);
      } catch (error) {
        if (signal?.aborted) throw error;
      }
    }
    if (attempt >= retries || !url) throw new EngineError('model-truncated', { file, loaded, total: total ?? 0 });
    current = null;
    try {
      const next = await fetch(url, { signal, headers: loaded > 0 ? { Range: `bytes=${loaded}-` } : {} });
      if (next.ok) {
        current = next;
        total ??= lengthOf(next, next.status === 206 ? loaded : 0);
      }
    } catch (error) {
      if (signal?.aborted) throw error;
    }
  }
}

/** The file's whole length from a response: Content-Range's total for a partial answer, else Content-Length. */
function lengthOf(response: Response, offset: number): number | null {
  if ((response.headers.get('content-encoding') ?? '') !== '') return null;
  const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
  if (range) return Number(range[1]);
  const length = Number(response.headers.get('content-length'));
  return Number.isFinite(length) && length > 0 ? length + offset : null;
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** One file of the folder: from the cache when it is there (no request), else downloaded with progress and
 * stored; null when the folder has no such file. */
async function getFile(baseUrl: string, file: string, onProgress: (progress: FileProgress) => void, options: LoadOptions, state: { cacheFailed: boolean }): Promise<Uint8Array | null> {
  const url = join(baseUrl, file);
  let cache: Cache | null = null;
  if (options.cache && 'caches' in globalThis) cache = await caches.open(options.cache).catch(() => null);
  const hit = await cache?.match(url);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    onProgress({ file, loaded: bytes.length, total: bytes.length });
    return bytes;
  }
  const response = await fetchOrNull(url, options.signal);
  if (!response) return null;
  const bytes = await readWithProgress(response, file, onProgress, { url, signal: options.signal });
  if (cache) {
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) };
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers })).catch(() => (state.cacheFailed = true));
  }
  return bytes;
}

async function getJson(baseUrl: string, file: string, options: LoadOptions, state: { cacheFailed: boolean }): Promise<unknown> {
  const bytes = await getFile(baseUrl, file, () => {}, options, state);
  if (!bytes) throw new EngineError('model-not-found', { url: join(baseUrl, file) });
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new EngineError('config-invalid', { field: file });
  }
}

/** Loads config, tokenizer and the graph to run from a folder URL in the Hugging Face layout: a bundled model,
 * a Hub repository (`https://huggingface.co/{owner}/{name}/resolve/main`) or any server that mirrors it. */
export async function loadModelFolder(
  baseUrl: string,
  onProgress: (progress: FileProgress) => void = () => {},
  options: LoadOptions = {},
): Promise<ModelFolder> {
  const state = { cacheFailed: false };
  const [rawConfig, tokenizerJson, tokenizerConfig] = await Promise.all([
    getJson(baseUrl, 'config.json', options, state),
    getJson(baseUrl, 'tokenizer.json', options, state),
    getJson(baseUrl, 'tokenizer_config.json', options, state).catch(() => ({})),
  ]);
  const config = parseModelConfig(rawConfig);
  for (const [file, kind] of options.graphs ?? EMBEDDED_GRAPHS) {
    const bytes = await getFile(baseUrl, file, onProgress, options, state);
    if (bytes) return { baseUrl, config, tokenizerJson, tokenizerConfig, graph: { file, kind, bytes }, cacheFailed: state.cacheFailed };
  }
  throw new EngineError('model-not-found', { url: join(baseUrl, (options.graphs ?? EMBEDDED_GRAPHS)[0]![0]) });
}
