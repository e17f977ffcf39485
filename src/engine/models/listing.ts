/** What a repository holds before anything downloads: its files and their sizes, from the source's listing API
 * (the Hub and hf-mirror.com: `/api/models/{repo}/tree/main?recursive=true`, page after page as its `Link` header
 * says; ModelScope: `/api/v1/models/{repo}/repo/files?Revision=master&Recursive=true`), or, where a source has none
 * (a classroom server is a plain folder), by asking for each file name a transformers.js-ready repository may hold
 * (HEAD, then a one-byte Range request). From the files: the precisions on offer, each with its download size (external data
 * counted), a rough memory estimate, and whether it fits this browser. */
import { DTYPE_FILES, DTYPES, hubGraphChoices, type Dtype } from './precision';
import { sourceFolderUrl, sourceOrigin, type SourceId } from './sources';
import { isCrossOrigin, readAnswer, sourceFetch, whyUnanswered, type Unanswered } from './failure';

export interface RepoFile {
  path: string;
  /** Bytes, as the source lists them (for a file kept in Git LFS, the file's own size, not its pointer's). */
  size: number;
}

/** How the files were found: the source's listing API, or one request per known file name. */
export type ListingMethod = 'api' | 'probe';

export interface RepoListing {
  files: RepoFile[];
  method: ListingMethod;
}

/** Why no listing came back: the source says the repository does not exist; it gave no answer this page could
 * read (failure.ts: refused, unreachable, unknown, timeout); or it answered with an HTTP error or with something
 * that is not a listing (`error`, with the status when there was one). */
export type ListingFailure = 'not-found' | Unanswered | 'error';

export class ListingError extends Error {
  constructor(
    readonly reason: ListingFailure,
    readonly url: string,
    readonly status: number | null = null,
  ) {
    super(`${reason} ${url}`);
    this.name = 'ListingError';
  }
}

/** Finds why a request that rejected got no answer (tests replace it; failure.ts asks the host once). */
export type Diagnose = (url: string) => Promise<Unanswered>;

/** The ListingError for a request that rejected: out of time when the caller gave up, else what the host says. */
async function unanswered(url: string, signal: AbortSignal | undefined, diagnose: Diagnose): Promise<ListingError> {
  return new ListingError(signal?.aborted ? 'timeout' : await diagnose(url), url);
}

/** The URL of a source's listing API for a repository; null for a classroom server (a folder: no API). */
export function listingUrl(source: SourceId, repo: string, origins: Partial<Record<SourceId, string>> = {}): string | null {
  switch (source) {
    case 'huggingface':
    case 'hf-mirror':
      return `${sourceOrigin(source, origins)}/api/models/${repo}/tree/main?recursive=true`;
    case 'modelscope':
      return `${sourceOrigin(source, origins)}/api/v1/models/${repo}/repo/files?Revision=master&Recursive=true`;
    case 'classroom':
      return null;
  }
}

/** The Hub's tree listing (hf-mirror.com answers the same): an array of `{type: 'file' | 'directory', path, size,
 * lfs?: {size}}`. Null when the answer is not such a list. */
export function parseHubTree(json: unknown): RepoFile[] | null {
  if (!Array.isArray(json)) return null;
  const files: RepoFile[] = [];
  for (const entry of json as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { type, path, size, lfs } = entry as { type?: unknown; path?: unknown; size?: unknown; lfs?: { size?: unknown } };
    if (type !== 'file' || typeof path !== 'string') continue;
    const bytes = typeof lfs?.size === 'number' ? lfs.size : size;
    if (typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0) files.push({ path, size: bytes });
  }
  return files;
}

/** The URL of the next page a paginated answer names in its `Link` header (`<url>; rel="next"`, RFC 8288), or null.
 * The Hub's tree API pages a long listing (1,000 entries a page, `&cursor=…`); hf-mirror.com passes the header on. */
export function nextPageUrl(link: string | null, base: string): string | null {
  for (const part of (link ?? '').split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(match?.[2] ?? '');
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (match && relations.includes('next')) return new URL(match[1]!, base).href;
  }
  return null;
}

/** At most this many pages are followed (the Hub's pages hold 1,000 entries: far more than any model repository). */
export const MAX_LISTING_PAGES = 100;

/** The files of the pages after the first, following each answer's `Link: <…>; rel="next"` until there is none.
 * A next page on another origin is asked of the API's own (a mirror's header may name huggingface.co, which is
 * what the mirror stands in for). A page that fails, or that is not a listing, makes the listing unreachable: a
 * partial list would hide precisions. */
