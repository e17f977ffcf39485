import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface OpenOptions {
  backend?: 'webgpu' | 'wasm';
  lang?: 'en' | 'zh-CN';
  query?: Record<string, string>;
  viewport?: { width: number; height: number };
}

/** Opens the built app with the debug handle and waits for the first run (the example prompt) to finish. */
export async function openApp(browser: Browser, options: OpenOptions = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 }, acceptDownloads: true });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  (page as Page & { errors: string[] }).errors = errors;
  // The page's console and its workers' (Playwright reports a dedicated worker's messages on its page too).
  const messages: ConsoleEntry[] = [];
  page.on('console', (message) => messages.push({ type: message.type(), text: message.text(), worker: message.worker() !== null }));
  (page as Page & { consoleSeen: ConsoleEntry[] }).consoleSeen = messages;
  await page.goto(appUrl(options));
  return page;
}

/** The built app's address for these options (debug hooks on, English unless a language is given; on WebGPU a first
 * run of 6 tokens unless the query names `max`). The chart plays
 * every box (`pace=every`), as the tests that step through boxes expect, unless the query names the pace;
 * `pace: 'default'` leaves the parameter out, so the app plays at its own default. */
export function appUrl(options: OpenOptions = {}): string {
  const params = new URLSearchParams({
    debug: '1',
    lang: options.lang ?? 'en',
    pace: 'every',
    ...(options.backend ? { backend: options.backend } : {}),
    // WebGPU here is a CPU emulation, many times slower than WASM: its first run is kept short unless asked otherwise.
    ...(options.backend === 'webgpu' ? { max: '6' } : {}),
    ...options.query,
  });
  if (params.get('pace') === 'default') params.delete('pace');
  return `${inject('baseUrl')}?${params}`;
}

/** Completed runs so far (the status element's data-runs). */
export async function completedRuns(page: Page): Promise<number> {
  return Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
}

/** Waits until `count` runs have completed; returns the stop reason of the latest ('' if it ended in an error). */
export async function waitForRuns(page: Page, count: number, timeout = 120_000): Promise<string> {
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-runs')) >= n, count, {
    timeout,
  });
  return (await page.locator('[data-testid=status]').getAttribute('data-stop')) ?? '';
}

export async function tokenCount(page: Page): Promise<number> {
  return page.locator('ol.chips > li').count();
}

/** Sets the prompt and settings through the real controls. */
export async function setControls(
  page: Page,
  prompt: string,
  settings: Partial<Record<'temperature' | 'topK' | 'topP' | 'minNewTokens' | 'seed' | 'maxNewTokens', number>> = {},
) {
  await page.fill('#prompt-input', prompt);
  for (const [name, value] of Object.entries(settings)) {
    await page.locator(`input[name=${name}]`).fill(String(value));
  }
}

/** Clicks a control that starts a run and waits for that run to end; returns its stop reason. */
export async function clickAndWait(page: Page, action: 'generate' | 'step'): Promise<string> {
  const before = await completedRuns(page);
  await page.click(`[data-action=${action}]`);
  return waitForRuns(page, before + 1);
}

/** Waits until the detail views have drawn what the last change asked for (they draw one renderer per task). */
export async function drawn(page: Page): Promise<void> {
  await page.evaluate(() => window.__flow!.drawn());
}

/**
 * Waits until the page stands still: the views have drawn, and for `frames` animation frames in a row no scroll
 * position moved (a smooth scroll has ended), the layout kept its size and the chart's active box stayed. Fails after
 * `timeout` ms of movement, so a page that never settles is a failure, not a wait.
 */
export async function settled(page: Page, { frames = 6, timeout = 8000 } = {}): Promise<void> {
  await drawn(page);
  await page.evaluate(
    async ({ frames, timeout }) => {
      const snapshot = () => {
        const parts: number[] = [scrollX, scrollY, innerWidth, innerHeight, document.documentElement.scrollHeight];
        for (const element of document.querySelectorAll<HTMLElement>('body *')) {
          if (element.scrollTop || element.scrollLeft) parts.push(element.scrollTop, element.scrollLeft);
        }
        const active = document.querySelector('svg.flow-chart g.node.active');
        return `${parts.join(',')}|${active?.getAttribute('data-node') ?? ''}`;
      };
      const nextFrame = () => new Promise((done) => requestAnimationFrame(done));
      const until = performance.now() + timeout;
      let last = snapshot();
      for (let still = 0; still < frames;) {
        if (performance.now() > until) throw new Error(`the page did not settle within ${timeout} ms`);
        await nextFrame();
        const now = snapshot();
        still = now === last ? still + 1 : 0;
        last = now;
      }
    },
    { frames, timeout },
  );
  await drawn(page);
}

/** Waits until playback has moved on from where it is now (the chart stepped by itself, or reached its end). */
export async function nextStep(page: Page, timeout = 10_000): Promise<void> {
  const from = await page.evaluate(() => window.__flow!.playback.index);
  await page.waitForFunction((from) => window.__flow!.playback.index !== from || window.__flow!.playback.atEnd, from, {
    timeout,
    polling: 'raf',
  });
}

/** In-page: the live Trace against a full recompute through the capturing graph and through the plain graph. */
export async function compareWithRecompute(page: Page) {
  return page.evaluate(async () => {
    const flow = window.__flow!;
    const trace = flow.runs.trace!;
    const n = flow.computedPositions(trace);
    const ids = trace.tokens.slice(0, n).map((t: { id: number }) => t.id);
    const result = await flow.slot.client!.call({ type: 'recompute', ids });
    const vocab = trace.config.vocabSize;
    let plainVsTrace = 0;
    let recomputeVsTrace = 0;
    for (let p = 0; p < n; p++) {
      const row = trace.rows['logits']![p]!;
      for (let i = 0; i < vocab; i++) {
        plainVsTrace = Math.max(plainVsTrace, Math.abs(result.plainLogits![p * vocab + i]! - row[i]!));
        recomputeVsTrace = Math.max(recomputeVsTrace, Math.abs(result.captured.tensors['logits']!.data[p * vocab + i]! - row[i]!));
      }
    }
    let patternDifference = 0;
    const heads = trace.config.nHead;
    for (let layer = 0; layer < trace.config.nLayer; layer++) {
      const hook = `blocks.${layer}.attn.hook_pattern`;
      const full = result.captured.tensors[hook]!.data; // [n, H, n]
      for (let p = 0; p < n; p++) {
        const row = trace.rows[hook]![p]!;
        const width = row.length / heads;
        for (let h = 0; h < heads; h++) {
          for (let k = 0; k <= p; k++) {
            patternDifference = Math.max(patternDifference, Math.abs(full[(p * heads + h) * n + k]! - row[h * width + k]!));
          }
        }
      }
    }
    return { n, generated: trace.steps.length, plainVsTrace, recomputeVsTrace, patternDifference };
  });
}

export interface ConsoleEntry {
  type: string;
  text: string;
  /** Whether a worker (the engine's) wrote it. */
  worker: boolean;
}

/** The console messages seen since openApp opened the page. */
export function consoleMessages(page: Page): ConsoleEntry[] {
  return (page as Page & { consoleSeen: ConsoleEntry[] }).consoleSeen;
}

/** The page errors seen since openApp opened the page. */
export function pageErrors(page: Page): string[] {
  return (page as Page & { errors: string[] }).errors;
}
