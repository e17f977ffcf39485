// Hub models through the app, against a mirror of the Hub's URL layout on the test server (the Hub itself is out of
// reach here): progress, the Cache API (a second load makes no request), a download that breaks off, 404, delete.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { compareWithRecompute, launch, openApp, waitForRuns } from './browser';

async function download(page: Page, repo: string) {
  const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
  await page.fill('input[data-control=hub-repo]', repo);
  await page.click('[data-action=hub-load]');
  return before;
}

// What the mirror serves for test-owner/flow-gpt2-tiny: the folder's files, its KV-cache graph as onnx/model.onnx.
const MODEL_DIR = resolve(import.meta.dirname, '../../public/models/flow-gpt2-tiny');
const storedFiles = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/decoder_model_merged.onnx'];
const storedBytes = storedFiles.reduce((sum, file) => sum + statSync(resolve(MODEL_DIR, file)).size, 0);

describe('Hub models', () => {
  let browser: Browser;
  beforeAll(async () => (browser = await launch()));
  afterAll(async () => browser?.close());

  it('downloads with progress to 100 %, runs, is stored with its size, and loads again with no request', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const hubRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/hub/')) hubRequests.push(request.url());
    });
    await page.goto(`${inject('baseUrl')}?debug=1&lang=en&backend=wasm&hub=/hub&max=3`);
    await waitForRuns(page, 1);
    const before = await download(page, 'test-owner/flow-gpt2-tiny');
    await waitForRuns(page, before + 1);
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('test-owner/flow-gpt2-tiny');
    const progress = (await page.evaluate(() => window.__flow!.slot.progress))!;
    expect(progress.file).toBe('onnx/model.onnx');
    expect(progress.loaded).toBe(progress.total);
    expect(hubRequests.some((url) => url.endsWith('/resolve/main/onnx/model.onnx'))).toBe(true);
    await page.waitForSelector('li[data-repo="test-owner/flow-gpt2-tiny"]');
    const stored = await page.locator('li[data-repo="test-owner/flow-gpt2-tiny"]').textContent();
    const [, megabytes, files] = /([\d.]+) MB in (\d+) files/.exec(stored ?? '') ?? [];
    expect(Number(files)).toBe(storedFiles.length);
    expect(Number(megabytes)).toBeCloseTo(storedBytes / 1e6, 1);

    hubRequests.length = 0;
    await page.reload();
    await waitForRuns(page, 1);
    const again = await download(page, 'test-owner/flow-gpt2-tiny');
    await waitForRuns(page, again + 1);
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('test-owner/flow-gpt2-tiny');
    expect(hubRequests).toEqual([]);

    await page.click('li[data-repo="test-owner/flow-gpt2-tiny"] [data-action=hub-delete]');
    await page.waitForSelector('li[data-repo="test-owner/flow-gpt2-tiny"]', { state: 'detached' });
    await context.close();
  });

  for (const [repo, kind, files] of [
    ['optimum-owner/optimum-gpt2-tiny', 'two-graph', ['onnx/decoder_model.onnx', 'onnx/decoder_with_past_model.onnx']],
    ['test-owner/flow-llama-tiny', 'cached', ['onnx/model.onnx']],
    ['no-past-owner/optimum-gpt2-tiny', 'full', ['onnx/model.onnx']],
  ] as const) {
    it(`runs ${repo} (${kind}), and its logits equal a full recompute`, async () => {
      const page = await openApp(browser, { backend: 'wasm', query: { hub: '/hub', max: '4' } });
      await waitForRuns(page, 1);
      const before = await download(page, repo);
      await waitForRuns(page, before + 1);
      const model = (await page.evaluate(() => window.__flow!.slot.model))!;
      expect(model.graphKind).toBe(kind);
      expect(model.graphFiles).toEqual(files);
      const check = await compareWithRecompute(page);
      expect(check.generated).toBe(4);
      expect(check.plainVsTrace).toBeLessThan(1e-4);
      // The KV-cache tab says whether this graph has a cache; its check compares what a cache holds, or would hold
      // (each position as the pass that first computed it left it), with a recompute of the whole sequence.
      await page.click('button[data-tab=cache]');
      expect(await page.locator('[data-view=cache] p').first().textContent()).toContain(
        kind === 'full' ? 'This graph has no KV cache' : 'come from the cache',
      );
      await page.click('[data-action=check-cache]');
      const result = page.locator('[data-testid=cache-check]');
      await result.waitFor({ timeout: 60_000 });
      expect(await result.getAttribute('data-rounding')).toBe('true');
      expect(await result.textContent()).toContain(kind === 'full' ? 'in the pass that first computed it' : 'from the cached values');
      await page.close();
    });
  }

  it('completes a download that breaks off halfway', async () => {
    const page = await openApp(browser, { backend: 'wasm', query: { hub: '/hub', max: '2' } });
    await waitForRuns(page, 1);
    const before = await download(page, 'flaky-owner/flow-llama-tiny');
    await waitForRuns(page, before + 1);
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('flaky-owner/flow-llama-tiny');
    await expect(page.locator('.error').count()).resolves.toBe(0);
    await page.close();
  });

  it('runs a model the full storage cannot hold, says so in both languages, and keeps no half-stored copy', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${inject('baseUrl')}?debug=1&lang=zh-CN&backend=wasm&hub=/hub&max=2`);
    await waitForRuns(page, 1);
    // A 2 MB quota: config and tokenizer fit, the 5 MB graph does not (QuotaExceededError from Cache.put).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(inject('baseUrl')).origin, quotaSize: 2_000_000 });
    const before = await download(page, 'test-owner/flow-gpt2-tiny');
    await waitForRuns(page, before + 1);
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('test-owner/flow-gpt2-tiny');
    await expect(page.locator('[data-notice=storage-full]').textContent()).resolves.toContain('存储空间已满');
    await expect(page.locator('[data-offline=storage-full]').textContent()).resolves.toContain('需要联网');
    await page.click('[data-action=language]');
    await expect(page.locator('[data-notice=storage-full]').textContent()).resolves.toContain('storage is full');
    // Nothing half-stored is listed, and the prompt the learner had is still there.
    await expect(page.locator('li[data-repo="test-owner/flow-gpt2-tiny"]').count()).resolves.toBe(0);
    await expect(page.evaluate(async () => (await (await caches.open('hub-models')).keys()).length)).resolves.toBe(0);
    await expect(page.inputValue('#prompt-input')).resolves.not.toBe('');
    await context.close();
  });

  it('says clearly when a repository does not exist or the name is not one, and stays usable', async () => {
    const page = await openApp(browser, { backend: 'wasm', query: { hub: '/hub', max: '2' } });
    await waitForRuns(page, 1);
    await page.fill('input[data-control=hub-repo]', 'not a repo');
    await page.click('[data-action=hub-load]');
    await expect(page.locator('.error[data-code=repo-invalid]').isVisible()).resolves.toBe(true);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
    await download(page, 'test-owner/no-such-model');
    // Listing the classroom server finds no config.json: said before any download, naming the repository, and the
    // model that was running stays loaded and usable.
    await page.waitForSelector('.error[data-code=model-not-found]');
    await expect(page.locator('.error[data-code=model-not-found]').textContent()).resolves.toContain('test-owner/no-such-model');
    expect(requests.filter((line) => line.startsWith('GET /hub/'))).toEqual([]);
    await expect(page.evaluate(() => window.__flow!.slot.modelName)).resolves.toBe('flow-gpt2-tiny');
    await page.click('[data-action=generate]');
    await waitForRuns(page, 2);
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('flow-gpt2-tiny');
    await page.close();
  });
});

describe('a model from the learner’s disk', () => {
  it('opens a folder with config.json, tokenizer.json and an ONNX file, runs it, and uploads nothing', async () => {
    const browser = await launch();
    try {
      const page = await openApp(browser, { backend: 'wasm', query: { max: '3' } });
      const requests: string[] = [];
      await waitForRuns(page, 1);
      // The embedded model is stored for offline use once the service worker is up: let that finish first.
      await page.waitForSelector('[data-offline]', { timeout: 60_000 });
      page.on('request', (request) => requests.push(request.url()));
      const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
      await page.setInputFiles('input[data-control=local-folder]', resolve(import.meta.dirname, '../../public/models/flow-llama-tiny'));
      await waitForRuns(page, before + 1);
      await expect(page.evaluate(() => window.__flow!.runs.trace!.config.architecture)).resolves.toBe('llama');
      await expect(page.evaluate(() => window.__flow!.slot.modelName)).resolves.toBe('flow-llama-tiny');
      expect(requests.filter((url) => url.includes('/models/'))).toEqual([]);
      await expect(page.locator('.error').count()).resolves.toBe(0);
      await page.close();
    } finally {
      await browser.close();
    }
  });
});
