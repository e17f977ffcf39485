// Model folders over HTTP in the Hugging Face Hub's URL layout (`/{owner}/{name}/resolve/main/{file}`), served by a
// local server started here: progress to 100 %, a connection dropped halfway resumed with a Range request, 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadModelFolder, CACHED_GRAPH, type FileProgress } from '../../src/engine/models/folder';
import { EngineError } from '../../src/engine/errors';

const MODEL_DIR = resolve(__dirname, '../../public/models/flow-gpt2-tiny');
let server: Server;
let base = '';
const requests: { path: string; range: string | undefined }[] = [];
let dropNext = false;

beforeAll(async () => {
  server = createServer((request, response) => {
    const match = /^\/test-owner\/(flow-gpt2-tiny|missing-repo)\/resolve\/main\/(.+)$/.exec(request.url ?? '');
    requests.push({ path: request.url ?? '', range: request.headers.range });
    if (!match || match[1] === 'missing-repo') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(resolve(MODEL_DIR, match[2]!));
    } catch {
      response.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      response.writeHead(206, {
        'content-length': bytes.length - start,
        'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
      });
      response.end(bytes.subarray(start));
      return;
    }
    response.writeHead(200, { 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
    if (dropNext && match[2]!.endsWith('.onnx')) {
      dropNext = false;
      response.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => response.destroy(), 20));
      return;
    }
    response.end(bytes);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('model folders in the Hub layout', () => {
  it('loads with progress events that reach 100 %', async () => {
    const events: FileProgress[] = [];
    const folder = await loadModelFolder(`${base}/test-owner/flow-gpt2-tiny/resolve/main`, (p) => events.push(p));
    expect(folder.graph.file).toBe(CACHED_GRAPH);
    const last = events.at(-1)!;
    expect(last.total).toBe(folder.graph.bytes.length);
    expect(last.loaded).toBe(last.total);
  });

  it('resumes a download that breaks off halfway with a Range request, and gets the same bytes', async () => {
    dropNext = true;
    requests.length = 0;
    const folder = await loadModelFolder(`${base}/test-owner/flow-gpt2-tiny/resolve/main`);
    const resumed = requests.find((r) => r.path.endsWith('.onnx') && r.range);
    expect(resumed?.range).toMatch(/^bytes=\d+-$/);
    expect(Buffer.compare(Buffer.from(folder.graph.bytes), readFileSync(resolve(MODEL_DIR, CACHED_GRAPH)))).toBe(0);
  });

  it('says clearly when a repository is not there (404)', async () => {
    const error = await loadModelFolder(`${base}/test-owner/missing-repo/resolve/main`).catch((e) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error.code).toBe('model-not-found');
    expect(String(error.params.url)).toContain('missing-repo/resolve/main/config.json');
  });
});
