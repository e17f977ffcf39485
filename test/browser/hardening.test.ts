// Hardening in Chromium: a strict CSP with no violation, no request leaving the page's origin, hostile URL
// parameters, a 100,000-character prompt, and rapid clicks. The app stays usable and keeps what the learner had.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { inject } from 'vitest';
import { clickAndWait, launch, openApp, pageErrors, setControls, waitForRuns } from './browser';

describe('hardening', () => {
  let browser: Browser;
  beforeAll(async () => (browser = await launch()));
  afterAll(async () => browser?.close());

  for (const backend of ['webgpu', 'wasm'] as const) {
    it(`runs under the strict Content-Security-Policy with no violation, and requests nothing from another origin (${backend})`, async () => {
      const html = await readFile(resolve(import.meta.dirname, '../../dist/index.html'), 'utf8');
      expect(html).toContain('http-equiv="Content-Security-Policy"');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      const page = await browser.newPage();
      const foreign: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(inject('baseUrl')) && !request.url().startsWith('blob:') && !request.url().startsWith('data:'))
          foreign.push(request.url());
      });
      await page.addInitScript(() => {
        (window as any).__violations = [];
        document.addEventListener('securitypolicyviolation', (event) =>
          (window as any).__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
        );
      });
      // (Six tokens: enough to draw every view once; WebGPU here is a CPU emulation.)
      await page.goto(`${inject('baseUrl')}?debug=1&lang=en&backend=${backend}&max=6`);
      await waitForRuns(page, 1);
      await page.click('button[data-tab=attention]');
      await page.click('button[data-tab=sampling]');
      await expect(page.evaluate(() => (window as any).__violations)).resolves.toEqual([]);
      await expect(page.locator('[data-testid=status]').getAttribute('data-stop')).resolves.toBe('max-tokens');
      expect(foreign).toEqual([]);
      await page.close();
    });
  }

  it('ignores malformed or hostile URL parameters and shows text as text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const page = await openApp(browser, {
      query: {
        t: 'abc',
        k: '-5',
        p: '9',
        seed: 'x',
        max: '99999',
        frame: '-3',
        backend: '<script>',
        lang: 'xx',
        model: 'https://evil.example/m',
        prompt: hostile,
      },
    });
    await waitForRuns(page, 1);
    await expect(page.inputValue('#prompt-input')).resolves.toBe(hostile);
    await expect(page.evaluate(() => (window as any).__pwned)).resolves.toBeUndefined();
    await expect(page.locator('img').count()).resolves.toBe(0);
    await expect(page.locator('.model .name').textContent()).resolves.toBe('flow-gpt2-tiny');
    await expect(page.inputValue('input[name=topK]')).resolves.toBe('40');
    await expect(page.inputValue('input[name=maxNewTokens]')).resolves.toBe('24');
    await expect(page.locator('[data-testid=completion]').textContent()).resolves.toContain('<img src=x');
    await page.close();
  });

  it('takes a 100,000-character prompt: truncated from the left with a notice, the prompt kept', async () => {
    const page = await openApp(browser, { backend: 'wasm' });
    await waitForRuns(page, 1);
    const huge = 'Lily had a red ball. 小明和小红在公园玩。'.repeat(3300).slice(0, 100_000);
    await page.locator('#prompt-input').fill(huge);
    await page.locator('input[name=maxNewTokens]').fill('2');
    await clickAndWait(page, 'generate');
    await expect(page.locator('[data-notice=truncated]').isVisible()).resolves.toBe(true);
    const kept = await page.inputValue('#prompt-input');
    expect(kept.length).toBe(100_000);
    await page.close();
  });

  it('switches models in the middle of a generation: the run stops, the other model loads and runs, nothing crashes', async () => {
    const page = await openApp(browser, { backend: 'wasm' });
    const errors = pageErrors(page);
    await waitForRuns(page, 1);
    await setControls(page, 'Once upon a time', { maxNewTokens: 200, temperature: 1, topK: 0, topP: 1 });
    await page.click('[data-action=generate]');
    await page.waitForFunction(() => (window.__flow!.runs.trace?.steps.length ?? 0) >= 2 && window.__flow!.runs.generating);
    await page.selectOption('select[data-control=model]', { value: 'flow-llama-tiny' });
    await page.waitForFunction(
      () =>
        window.__flow!.runs.trace?.modelName === 'flow-llama-tiny' && !window.__flow!.runs.generating && !window.__flow!.slot.loadingFirst,
      undefined,
      { timeout: 60_000 },
    );
    expect(['max-tokens', 'eos']).toContain(await page.locator('[data-testid=status]').getAttribute('data-stop'));
    await expect(page.locator('.error').count()).resolves.toBe(0);
    await expect(page.inputValue('#prompt-input')).resolves.toBe('Once upon a time');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('survives rapid clicks on Generate, Stop and Step, then generates normally', async () => {
    const page = await openApp(browser, { backend: 'wasm' });
    const errors = pageErrors(page);
    await waitForRuns(page, 1);
    await setControls(page, 'Tom and Mia', { maxNewTokens: 200, temperature: 1 });
    for (let i = 0; i < 5; i++) {
      await page.click('[data-action=generate]', { force: true, noWaitAfter: true, timeout: 2000 }).catch(() => {});
      await page.click('[data-action=stop]', { force: true, noWaitAfter: true, timeout: 2000 }).catch(() => {});
      await page.click('[data-action=step]', { force: true, noWaitAfter: true, timeout: 2000 }).catch(() => {});
      await page.click('[data-action=language]');
    }
    await page.waitForFunction(() => !window.__flow!.runs.generating, undefined, { timeout: 60_000 });
    await setControls(page, 'Tom and Mia', { maxNewTokens: 3, temperature: 0 });
    const stop = await clickAndWait(page, 'generate');
    expect(stop).toBe('max-tokens');
    expect(errors).toEqual([]);
    await expect(page.inputValue('#prompt-input')).resolves.toBe('Tom and Mia');
    await page.close();
  });
});
