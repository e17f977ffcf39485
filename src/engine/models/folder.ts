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

/** Reads a response body with progress; a body shorter than its Content-Length is a truncated file. */
export async function readWithProgress(
  response: Response,
  file: string,
  onProgress: (progress: FileProgress) => void,
): Promise<Uint8Array> {
  const header = Number(response.headers.get('content-length'));
  const encoded = (response.headers.get('content-encoding') ?? '') !== '';
  const total = Number.isFinite(header) && header > 0 && !encoded ? header : null;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress({ file, loaded, total });
  for (;;) {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reader.read();
    } catch {
      throw new EngineError('model-truncated', { file, loaded, total: total ?? 0 });
    }
    if (result.done) break;
    chunks.push(result.value);
    loaded += result.value.byteLength;
    onProgress({ file, loaded, total });
  }
  if (total !== null && loaded < total) throw new EngineError('model-truncated', { file, loaded, total });
  const bytes = new Uint8Array(loaded);
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
    const response = await fetchOrNull(join(baseUrl, file), signal);
    if (!response) continue;
    const bytes = await readWithProgress(response, file, onProgress);
    return { baseUrl, config, tokenizerJson, tokenizerConfig, graph: { file, kind, bytes } };
  }
  throw new EngineError('model-not-found', { url: join(baseUrl, FULL_GRAPH) });
}
