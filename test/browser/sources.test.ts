// Model sources: the picker, its default, a source that never answers, ModelScope's layout (redirects to its LFS
// CDN, a missing file answered 200 with JSON), one stored copy found from any source, and the CSP that allows
// only the sources. The sources are imitated on the test server (test/browser/server.mjs, `/sources/…`).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, waitForRuns } from './browser';

const REPO = 'test-owner/flow-llama-tiny';

async function openWithSources(browser: Browser, query: Record<string, string>): Promise<Page> {
  const base = inject('baseUrl') as string;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const origin = new URL(base).origin;
  await page.addInitScript((origin) => {
    (globalThis as any).__flowSourceOrigins = {
      huggingface: `${origin}/sources/silent`,
      'hf-mirror': `${origin}/sources/huggingface`,
      modelscope: `${origin}/sources/modelscope`,
    };
  }, origin);
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
});
