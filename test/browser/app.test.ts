// The first screen, driven through its real controls in Chromium, including the bad inputs a learner meets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { clickAndWait, launch, openApp, setControls, tokenCount, waitForRuns } from './browser';
import { validateTraceDocument } from '../traceFormat';
import { percentText } from '../../visualizations/scales';

const steps = (page: Page) => page.evaluate(() => window.__flow!.runs.trace!.steps.length as number);
const promptLength = (page: Page) => page.evaluate(() => window.__flow!.runs.trace!.promptLength as number);

describe('app in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    page = await openApp(browser, { backend: 'wasm' });
    await waitForRuns(page, 1);
  });
  afterAll(async () => browser?.close());

  it('opens with the example prompt already run', async () => {
    expect(await tokenCount(page)).toBeGreaterThan(await promptLength(page));
    await page.click('button[data-tab=sampling]');
    await expect(page.locator('.bars g.bar').count()).resolves.toBe(10);
  });

  it('generates N tokens and shows them as chips with ids', async () => {
    await setControls(page, 'Lily had a red ball. She', { maxNewTokens: 5, temperature: 0.8, seed: 11 });
    const stop = await clickAndWait(page, 'generate');
    const generated = await steps(page);
    expect(stop === 'max-tokens' ? generated === 5 : stop === 'eos').toBe(true);
    expect(await tokenCount(page)).toBe((await promptLength(page)) + generated);
    await expect(page.locator('ol.chips > li.generated').count()).resolves.toBe(generated);
    const ids = await page.locator('ol.chips > li .id').allTextContents();
    const traceIds = await page.evaluate(() => window.__flow!.runs.trace!.tokens.map((t: { id: number }) => String(t.id)));
    expect(ids).toEqual(traceIds);
  });

  it('steps one token at a time, continuing the run', async () => {
    await setControls(page, 'One rainy day, Tom and Mia', { temperature: 0 });
    await clickAndWait(page, 'step');
    const first = await tokenCount(page);
    expect(await steps(page)).toBe(1);
    await clickAndWait(page, 'step');
    expect(await tokenCount(page)).toBe(first + 1);
    expect(await steps(page)).toBe(2);
  });

  it('measures the cost of looking, and the run goes on from its own cache afterwards', async () => {
    await setControls(page, 'One rainy day, Tom and Mia', { temperature: 0 });
    await clickAndWait(page, 'step');
    const before = await page.evaluate(() => window.__flow!.runs.trace!.tokens.map((t) => t.id));
    const stepsBefore = await steps(page);
    await page.locator('[data-testid=looking-cost] summary').click();
    await page.click('[data-action=measure-cost]');
    const result = page.locator('[data-testid=looking-cost] [data-cost=measured]');
    await result.waitFor({ timeout: 60_000 });
    const attribute = async (name: string) => Number(await result.getAttribute(name));
    const [capturing, plain, bytes] = [
      await attribute('data-capturing-ms'),
      await attribute('data-plain-ms'),
      await attribute('data-bytes'),
    ];
    expect(capturing).toBeGreaterThan(0);
    expect(plain).toBeGreaterThan(0);
    // Every tensor of one position of the embedded model: more than its logits alone, less than a megabyte.
    const vocab = await page.evaluate(() => window.__flow!.runs.trace!.config.vocabSize);
    expect(bytes).toBeGreaterThan(vocab * 4);
    expect(bytes).toBeLessThan(2 ** 20);
    await expect(result.textContent()).resolves.toContain(`${(capturing / plain).toFixed(2)}×`);
    // The measurement set the run's cache aside: a step continues it by one position (one position through the
    // graph, from the run's own cache), its earlier tokens unchanged.
    await page.evaluate(() => {
      // (The client keeps its worker private; this test listens to what comes back from it.)
      const worker = (window.__flow!.slot.client as unknown as { worker: Worker }).worker;
      const ran: number[] = ((window as any).__ran = []);
      worker.addEventListener('message', (event) => {
        if (event.data.type === 'forward') ran.push(event.data.record.ran);
      });
    });
    await clickAndWait(page, 'step');
    expect(await page.evaluate(() => (window as any).__ran)).toEqual([1]);
    const after = await page.evaluate(() => window.__flow!.runs.trace!.tokens.map((t) => t.id));
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.length).toBe(before.length + 1);
    expect(await steps(page)).toBe(stepsBefore + 1);
  });

  it('a new prompt that starts like the last run recomputes every position (no stale cache)', async () => {
    await setControls(page, 'Tom', { temperature: 0, maxNewTokens: 3 });
    await clickAndWait(page, 'step');
    await setControls(page, 'Tom and Mia', { temperature: 0, maxNewTokens: 3 });
    await clickAndWait(page, 'generate');
    const rows = await page.evaluate(() => {
      const trace = window.__flow!.runs.trace!;
      return { filled: trace.rows['logits']!.filter(Boolean).length, computed: trace.rows['logits']!.length, tokens: trace.tokens.length };
    });
    expect(rows.filled).toBe(rows.computed);
    expect(rows.computed).toBe(rows.tokens - 1);
  });

  it('stops mid-run when asked', async () => {
    // (No end of text allowed before the thousandth token: only Stop can end this run early.)
    await setControls(page, 'Once upon a time', { maxNewTokens: 1000, minNewTokens: 1000, temperature: 1, topK: 0, topP: 1, seed: 5 });
    const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.click('[data-action=generate]');
    await page.waitForFunction(() => (window.__flow!.runs.trace?.steps.length ?? 0) >= 3 && window.__flow!.runs.generating);
    await page.click('[data-action=stop]');
    const stop = await waitForRuns(page, before + 1);
    expect(stop).toBe('stopped');
    expect(await steps(page)).toBeLessThan(200);
    await expect(page.locator('[data-testid=status]').textContent()).resolves.toContain('Stopped by you');
  });

  it('switches language and keeps the prompt', async () => {
    await setControls(page, '小兰找不到她的风筝了，');
    await page.click('[data-action=language]');
    await expect(page.locator('h1').textContent()).resolves.toBe('透视 Transformer');
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('zh-CN');
    await expect(page.locator('[data-action=generate]').textContent()).resolves.toBe('生成');
    await expect(page.inputValue('#prompt-input')).resolves.toBe('小兰找不到她的风筝了，');
    await page.click('[data-action=language]');
    await expect(page.locator('h1').textContent()).resolves.toBe('Transformer Flow');
  });

  it('greedy decoding labels its bars softmax at T = 1, shows no filter count, and its replay names the draw it uses', async () => {
    await setControls(page, 'Lily had a red ball. She', { maxNewTokens: 3, temperature: 0 });
    await clickAndWait(page, 'generate');
    await page.click('button[data-tab=sampling]');
    await page.waitForSelector('.bars[data-greedy=true] g.bar');
    await expect(page.locator('[data-testid=bars-greedy]').textContent()).resolves.toContain('T = 1');
    await expect(page.locator('[data-testid=kept]').count()).resolves.toBe(0);
    // The first bar is the model's softmax at T = 1, before any filter.
    const expected = await page.evaluate(
      () => window.__flow!.runs.trace!.steps.at(-1)!.decision.candidates[0]!.scaledProbability as number,
    );
    await expect(page.locator('.bars g.bar text.value').first().textContent()).resolves.toBe(percentText(expected));
    // (The term u carries its glossary note in the text.)
    await expect(page.locator('[data-testid=sampling-replay]').textContent()).resolves.toMatch(/had no draw: u[^=]*= 0\.5 is used/);
    await setControls(page, 'Lily had a red ball. She', { maxNewTokens: 3, temperature: 0.8, seed: 4 });
    await clickAndWait(page, 'generate');
    await page.waitForSelector('.bars[data-greedy=false] g.bar');
    await expect(page.locator('[data-testid=kept]').textContent()).resolves.toMatch(/of \d+ tokens survive the filters/);
    await expect(page.locator('[data-testid=bars-greedy]').count()).resolves.toBe(0);
  });

  it('exports the Trace as JSON in the documented format', async () => {
    await setControls(page, 'Lily had a red ball. She', { maxNewTokens: 4, temperature: 0 });
    await clickAndWait(page, 'generate');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export]')]);
    const document = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(validateTraceDocument(document)).toEqual([]);
    expect(document.prompt).toBe('Lily had a red ball. She');
    expect(document.steps).toHaveLength(4);
    expect(document.backend).toBe('wasm');
  });

  describe('bad input', () => {
    it('refuses an empty or whitespace-only prompt with a message, keeping what was typed', async () => {
      for (const prompt of ['', '   \n\t ']) {
        await setControls(page, prompt);
        await clickAndWait(page, 'generate');
        await expect(page.locator('.error[data-code=prompt-empty]').isVisible()).resolves.toBe(true);
        await expect(page.inputValue('#prompt-input')).resolves.toBe(prompt);
      }
    });

    it('truncates a prompt longer than the context from the left, and says so', async () => {
      const long = 'Lily had a red ball. '.repeat(120);
      await setControls(page, long, { maxNewTokens: 2 });
      await clickAndWait(page, 'generate');
      await expect(page.locator('[data-notice=truncated]').textContent()).resolves.toMatch(/first \d+ tokens were left out/);
      const trace = await page.evaluate(() => {
        const t = window.__flow!.runs.trace!;
        return { truncated: t.truncatedTokens, promptLength: t.promptLength, context: t.config.nCtx, stop: t.stopReason };
      });
      expect(trace.truncated).toBeGreaterThan(0);
      expect(trace.promptLength).toBe(trace.context);
      expect(trace.stop).toBe('context-full');
      await expect(page.inputValue('#prompt-input')).resolves.toBe(long);
    });

    it('handles emoji, combining marks, right-to-left and mixed scripts', async () => {
      await setControls(page, 'Hello 世界 🙂 é مرحبا', { maxNewTokens: 3 });
      await clickAndWait(page, 'generate');
      const text = await page.evaluate(() => {
        const trace = window.__flow!.runs.trace!;
        const bytes = trace.tokens.slice(0, trace.promptLength).flatMap((t: any) => t.bytes);
        return new TextDecoder().decode(new Uint8Array(bytes));
      });
      expect(text).toBe('Hello 世界 🙂 é مرحبا');
      const partial = await page.locator('ol.chips .belongs').allTextContents();
      expect(partial.some((text) => text.includes('“🙂”'))).toBe(true);
    });

    it('shows text that looks like HTML as text, never as markup', async () => {
      const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
      await setControls(page, hostile, { maxNewTokens: 2 });
      await clickAndWait(page, 'generate');
      await expect(page.locator('ol.chips img, ol.chips script').count()).resolves.toBe(0);
      await expect(page.evaluate(() => (window as any).__pwned)).resolves.toBeUndefined();
      const shown = (await page.locator('ol.chips .text').allTextContents()).join('').replace(/␣/g, ' ');
      expect(shown).toContain('<img');
    });
  });
});

