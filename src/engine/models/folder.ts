import { EngineError } from '../errors';
import { parseModelConfig, type ModelConfig } from './config';
import { deleteCached, isQuotaError, type OfflineState } from './storage';
import { externalDataLocations, externalDataPath, type ExternalDataFile } from './externalData';
import type { FolderSource } from './byteSource';
import { hostOf, isCrossOrigin, readAnswer, sourceFetch, unansweredError } from './failure';

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
  /** The graph the engine runs and captures from. Whether it takes past_key_values (one position per generated
   * token) or only input_ids (the whole sequence recomputed per token) is read from the graph itself. */
  graph: GraphFile;
  /** Optimum's two-graph layout: the graph with past inputs that continues from `graph` one token at a time. */
  stepGraph: GraphFile | null;
  /** Whether the files are now in the browser's cache (a Hub download), so the next load needs no network. */
  storage: OfflineState;
  /** Where the files can be read again (a folder from a URL), so the worker need not keep the graph's bytes once
   * its sessions hold the weights; null for files from the learner's disk (their bytes are kept). */
  source: FolderSource | null;
}

export interface GraphFile {
  file: string;
  bytes: Uint8Array;
  /** The weights a large graph keeps in files of their own (`onnx/model.onnx_data`), named as the graph names them. */
  externalData: ExternalDataFile[];
}

/** A graph file to run, and (Optimum's layout) the file with past inputs that continues from it. */
export interface GraphChoice {
  file: string;
  stepFile?: string;
}

/** Which graph files to try, in order. Our own folders have a KV-cache graph with every tensor visible (it also
 * takes an empty past, so it serves the prompt too). Hub repositories come in two layouts: newer exports have one
 * `model.onnx` with past inputs that may be empty; Optimum's older ones have `decoder_model.onnx` (no past; the
 * prompt) and `decoder_with_past_model.onnx` (one token at a time). Their `decoder_model_merged.onnx` hides its
 * tensors inside an If node, where no output can reach them, so it is never used from the Hub. */
export const EMBEDDED_GRAPHS: readonly GraphChoice[] = [{ file: 'onnx/decoder_model_merged.onnx' }, { file: 'onnx/model.onnx' }];
export const HUB_GRAPHS: readonly GraphChoice[] = [
  { file: 'onnx/model.onnx' },
  { file: 'onnx/decoder_model.onnx', stepFile: 'onnx/decoder_with_past_model.onnx' },
];

export interface LoadOptions {
  signal?: AbortSignal;
  /** A Cache Storage name: files are read from it when present and stored in it after a download. */
  cache?: string | null;
  /** The folder URL the cached files are keyed by, when it differs from the one they download from: a Hub
   * repository is stored under one name whichever source (Hub, mirror, ModelScope, classroom) it came from. */
  cacheBase?: string;
  graphs?: readonly GraphChoice[];
}

export const CACHED_GRAPH = 'onnx/decoder_model_merged.onnx';

export function join(baseUrl: string, file: string): string {
  return baseUrl.replace(/\/+$/, '') + '/' + file;
}

/** Fetches a file; a missing file is `null` (servers that answer HTML for anything, like Vite's, count as missing).
 * A failure says what happened: the source refused this page, could not be reached, or answered with an error. */
