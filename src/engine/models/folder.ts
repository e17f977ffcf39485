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
  graph: { file: string; kind: 'cached' | 'full'; bytes: Uint8Array };
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

async function fetchJson(baseUrl: string, file: string, signal?: AbortSignal): Promise<unknown> {
  const url = join(baseUrl, file);
  const response = await fetchOrNull(url, signal);
  if (!response) throw new EngineError('model-not-found', { url });
  try {
    return await response.json();
  } catch {
    throw new EngineError('config-invalid', { field: file });
  }
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

/** Loads config, tokenizer and the graph to run from a folder URL (bundled now; Hub and local folders later). */
export async function loadModelFolder(
  baseUrl: string,
  onProgress: (progress: FileProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<ModelFolder> {
  const [rawConfig, tokenizerJson, tokenizerConfig] = await Promise.all([
    fetchJson(baseUrl, 'config.json', signal),
    fetchJson(baseUrl, 'tokenizer.json', signal),
    fetchJson(baseUrl, 'tokenizer_config.json', signal).catch(() => ({})),
  ]);
  const config = parseModelConfig(rawConfig);
  for (const [file, kind] of [
    [CACHED_GRAPH, 'cached'],
    [FULL_GRAPH, 'full'],
  ] as const) {
    const url = join(baseUrl, file);
    const response = await fetchOrNull(url, signal);
    if (!response) continue;
    const bytes = await readWithProgress(response, file, onProgress, { url, signal });
    return { baseUrl, config, tokenizerJson, tokenizerConfig, graph: { file, kind, bytes } };
  }
  throw new EngineError('model-not-found', { url: join(baseUrl, FULL_GRAPH) });
}
