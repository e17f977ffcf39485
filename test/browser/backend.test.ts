// "auto" in headless Chromium, whose only WebGPU adapter is SwiftShader (a software renderer): it picks WASM and
// says why; with ?software-gpu=1 it measures both backends as on a real GPU, keeps the faster and remembers it.
// And onnxruntime's warnings stay out of the console.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { clickAndWait, consoleMessages, launch, openApp, pageErrors, setControls, waitForRuns } from './browser';

const CHOICES_KEY = 'transformer-flow.backend-choices';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());

const badge = (page: Page) =>
  page.locator('.backend').evaluate((element: HTMLElement) => ({
    backend: element.dataset['backend'],
    reason: element.dataset['reason'],
    why: element.dataset['why'],
    text: element.textContent?.replace(/\s+/g, ' ').trim() ?? '',
    timings: element.querySelector<HTMLElement>('.timings')
      ? {
          webgpuMs: Number(element.querySelector<HTMLElement>('.timings')!.dataset['webgpuMs']),
          wasmMs: Number(element.querySelector<HTMLElement>('.timings')!.dataset['wasmMs']),
          remembered: element.querySelector<HTMLElement>('.timings')!.dataset['remembered'],
        }
      : null,
  }));

const traceBackend = (page: Page) =>
  page.evaluate(() => {
    const trace = window.__flow!.runs.trace!;
    return { backend: trace.backend, fallbackReason: trace.fallbackReason };
  });

/** Errors and warnings on the console, from the page or its workers. */
const noisy = (page: Page) => consoleMessages(page).filter((message) => message.type === 'error' || message.type === 'warning');