async function fetchOrNull(url: string, signal?: AbortSignal): Promise<Response | null> {
  let response: Response;
  try {
    response = await sourceFetch(url, { signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw await unansweredError(url);
  }
  const path = new URL(url, globalThis.location?.href).pathname;
  const where = { url, host: hostOf(url) };
  switch (readAnswer(response.status, response.headers.get('content-type') ?? '', path, isCrossOrigin(url))) {
    case 'missing':
      return null;
    case 'refused':
      throw new EngineError('source-refused', where);
    case 'error':
      throw new EngineError('model-fetch-failed', { ...where, status: response.status });
    case 'ok':
      return response;
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
      const next = await sourceFetch(url, { signal, headers: loaded > 0 ? { Range: `bytes=${loaded}-` } : {} });
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
async function getFile(
  baseUrl: string,
  file: string,
  onProgress: (progress: FileProgress) => void,
  options: LoadOptions,
  state: { storage: OfflineState },
): Promise<Uint8Array | null> {
  const url = join(baseUrl, file);
  const key = join(options.cacheBase ?? baseUrl, file);
  let cache: Cache | null = null;
  if (options.cache && 'caches' in globalThis) cache = await caches.open(options.cache).catch(() => null);
  if (options.cache && !cache && state.storage === 'stored') state.storage = 'not-stored'; // no Cache Storage here
  const hit = await cache?.match(key);
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
    await cache.put(key, new Response(bytes as Uint8Array<ArrayBuffer>, { headers })).catch((error: unknown) => {
      if (state.storage !== 'storage-full') state.storage = isQuotaError(error) ? 'storage-full' : 'not-stored';
    });
  }
  return bytes;
}

async function forgetFolder(cacheName: string, baseUrl: string): Promise<void> {
  try {
    // Cache keys are absolute; the folder URL may be a same-origin path (a mirror given as `?hub=/path`).
    const prefix = new URL(join(baseUrl, ''), globalThis.location?.href).href;
    await deleteCached(cacheName, (url) => url.startsWith(prefix));
  } catch {
    // nothing stored, nothing to forget
  }
}

/** A file the folder lacks: named, with where it was looked for (a host, or the local folder's name). */
function notFound(where: string, file: string): EngineError {
  const url = `${where}/${file}`;
  return new EngineError('model-not-found', { url, file, where: /^[a-z]+:\/\/|^\//.test(where) ? hostOf(url) : where });
}

/** Reads one file of a model folder; null when the folder has no such file. */
export type FileReader = (file: string, onProgress: (progress: FileProgress) => void) => Promise<Uint8Array | null>;

async function readJson(read: FileReader, file: string, where: string): Promise<unknown> {
  const bytes = await read(file, () => {});
  if (!bytes) throw notFound(where, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new EngineError('config-invalid', { field: file });
  }
  // ModelScope's answer for a missing file: {"Code": …, "Success": false, "Message": …}.
  if (typeof parsed === 'object' && parsed !== null && 'Code' in parsed && (parsed as { Success?: unknown }).Success === false) {
    throw notFound(where, file);
  }
  return parsed;
}

/** Config, tokenizer and the first graph found, from any source of files. */
async function readFolder(read: FileReader, where: string, onProgress: (progress: FileProgress) => void, graphs: readonly GraphChoice[]) {
  const [rawConfig, tokenizerJson, tokenizerConfig] = await Promise.all([
    readJson(read, 'config.json', where),
    readJson(read, 'tokenizer.json', where),
    readJson(read, 'tokenizer_config.json', where).catch(() => ({})),
  ]);
  const config = parseModelConfig(rawConfig);
  for (const { file, stepFile } of graphs) {
    const bytes = await read(file, onProgress);
    if (!bytes) continue;
    const graph = { file, bytes, externalData: await readExternalData(read, where, file, bytes, onProgress) };
    const stepBytes = stepFile ? await read(stepFile, onProgress) : null;
    const stepGraph =
      stepFile && stepBytes
        ? { file: stepFile, bytes: stepBytes, externalData: await readExternalData(read, where, stepFile, stepBytes, onProgress) }
        : null;
    return { config, tokenizerJson, tokenizerConfig, graph, stepGraph };
  }
  throw notFound(where, graphs[0]!.file);
}

/** The external data files a graph names (downloaded, resumed and stored like the graph itself); a missing one is
 * a missing model file. */
async function readExternalData(
  read: FileReader,
  where: string,
  file: string,
  bytes: Uint8Array,
  onProgress: (progress: FileProgress) => void,
): Promise<ExternalDataFile[]> {
  const files: ExternalDataFile[] = [];
  for (const location of externalDataLocations(bytes)) {
    const path = externalDataPath(file, location);
    const data = await read(path, onProgress);
    if (!data) throw notFound(where, path);
    files.push({ path: location, data });
  }
  return files;
}

/** A model folder from the learner's own disk: the same files, read locally (nothing is uploaded). */
export async function loadLocalFolder(
  files: Record<string, Uint8Array>,
  name: string,
  onProgress: (progress: FileProgress) => void = () => {},
): Promise<ModelFolder> {
  const read: FileReader = async (file, progress) => {
    const bytes = files[file] ?? null;
    if (bytes) progress({ file, loaded: bytes.length, total: bytes.length });
    return bytes;
  };
  const onnx = Object.keys(files).filter((file) => file.endsWith('.onnx'));
  // Our own graph names first; then any single ONNX file the learner gave.
  const graphs = [...EMBEDDED_GRAPHS, ...HUB_GRAPHS.slice(1), ...onnx.map((file) => ({ file }))];
  const folder = await readFolder(read, name, onProgress, graphs);
  return { baseUrl: '', ...folder, storage: 'not-stored', source: null };
}

/** Loads config, tokenizer and the graph to run from a folder URL in the Hugging Face layout: a bundled model,
 * a Hub repository (`https://huggingface.co/{owner}/{name}/resolve/main`) or any server that mirrors it. */
export async function loadModelFolder(
  baseUrl: string,
  onProgress: (progress: FileProgress) => void = () => {},
  options: LoadOptions = {},
): Promise<ModelFolder> {
  const state: { storage: OfflineState } = { storage: options.cache ? 'stored' : 'not-stored' };
  const read: FileReader = (file, progress) => getFile(baseUrl, file, progress, options, state);
  const graphs = await storedFirst(options.graphs ?? EMBEDDED_GRAPHS, options.cache, options.cacheBase ?? baseUrl);
  const folder = await readFolder(read, baseUrl.replace(/\/+$/, ''), onProgress, graphs);
  // Half a model in the cache would be listed as stored and still need the network: drop what did fit.
  if (options.cache && state.storage !== 'stored') await forgetFolder(options.cache, options.cacheBase ?? baseUrl);
  const cache = options.cache && state.storage === 'stored' ? options.cache : null;
  return { baseUrl, ...folder, storage: state.storage, source: { baseUrl, cache, keyBase: options.cacheBase ?? baseUrl } };
}

/** The graph choices with one already in the cache first: a stored model loads again with no request, not even
 * for the files (precisions) it was loaded without. */
async function storedFirst(
  graphs: readonly GraphChoice[],
  cacheName: string | null | undefined,
  keyBase: string,
): Promise<readonly GraphChoice[]> {
  if (!cacheName || !('caches' in globalThis)) return graphs;
  try {
    const cache = await caches.open(cacheName);
    for (const choice of graphs) {
      if (await cache.match(join(keyBase, choice.file))) return [choice, ...graphs.filter((other) => other !== choice)];
    }
  } catch {
    // no Cache Storage here: download
  }
  return graphs;
}