describe('broken model files', () => {
  let browser: Browser;
  beforeAll(async () => (browser = await launch()));
  afterAll(async () => browser?.close());

  for (const [folder, code] of [
    ['truncated', 'model-truncated'],
    ['not-onnx', 'model-not-onnx'],
    ['bad-config', 'config-invalid'],
  ] as const) {
    it(`${folder}: a clear message, and the app stays usable`, async () => {
      const page = await openApp(browser, { backend: 'wasm', query: { model: `/test-models/${folder}/` } });
      await page.waitForSelector(`.error[data-code=${code}]`, { timeout: 60_000 });
      await setControls(page, 'Tom and Mia');
      await page.click('button:has-text("Load the embedded model")');
      await waitForRuns(page, 1);
      expect(await tokenCount(page)).toBeGreaterThan(3);
      await expect(page.inputValue('#prompt-input')).resolves.toBe('Tom and Mia');
      await page.close();
    });
  }
});

describe('WebGPU device lost mid-generation', () => {
  it('continues on WASM and tells the learner', async () => {
    const browser = await launch();
    try {
      const page = await openApp(browser, { backend: 'webgpu' });
      await waitForRuns(page, 1);
      await expect(page.locator('.backend').getAttribute('data-backend')).resolves.toBe('webgpu');
      await setControls(page, 'Once upon a time', { maxNewTokens: 40, temperature: 0 });
      await page.click('[data-action=generate]');
      await page.waitForFunction(() => (window.__flow!.runs.trace?.steps.length ?? 0) >= 2 && window.__flow!.runs.generating);
      await page.evaluate(() => window.__flow!.slot.client!.call({ type: 'loseDevice' }));
      await waitForRuns(page, 2);
      await expect(page.locator('[data-notice=deviceLost]').isVisible()).resolves.toBe(true);
      await expect(page.locator('.backend').getAttribute('data-backend')).resolves.toBe('wasm');
      await expect(page.locator('.backend').getAttribute('data-reason')).resolves.toBe('device-lost');
      const trace = await page.evaluate(() => {
        const t = window.__flow!.runs.trace!;
        return { steps: t.steps.length, stop: t.stopReason, backend: t.backend };
      });
      expect(trace.backend).toBe('wasm');
      expect(trace.stop === 'max-tokens' ? trace.steps === 40 : trace.stop === 'eos').toBe(true);
    } finally {
      await browser.close();
    }
  });
});