describe('auto on a software adapter', () => {
  it('finds SwiftShader, picks WASM without loading WebGPU, and the badge says why (en)', async () => {
    const page = await openApp(browser, { query: { max: '2', t: '0' } });
    await waitForRuns(page, 1);
    // What the adapter really is here, read by the page itself.
    const adapter = await page.evaluate(async () => {
      const found = await (navigator as any).gpu.requestAdapter();
      return { architecture: found.info.architecture, fallback: found.info.isFallbackAdapter };
    });
    expect(adapter).toEqual({ architecture: 'swiftshader', fallback: true });
    const shown = await badge(page);
    expect(shown).toMatchObject({ backend: 'wasm', reason: 'software-adapter', why: 'software-adapter', timings: null });
    expect(shown.text).toContain('software renderer (google swiftshader)');
    expect(shown.text).toContain('far slower than WASM');
    await expect(traceBackend(page)).resolves.toEqual({ backend: 'wasm', fallbackReason: 'software-adapter' });
    // Nothing was measured, so nothing is kept.
    await expect(page.evaluate((key) => localStorage.getItem(key), CHOICES_KEY)).resolves.toBeNull();
    expect(noisy(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('says the same in Chinese', async () => {
    const page = await openApp(browser, { lang: 'zh-CN', query: { max: '1', t: '0' } });
    await waitForRuns(page, 1);
    const shown = await badge(page);
    expect(shown.why).toBe('software-adapter');
    expect(shown.text).toContain('计算后端');
    expect(shown.text).toContain('软件渲染器（google swiftshader）');
    expect(shown.text).toContain('比 WASM 慢得多');
    await page.close();
  });
});

describe('auto measures when the adapter counts as a GPU (?software-gpu=1)', () => {
  let page: Page;
  let measured: { webgpuMs: number; wasmMs: number };

  beforeAll(async () => {
    page = await openApp(browser, { query: { 'software-gpu': '1', max: '3', t: '0' } });
    await waitForRuns(page, 1);
  });
  afterAll(async () => page?.close());

  it('runs the first prompt on WASM at once, while WebGPU has not been timed yet', async () => {
    await expect(traceBackend(page)).resolves.toEqual({ backend: 'wasm', fallbackReason: 'measuring' });
  });

  it('times both on the same short generation, keeps the faster one, and shows both timings', async () => {
    await page.waitForSelector('.backend .timings', { timeout: 150_000 });
    const shown = await badge(page);
    measured = { webgpuMs: shown.timings!.webgpuMs, wasmMs: shown.timings!.wasmMs };
    expect(measured.webgpuMs).toBeGreaterThan(0);
    expect(measured.wasmMs).toBeGreaterThan(0);
    // The rule, whatever the numbers: the faster one stays.
    expect(shown.backend).toBe(measured.webgpuMs < measured.wasmMs ? 'webgpu' : 'wasm');
    // And here SwiftShader emulates the GPU on two CPU cores: WASM wins (by far: 4.8 vs 270 tokens/s in #18).
    expect(measured.webgpuMs).toBeGreaterThan(measured.wasmMs);
    expect(shown).toMatchObject({ backend: 'wasm', reason: 'measured', why: 'measured', timings: { remembered: 'false' } });
    const ms = (value: number) => (value < 10 ? value.toFixed(1) : String(Math.round(value)));
    expect(shown.text).toContain(`per token: WebGPU ${ms(measured.webgpuMs)} ms · WASM ${ms(measured.wasmMs)} ms (measured just now)`);
    expect(shown.text).toContain('measured faster than the other backend on this model and device');
  });

  it('remembers the measurement in the browser, keyed by model, graph file and adapter', async () => {
    const kept = await page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? '{}'), CHOICES_KEY);
    const keys = Object.keys(kept);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^\/models\/flow-gpt2-tiny#onnx\/[\w.]+\.onnx @ google swiftshader$/);
    expect(kept[keys[0]!]).toMatchObject({ backend: 'wasm', ...measured });
  });

  it('generates on after the measurement, on the kept backend', async () => {
    await setControls(page, 'Once upon a time', { temperature: 0, maxNewTokens: 3 });
    expect(await clickAndWait(page, 'generate')).toBe('max-tokens');
    await expect(traceBackend(page)).resolves.toEqual({ backend: 'wasm', fallbackReason: 'measured' });
  });

  it('a reload uses the remembered choice from the first run on, without measuring again', async () => {
    await page.reload();
    await waitForRuns(page, 1);
    await expect(traceBackend(page)).resolves.toEqual({ backend: 'wasm', fallbackReason: 'measured' });
    const shown = await badge(page);
    expect(shown).toMatchObject({ backend: 'wasm', why: 'measured', timings: { ...measured, remembered: 'true' } });
    expect(shown.text).toContain('(measured on an earlier visit)');
  });

  it('a remembered WebGPU win loads on WebGPU', async () => {
    await page.evaluate((key) => {
      const kept = JSON.parse(localStorage.getItem(key)!);
      for (const entry of Object.values<any>(kept)) Object.assign(entry, { backend: 'webgpu', webgpuMs: 1.5, wasmMs: 3 });
      localStorage.setItem(key, JSON.stringify(kept));
    }, CHOICES_KEY);
    await page.reload();
    await waitForRuns(page, 1);
    await expect(traceBackend(page)).resolves.toEqual({ backend: 'webgpu', fallbackReason: null });
    const shown = await badge(page);
    expect(shown).toMatchObject({
      backend: 'webgpu',
      reason: '',
      why: 'measured',
      timings: { webgpuMs: 1.5, wasmMs: 3, remembered: 'true' },
    });
    expect(shown.text).toContain('per token: WebGPU 1.5 ms · WASM 3.0 ms (measured on an earlier visit)');
  });

  it('kept the console clean throughout, WebGPU loads included', async () => {
    expect(noisy(page)).toEqual([]);
    expect(pageErrors(page)).toEqual([]);
  });
});

describe('onnxruntime logs at error level', () => {
  it('a WebGPU load prints nothing to the console (no "Some nodes were not assigned…")', async () => {
    const page = await openApp(browser, { backend: 'webgpu', query: { max: '2', t: '0' } });
    await waitForRuns(page, 1);
    const shown = await badge(page);
    expect(shown).toMatchObject({ backend: 'webgpu', reason: '', why: 'forced' });
    expect(shown.text).toContain('chosen in the URL (?backend=webgpu)');
    expect(noisy(page)).toEqual([]);
    expect(consoleMessages(page).filter((message) => /not assigned to the preferred execution providers/.test(message.text))).toEqual([]);
    await page.close();
  });
});
