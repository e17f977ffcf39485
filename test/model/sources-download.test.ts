// The loader against local servers that imitate each model source's answers: ModelScope's layout, whose graphs
// redirect to a CDN on another host and whose missing files come back as 200 with a JSON error; the Hub's 404 with
// an HTML body; a CDN that drops the connection halfway (resumed with Range).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HUB_GRAPHS, loadModelFolder } from '../../src/engine/models/folder';
import { sourceFolderUrl } from '../../src/engine/models/sources';
import { EngineError } from '../../src/engine/errors';

const MODEL_DIR = resolve(__dirname, '../../public/models/flow-llama-tiny');
const servers: Server[] = [];
let modelscope = '';
let cdn = '';
let hub = '';
const cdnRequests: { path: string; range: string | undefined }[] = [];
let dropOnce = true;

function listen(server: Server): Promise<string> {
  servers.push(server);
  // Each answer on its own connection, so no kept-alive socket is closed under the next request.
  server.prependListener('request', (_request, response) => response.setHeader('connection', 'close'));
  return new Promise((done) =>
    server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as { port: number }).port}`)),
  );
}

/** The repository's files: its KV-cache graph as the single onnx/model.onnx. */
function repoFile(file: string): Buffer | null {
  try {
    return readFileSync(resolve(MODEL_DIR, file === 'onnx/model.onnx' ? 'onnx/decoder_model_merged.onnx' : file));
  } catch {
    return null;
  }
}

beforeAll(async () => {
  cdn = await listen(
    createServer((request, response) => {
      cdnRequests.push({ path: request.url ?? '', range: request.headers.range });
      const bytes = repoFile(decodeURIComponent((request.url ?? '').replace(/^\/lfs\/[^/]+\/[^/]+\//, '').replace(/\?.*$/, '')));
      if (!bytes) return void response.writeHead(404).end();
      const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        response.writeHead(206, {
          'content-length': bytes.length - start,
          'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`,
        });
        return void response.end(bytes.subarray(start));
      }
      response.writeHead(200, { 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
      if (dropOnce) {
        dropOnce = false;
        response.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => response.destroy(), 20));
        return;
      }
      response.end(bytes);
    }),
  );
  modelscope = await listen(
    createServer((request, response) => {
      const match = /^\/models\/([^/]+)\/([^/]+)\/resolve\/master\/(.+)$/.exec(request.url ?? '');
      const bytes = match && match[2] === 'flow-llama-tiny' ? repoFile(match[3]!) : null;
      if (!match || !bytes || match[3] === 'onnx/decoder_model_merged.onnx') {
        response.writeHead(200, { 'content-type': 'application/json' });
        return void response.end(JSON.stringify({ Code: 10010205001, Message: 'file not found', Success: false }));
      }
      if (match[3]!.endsWith('.onnx')) {
        response.writeHead(302, { location: `${cdn}/lfs/${match[1]}/${match[2]}/${match[3]}?auth_key=1` });
        return void response.end();
      }
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
      response.end(bytes);
    }),
  );
  hub = await listen(
    createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!DOCTYPE html><html><body><h1>404</h1></body></html>');
    }),
  );
});
afterAll(() => Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done())))));

describe('model sources over HTTP', () => {
  it('loads a ModelScope repository through its CDN redirect, resuming a dropped connection, and skips files answered with a JSON error', async () => {
    const url = sourceFolderUrl('modelscope', 'owner/flow-llama-tiny', '/hub', { modelscope });
    const folder = await loadModelFolder(url, () => {}, { graphs: HUB_GRAPHS });
    expect(folder.graph.file).toBe('onnx/model.onnx');
    // Byte for byte (Buffer.equals: toEqual walks a 12 MB array element by element for a minute and a half).
    const expected = repoFile('onnx/model.onnx')!;
    expect(folder.graph.bytes.length).toBe(expected.length);
    expect(Buffer.from(folder.graph.bytes.buffer, folder.graph.bytes.byteOffset, folder.graph.bytes.length).equals(expected)).toBe(true);
    expect(folder.config.architecture).toBe('llama');
    expect(cdnRequests.map((r) => r.range)).toEqual([undefined, `bytes=${folder.graph.bytes.length >> 1}-`]);
  }, 300_000);

  it('says the repository was not found when ModelScope answers its config.json with a JSON error', async () => {
    const url = sourceFolderUrl('modelscope', 'owner/missing', '/hub', { modelscope });
    const error = await loadModelFolder(url, () => {}, { graphs: HUB_GRAPHS }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('model-not-found');
    expect(JSON.stringify((error as EngineError).params)).toContain('config.json');
  });

  it('reads a 404 with an HTML body as missing', async () => {
    const url = sourceFolderUrl('huggingface', 'owner/missing', '/hub', { huggingface: hub });
    const error = await loadModelFolder(url, () => {}, { graphs: HUB_GRAPHS }).catch((e: unknown) => e);
    expect((error as EngineError).code).toBe('model-not-found');
    expect((error as EngineError).params).toMatchObject({ file: 'config.json', where: new URL(hub).host });
  });

  it('names a host that cuts every connection as out of reach, and one that answers 503 as an error, with the host', async () => {
    const refusing = await listen(
      createServer((request, response) => {
        if (request.url?.includes('/busy/')) return void response.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
        request.socket.destroy();
      }),
    );
    const dead = await loadModelFolder(sourceFolderUrl('hf-mirror', 'owner/dead', '/hub', { 'hf-mirror': refusing }), () => {}, {
      graphs: HUB_GRAPHS,
    }).catch((e: unknown) => e);
    expect((dead as EngineError).code).toBe('source-unreachable');
    expect((dead as EngineError).params['host']).toBe(new URL(refusing).host);
    const busy = await loadModelFolder(sourceFolderUrl('hf-mirror', 'busy/model', '/hub', { 'hf-mirror': refusing }), () => {}, {
      graphs: HUB_GRAPHS,
    }).catch((e: unknown) => e);
    expect((busy as EngineError).code).toBe('model-fetch-failed');
    expect((busy as EngineError).params).toMatchObject({ host: new URL(refusing).host, status: 503 });
  });
});