async function laterPages(first: Response, api: string, signal: AbortSignal | undefined, diagnose: Diagnose): Promise<RepoFile[]> {
  const origin = new URL(api).origin;
  const files: RepoFile[] = [];
  const seen = new Set([api]);
  let response = first;
  for (let page = 1; ; page++) {
    const next = nextPageUrl(response.headers.get('link'), response.url || api);
    if (!next) return files;
    const url = new URL(next);
    const sameOrigin = `${origin}${url.pathname}${url.search}`;
    if (seen.has(sameOrigin) || page >= MAX_LISTING_PAGES) throw new ListingError('error', sameOrigin);
    seen.add(sameOrigin);
    try {
      response = await sourceFetch(sameOrigin, { signal, headers: { accept: 'application/json' } });
    } catch {
      throw await unanswered(sameOrigin, signal, diagnose);
    }
    const more = response.ok ? parseHubTree(await response.json().catch(() => undefined)) : null;
    if (!more) throw new ListingError('error', sameOrigin, response.status);
    files.push(...more);
  }
}

/** ModelScope's listing: `{Code: 200, Success: true, Data: {Files: [{Path, Size, Type: 'blob' | 'tree'}]}}`.
 * `not-found` when ModelScope says it failed (`Success: false`, the answer for a repository it does not hold);
 * null when the answer is not such an object. */
export function parseModelScopeFiles(json: unknown): RepoFile[] | 'not-found' | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const answer = json as { Success?: unknown; Code?: unknown; Data?: { Files?: unknown } | null };
  if (answer.Success === false || (typeof answer.Code === 'number' && answer.Code !== 200)) return 'not-found';
  const list = answer.Data?.Files;
  if (!Array.isArray(list)) return null;
  const files: RepoFile[] = [];
  for (const entry of list as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { Path, Size, Type } = entry as { Path?: unknown; Size?: unknown; Type?: unknown };
    if (Type === 'tree' || typeof Path !== 'string') continue;
    if (typeof Size === 'number' && Number.isFinite(Size) && Size >= 0) files.push({ path: Path, size: Size });
  }
  return files;
}

/** The files the loader reads besides the graph (src/engine/models/folder.ts). */
export const SHARED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** Optimum's two-graph fp32 layout. */
export const OPTIMUM_FILES = ['onnx/decoder_model.onnx', 'onnx/decoder_with_past_model.onnx'] as const;

/** External data files are named after their graph (`onnx/model.onnx_data`, then `…_data_1`, `…_data_2`…). */
function isExternalDataOf(graph: string, path: string): boolean {
  return path === `${graph}_data` || new RegExp(`^${graph.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_data_\\d+$`).test(path);
}

/** The answer to a probe: the file's size, 'missing', 'refused' (a web page from another site where a file was
 * expected, or 403), or null when the server answered but gave no size. */
type Probe = number | 'missing' | 'refused' | null;

/** What an answer to a probe says before its size is read: missing, refused, or go on. */
function verdictOf(response: Response, url: string, path: string): 'missing' | 'refused' | 'go-on' {
  const verdict = readAnswer(response.status, response.headers.get('content-type') ?? '', path, isCrossOrigin(url));
  return verdict === 'missing' || verdict === 'refused' ? verdict : 'go-on';
}

/** The size of one file of a folder without downloading it: HEAD; where HEAD gives no length (or is refused: a
 * CDN's signed URL may refuse HEAD with 403), a one-byte Range request, whose Content-Range names the whole length
 * (its body is dropped unread). Rejects when the source gives no answer at all. */
export async function probeFile(folderUrl: string, path: string, signal?: AbortSignal): Promise<Probe> {
  const url = `${folderUrl.replace(/\/+$/, '')}/${path}`;
  const head = await sourceFetch(url, { method: 'HEAD', signal });
  const said = verdictOf(head, url, path);
  if (said === 'missing' || (said === 'refused' && head.status !== 403)) return said;
  const length = Number(head.headers.get('content-length'));
  if (head.ok && head.headers.get('content-length') !== null && Number.isFinite(length) && !head.headers.get('content-encoding'))
    return length;
  const controller = new AbortController();
  const stop = () => controller.abort();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    const ranged = await sourceFetch(url, { headers: { Range: 'bytes=0-0' }, signal: controller.signal });
    const verdict = verdictOf(ranged, url, path);
    if (verdict !== 'go-on') return verdict;
    const total = /\/(\d+)\s*$/.exec(ranged.headers.get('content-range') ?? '');
    const whole = ranged.status === 200 ? Number(ranged.headers.get('content-length')) : NaN;
    return total ? Number(total[1]) : Number.isFinite(whole) && whole >= 0 ? whole : null;
  } finally {
    controller.abort(); // the body, if the server sent the whole file
    signal?.removeEventListener('abort', stop);
  }
}