// The learner's own everyday Chinese (none of it in the embedded models' corpus, nor in the examples) opens the
// zh-CN first screen and continues in Chinese: greedy, so the continuation is the model's own first choice.
describe('the first screen in zh-CN', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  for (const model of ['flow-gpt2-tiny', 'flow-llama-tiny']) {
    it(`continues the learner's Chinese in Chinese (${model})`, async () => {
      const page = await openApp(browser, { backend: 'wasm', lang: 'zh-CN', query: { model: `/models/${model}` } });
      await waitForRuns(page, 1);
      await setControls(page, '周末我和爸爸去公园放风筝，', { maxNewTokens: 24, temperature: 0 });
      await clickAndWait(page, 'generate');
      const result = await page.evaluate(() => {
        const trace = window.__flow!.runs.trace!;
        // The end-of-text token a run stops at is shown as a chip too; it is not text.
        const generated = trace.tokens.slice(trace.promptLength, trace.stopReason === 'eos' ? -1 : undefined);
        const text = new TextDecoder().decode(new Uint8Array(generated.flatMap((t: any) => t.bytes)));
        return { text, model: trace.modelName, prompt: trace.tokens.slice(0, trace.promptLength).map((t: any) => t.bytes.length) };
      });
      expect(result.model).toBe(model);
      // Every common character of the prompt is one whole token (3 UTF-8 bytes), never byte pieces.
      expect(result.prompt.every((length: number) => length >= 3)).toBe(true);
      const letters = [...result.text].filter((ch) => /\p{L}/u.test(ch));
      const chinese = letters.filter((ch) => /\p{Script=Han}/u.test(ch));
      expect(chinese.length, result.text).toBeGreaterThanOrEqual(4);
      expect(chinese.length / letters.length, result.text).toBeGreaterThanOrEqual(0.9);
      expect(result.text).not.toContain('\uFFFD');
      await page.close();
    });
  }
});
