// A class pack (npm run class-pack) served by a plain static server that sends no COOP/COEP headers (Python's
// http.server): the service worker makes the page cross-origin isolated from its next load, the pack's model is
// listed first on the classroom source and runs, and with the server gone the page reloads and runs it again.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { clickAndWait, launch, waitForRuns } from './browser';

const ROOT = resolve(import.meta.dirname, '../..');
/** The untied Qwen2 fixture (it ships a q4f16 graph) with the tokenizer it is served with elsewhere (server.mjs). */
const REPO = 'qwen-owner/qwen2-untied-tiny';

let folder: string;
let site: string;
let port: number;
let server: ChildProcess | null = null;

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolvePort(free));
    });
  });
}

async function startStaticServer(): Promise<void> {
  server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', site], { stdio: 'ignore' });
  for (let tries = 0; tries < 100; tries++) {
    if (
      await fetch(`http://127.0.0.1:${port}/classroom.json`).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await new Promise((wait) => setTimeout(wait, 100));
  }
  throw new Error('the static server did not start');
}

async function stopStaticServer(): Promise<void> {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolveExit) => server!.once('exit', resolveExit));
  server.kill();
  await exited;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'class-pack-'));
  // A repository folder as a download leaves it: config, tokenizer and every precision's graph.
  const repository = join(folder, 'qwen2-untied-tiny');
  await mkdir(repository);
  await cp(join(ROOT, 'test/fixtures/hub/qwen2-untied-tiny'), repository, {
    recursive: true,
    filter: (path) => !path.endsWith('reference.json'),
  });
  for (const file of ['tokenizer.json', 'tokenizer_config.json'])
    await cp(join(ROOT, 'test/fixtures/hub/optimum-gpt2-tiny', file), join(repository, file));
  site = join(folder, 'site');
  const pack = spawnSync(
    'node',
    ['tools/class-pack.mjs', '--model', `${REPO}=${repository}`, '--dtype', 'q4f16', '--app', 'dist', '--out', site],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(pack.stderr).toBe('');
  expect(pack.status).toBe(0);
  port = await freePort();
  await startStaticServer();
});

afterAll(async () => {
  await stopStaticServer();
  await rm(folder, { recursive: true, force: true });
});

const isolated = (page: Page) => page.evaluate(() => crossOriginIsolated).catch(() => false);

/** Loads the pack's model from its entry in the Hub panel and waits for the run that follows the load. */
async function runPackModel(page: Page): Promise<void> {
  const runs = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
  await page.click(`[data-class-pack="${REPO}"] button`);
  await waitForRuns(page, runs + 1);
  await expect(page.locator('#model-picker').inputValue()).resolves.toBe(REPO);
  await expect(page.locator('p.precision[data-dtype]').getAttribute('data-dtype')).resolves.toBe('q4f16');
}

describe('class pack on a plain static server', () => {
  it('without a service worker, says why WASM runs on one thread', async () => {
    const browser = await launch();
    try {
      const context = await browser.newContext({ locale: 'en-US' });
      // As in a private window: registration refused.
      await context.addInitScript(() => {
        ServiceWorkerContainer.prototype.register = () => Promise.reject(new DOMException('refused', 'SecurityError'));
      });
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/?backend=wasm`);
      await waitForRuns(page, 1);
      await expect(isolated(page)).resolves.toBe(false);
      const note = page.locator('[data-notice=single-thread]');
      await note.waitFor();
      await expect(note.getAttribute('data-why')).resolves.toBe('no-service-worker');
      await expect(note.textContent()).resolves.toContain('one thread');
      await context.close();
    } finally {
      await browser.close();
    }
  });

  it('is cross-origin isolated from its next load, opens on the classroom source with its model first, runs it, and again offline', async () => {
    const browser = await launch();
    try {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      let loads = 0;
      page.on('load', () => loads++);
      // No URL parameters: classroom.json alone says what the page opens on.
      await page.goto(`http://127.0.0.1:${port}/`);
      await expect(isolated(page)).resolves.toBe(false);
      await waitForRuns(page, 1);
      // After the first run the service worker installs; the page, which is playing its first run, does not reload
      // itself: it says it is isolated from its next load. The next load is.
      await page.waitForSelector('[data-notice=single-thread][data-why=later]', { timeout: 90_000 });
      expect(loads).toBe(1);
      await page.reload();
      await expect(isolated(page)).resolves.toBe(true);
      expect(loads).toBe(2);
      await waitForRuns(page, 1);
      await expect(page.locator('select[data-control=model-source]').inputValue()).resolves.toBe('classroom');
      await expect(page.locator('[data-notice=source-reason]').textContent()).resolves.toContain('class pack');
      await expect(page.locator('.hub li').first().getAttribute('data-class-pack')).resolves.toBe(REPO);
      await expect(page.locator('[data-notice=single-thread]').count()).resolves.toBe(0);
      // The engine's worker, where onnxruntime-web starts its threads, is isolated too.
      expect(page.workers().length).toBeGreaterThan(0);
      for (const worker of page.workers())
        await expect(worker.evaluate(() => crossOriginIsolated && typeof SharedArrayBuffer === 'function')).resolves.toBe(true);

      await runPackModel(page);
      await expect(clickAndWait(page, 'generate')).resolves.not.toBe('');
      await page.locator(`[data-repo="${REPO}"]`).waitFor(); // stored in this browser

      // The server goes away: the service worker serves the app (isolated still), the caches the models.
      await stopStaticServer();
      await page.reload();
      await waitForRuns(page, 1);
      await expect(isolated(page)).resolves.toBe(true);
      await runPackModel(page);
      await expect(clickAndWait(page, 'generate')).resolves.not.toBe('');
      expect(loads).toBe(3); // no reload for isolation this time
      expect(errors).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