/** The known files of a folder and their sizes, found one request per name: config.json first (a source that
 * does not answer is asked once, not once per name), then the tokenizer, every precision's graph, Optimum's two
 * graphs, and the external data of each graph that exists (`_data`, then `_data_1`… until one is missing). A file
 * the server answers for without a size counts as missing: a size shown is a size read. Rejects with a
 * ListingError when config.json gets no answer, is refused, or is not there. */
export async function probeRepository(folderUrl: string, signal?: AbortSignal, diagnose: Diagnose = whyUnanswered): Promise<RepoFile[]> {
  const configUrl = `${folderUrl.replace(/\/+$/, '')}/config.json`;
  let config: Probe;
  try {
    config = await probeFile(folderUrl, 'config.json', signal);
  } catch {
    throw await unanswered(configUrl, signal, diagnose);
  }
  if (config === 'refused') throw new ListingError('refused', configUrl);
  if (typeof config !== 'number') throw new ListingError('not-found', configUrl);
  const found: RepoFile[] = [{ path: 'config.json', size: config }];
  const ask = async (path: string): Promise<boolean> => {
    const size = await probeFile(folderUrl, path, signal);
    if (typeof size !== 'number') return false;
    found.push({ path, size });
    return true;
  };
  const graphs = [...DTYPES.map((dtype) => DTYPE_FILES[dtype]), ...OPTIMUM_FILES];
  try {
    await Promise.all([
      ...SHARED_FILES.filter((file) => file !== 'config.json').map(ask),
      ...graphs.map(async (graph) => {
        if (!(await ask(graph)) || !(await ask(`${graph}_data`))) return;
        for (let part = 1; part < 64 && (await ask(`${graph}_data_${part}`)); part++);
      }),
    ]);
  } catch {
    throw await unanswered(folderUrl, signal, diagnose);
  }
  const order = [...SHARED_FILES, ...graphs] as string[];
  const rank = (path: string) => order.findIndex((file) => path === file || path.startsWith(`${file}_data`));
  return found.sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path, 'en', { numeric: true }));
}

/** A repository's files from a source: its listing API, or, for a classroom server (and a source whose API refuses
 * this page while its files may not, or answers with something else than a listing), by probing. Rejects with a
 * ListingError. An API that gets no answer at all is not followed by probing: the files live on the same host. */
export async function listRepository(
  source: SourceId,
  repo: string,
  {
    classroomPath,
    origins = {},
    signal,
    diagnose = whyUnanswered,
  }: { classroomPath?: string; origins?: Partial<Record<SourceId, string>>; signal?: AbortSignal; diagnose?: Diagnose } = {},
): Promise<RepoListing> {
  const api = listingUrl(source, repo, origins);
  const folder = sourceFolderUrl(source, repo, classroomPath, origins);
  if (api) {
    let response: Response | null = null;
    try {
      response = await sourceFetch(api, { signal, headers: { accept: 'application/json' } });
    } catch {
      const failure = await unanswered(api, signal, diagnose);
      if (failure.reason !== 'refused') throw failure;
    }
    if (response) {
      if (response.status === 401 || response.status === 404) throw new ListingError('not-found', api); // the Hub: 401 for a repository it does not show
      if (response.status === 403) throw new ListingError('refused', api, 403);
      const json: unknown = response.ok ? await response.json().catch(() => undefined) : undefined;
      const files = source === 'modelscope' ? parseModelScopeFiles(json) : parseHubTree(json);
      if (files === 'not-found') throw new ListingError('not-found', api);
      if (files)
        return {
          files: source === 'modelscope' ? files : [...files, ...(await laterPages(response, api, signal, diagnose))],
          method: 'api',
        };
      if (!response.ok) throw new ListingError('error', api, response.status);
    }
  }
  return { files: await probeRepository(folder, signal, diagnose), method: 'probe' };
}

/** One precision a repository offers: its graph file(s) with their external data, and their bytes. */
export interface PrecisionChoice {
  dtype: Dtype;
  /** Optimum's two-graph layout (fp32 only, when there is no `onnx/model.onnx`). */
  optimum: boolean;
  files: RepoFile[];
  /** Graph and external data together. */
  bytes: number;
}

