// Stand-ins for the real model hosts that refuse or cannot be reached, under their real names: HTTPS servers on
// this machine that Chromium reaches as huggingface.co, hf-mirror.com and modelscope.cn (`--host-resolver-rules`,
// a throwaway certificate accepted with `--ignore-certificate-errors`). So the page's origin, its
// Content-Security-Policy, its cross-origin isolation and the hosts' CORS headers all act as they do for a learner.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './browser';

const MODEL = resolve(import.meta.dirname, '../../public/models/flow-llama-tiny');
/** The repository's files as a source serves them: the embedded Llama's KV-cache graph as onnx/model.onnx. */
const FILES: Record<string, string> = {
  'config.json': 'config.json',
  'tokenizer.json': 'tokenizer.json',
  'tokenizer_config.json': 'tokenizer_config.json',
  'onnx/model.onnx': 'onnx/decoder_model_merged.onnx',
};

export interface Seen {
  method: string;
  path: string;
  referer: string | undefined;
}

export interface RefusingHosts {
  /** Every request each host received, in order. */
  seen: Record<'huggingface.co' | 'hf-mirror.com' | 'modelscope.cn', Seen[]>;
  /** A Chromium that reaches the hosts by their names. */
  browser: Browser;
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** huggingface.co cuts every connection as soon as a request arrives (a reset: the host is out of reach). */
const resetting: Handler = (request) => request.socket.destroy();

/** hf-mirror.com allows only its own site (`Access-Control-Allow-Origin: https://hf-mirror.com`, whatever the
 * page), and answers a file request that names another site in its Referer with a web page. */
const ownSiteOnly: Handler = (request, response) => {
  const headers = { 'access-control-allow-origin': 'https://hf-mirror.com' };
  if (request.url?.startsWith('/api/')) {
    response.writeHead(200, { ...headers, 'content-type': 'application/json' });
    return void response.end(
      JSON.stringify(Object.keys(FILES).map((path) => ({ type: 'file', path, size: statSync(join(MODEL, FILES[path]!)).size }))),
    );
  }
  if (request.headers.referer) {
    response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
    return void response.end('<!DOCTYPE html><html><body><p>Please download from hf-mirror.com</p></body></html>');
  }
  const file = /\/resolve\/main\/(.+)$/.exec(request.url ?? '')?.[1];
  const bytes = file && FILES[file] ? readFileSync(join(MODEL, FILES[file])) : null;
  response.writeHead(bytes ? 200 : 404, { ...headers, 'content-type': 'application/octet-stream' });
  response.end(bytes ?? 'not found');
};

/** modelscope.cn answers web pages (CORS `*`) and lists any repository, but:
 * - `test-owner/…`: its graph's connection is cut after `graphDelayMs` (the download fails once it has begun);
 * - `html-owner/…`: every file comes back as a web page (a refusal dressed as a page). */
function breakingModelScope(graphDelayMs: number): Handler {
  return (request, response) => {
    const headers = { 'access-control-allow-origin': '*' };
    const url = new URL(request.url ?? '/', 'https://modelscope.cn');
    const listing = /^\/api\/v1\/models\/[^/]+\/[^/]+\/repo\/files$/.test(url.pathname);
    if (listing) {
      const files = Object.keys(FILES).map((path) => ({
        Name: path,
        Path: path,
        Size: statSync(join(MODEL, FILES[path]!)).size,
        Type: 'blob',
      }));
      response.writeHead(200, { ...headers, 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ Code: 200, Success: true, Data: { Files: files } }));
    }
    const match = /^\/models\/([^/]+)\/[^/]+\/resolve\/master\/(.+)$/.exec(url.pathname);
    if (match?.[1] === 'html-owner') {
      response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      return void response.end('<!DOCTYPE html><html><body><p>ModelScope</p></body></html>');
    }
    const file = match ? FILES[match[2]!] : undefined;
    if (!file) return void response.writeHead(404, headers).end();
    if (file.endsWith('.onnx')) return void setTimeout(() => request.socket.destroy(), graphDelayMs);
    response.writeHead(200, { ...headers, 'content-type': 'application/json' });
    response.end(readFileSync(join(MODEL, file)));
  };
}

/** Starts the three hosts and a Chromium that reaches them by name. */
export async function startRefusingHosts({ graphDelayMs = 2000 } = {}): Promise<RefusingHosts> {
  const folder = mkdtempSync(join(tmpdir(), 'flow-hosts-'));
  const key = join(folder, 'key.pem');
  const cert = join(folder, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=stand-in', '-days', '2', '-keyout', key, '-out', cert],
    { stdio: 'ignore' },
  );
  const tls = { key: readFileSync(key), cert: readFileSync(cert) };
  rmSync(folder, { recursive: true, force: true });
  const seen: RefusingHosts['seen'] = { 'huggingface.co': [], 'hf-mirror.com': [], 'modelscope.cn': [] };
  const handlers: Record<keyof RefusingHosts['seen'], Handler> = {
    'huggingface.co': resetting,
    'hf-mirror.com': ownSiteOnly,
    'modelscope.cn': breakingModelScope(graphDelayMs),
  };
  const servers: Server[] = [];
  const rules: string[] = [];
  for (const [host, handler] of Object.entries(handlers) as [keyof RefusingHosts['seen'], Handler][]) {
    const server = createServer(tls, (request, response) => {
      seen[host].push({ method: request.method ?? '', path: request.url ?? '', referer: request.headers.referer });
      handler(request, response);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    servers.push(server);
    rules.push(`MAP ${host} 127.0.0.1:${(server.address() as { port: number }).port}`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=${rules.join(', ')}`, '--ignore-certificate-errors'],
  });
  return {
    seen,
    browser,
    async close() {
      await browser.close();
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((done) => server.close(done));
      }
    },
  };
}
