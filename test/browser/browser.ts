import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic',
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
  const params = new URLSearchParams({ debug: '1', lang: options.lang ?? 'en', ...(options.backend ? { backend: options.backend } : {}), ...options.query });
  await page.goto(`${inject('baseUrl')}?${params}`);
  return page;
}

/** Completed runs so far (the status element's data-runs). */
export async function completedRuns(page: Page): Promise<number> {
  return Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
}

/** Waits until `count` runs have completed; returns the stop reason of the latest ('' if it ended in an error). */
export async function waitForRuns(page: Page, count: number, timeout = 120_000): Promise<string> {
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-runs')) >= n, count, { timeout });
  return (await page.locator('[data-testid=status]').getAttribute('data-stop')) ?? '';
}

export async function tokenCount(page: Page): Promise<number> {
  return page.locator('ol.chips > li').count();
}

/** Sets the prompt and settings through the real controls. */
export async function setControls(page: Page, prompt: string, settings: Partial<Record<'temperature' | 'topK' | 'topP' | 'seed' | 'maxNewTokens', number>> = {}) {
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
  await page.evaluate(() => (window as any).__flow.drawn());
}