/** The precisions a repository's files offer, in DTYPES order. */
export function precisionChoices(files: readonly RepoFile[]): PrecisionChoice[] {
  const withData = (graph: RepoFile) => [graph, ...files.filter((file) => isExternalDataOf(graph.path, file.path))];
  const choices: PrecisionChoice[] = [];
  for (const dtype of DTYPES) {
    const graph = files.find((file) => file.path === DTYPE_FILES[dtype]);
    let chosen: RepoFile[] | null = graph ? withData(graph) : null;
    let optimum = false;
    if (!chosen && dtype === 'fp32') {
      const pair = OPTIMUM_FILES.map((path) => files.find((file) => file.path === path));
      if (pair.every(Boolean)) {
        chosen = pair.flatMap((file) => withData(file!));
        optimum = true;
      }
    }
    if (chosen) choices.push({ dtype, optimum, files: chosen, bytes: chosen.reduce((sum, file) => sum + file.size, 0) });
  }
  return choices;
}

/** The bytes the loader reads besides the graph: config and tokenizer. */
export function sharedBytes(files: readonly RepoFile[]): number {
  return files.filter((file) => (SHARED_FILES as readonly string[]).includes(file.path)).reduce((sum, file) => sum + file.size, 0);
}

/** The choice the engine would make by itself (precision.ts: the backend's default, else the smallest up). */
export function defaultChoice(choices: readonly PrecisionChoice[], preferred: Dtype): PrecisionChoice | null {
  for (const { file, stepFile } of hubGraphChoices(null, preferred)) {
    const found = choices.find((choice) => (stepFile ? choice.optimum : !choice.optimum && choice.files[0]!.path === file));
    if (found) return found;
  }
  return null;
}

/** A rough estimate of the memory a model takes once running: the downloaded bytes stay in the page's worker
 * while onnxruntime holds its own copy of the weights, so about twice the files. The views' captures come on top. */
export function memoryEstimate(bytes: number): number {
  return 2 * bytes;
}

/** The 4 GiB an onnxruntime-web WebAssembly instance can address (32-bit memory): the weights must fit in it. */
export const WASM_MEMORY_LIMIT = 4 * 1024 ** 3;

/** A download at least this large asks before it starts (suggested models weigh 0.1–2 GB). */
export const LARGE_DOWNLOAD = 100e6;

/** What the browser tells of its room: free storage for the origin (`navigator.storage.estimate()`: quota − usage),
 * and the device's memory (`navigator.deviceMemory`, in GiB, rounded down and capped at 8 by Chromium). */
export interface DeviceBudget {
  storageFree: number | null;
  deviceMemory: number | null;
}

export type FitProblem = 'wasm-memory' | 'device-memory' | 'storage';

export interface Fit {
  /** `too-big`: it cannot run here; `warn`: it may not, or will not be kept; `ok`. */
  level: 'ok' | 'warn' | 'too-big';
  problems: FitProblem[];
}

/** Whether a download of `download` bytes whose graphs take `modelBytes` fits this browser. */
export function assessFit(download: number, modelBytes: number, budget: DeviceBudget): Fit {
  const memory = memoryEstimate(modelBytes);
  const problems: FitProblem[] = [];
  if (memory > WASM_MEMORY_LIMIT) problems.push('wasm-memory');
  // Chromium caps deviceMemory at 8 (8 means "8 GiB or more"): only a smaller figure can say a model is too big.
  const device = budget.deviceMemory;
  if (device !== null && device > 0 && device < 8 && memory > (device * 1024 ** 3) / 2) problems.push('device-memory');
  if (budget.storageFree !== null && download > budget.storageFree) problems.push('storage');
  return { level: problems.includes('wasm-memory') ? 'too-big' : problems.length ? 'warn' : 'ok', problems };
}

/** A smaller precision to suggest when `chosen` does not fit: the largest of the smaller ones that fits, else the
 * smallest of all; null when there is none smaller. */
export function smallerChoice(
  choices: readonly PrecisionChoice[],
  chosen: PrecisionChoice,
  shared: number,
  budget: DeviceBudget,
): PrecisionChoice | null {
  const smaller = choices.filter((choice) => choice.bytes < chosen.bytes).sort((a, b) => b.bytes - a.bytes);
  return smaller.find((choice) => assessFit(choice.bytes + shared, choice.bytes, budget).level === 'ok') ?? smaller.at(-1) ?? null;
}
