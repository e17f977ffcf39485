// A run is never empty, and its end is explained: end-of-text shown as a marker (never `<|endoftext|>` as text), a
// hint when a run ends early anyway, end-of-text held back by "Min new tokens", and the model's size in parameters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { clickAndWait, launch, openApp, setControls, waitForRuns } from './browser';
import { percentText } from '../../visualizations/scales';

const PROMPT = 'We had pancakes for breakfast this morning.';

describe('a run is never empty', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    // The minimum off: this whole sentence ends at once with seed 42 (test/model/never-empty.test.ts measures it).
    page = await openApp(browser, { backend: 'wasm', query: { prompt: PROMPT, min: '0', seed: '42', max: '24' } });
    await waitForRuns(page, 1);
  });
  afterAll(async () => browser?.close());

  it('says how many parameters the model has, counted from its weights', async () => {
    const summary = page.locator('.model .summary');
    await expect(summary.getAttribute('data-parameters')).resolves.toBe('3207680');
    await expect(summary.textContent()).resolves.toContain('3.21M parameters');
    await expect(summary.getAttribute('title')).resolves.toContain('3,207,680');
  });

  it('an early end shows end-of-text as a marker, explains it, and says what to try', async () => {
    const trace = await page.evaluate(() => {
      const t = window.__flow!.runs.trace!;
      return { stop: t.stopReason, steps: t.steps.length, last: t.tokens.at(-1)!.id, stops: t.config.stopTokenIds };
    });
    expect(trace.stop).toBe('eos');
    expect(trace.steps).toBeLessThan(4);
    expect(trace.stops).toContain(trace.last);
    const completion = page.locator('[data-testid=completion]');
    await expect(completion.textContent()).resolves.not.toContain('<|endoftext|>');
    await expect(completion.locator('.eos').textContent()).resolves.toBe('end of text');
    await expect(completion.locator('.eos').getAttribute('title')).resolves.toContain('<|endoftext|>');
    const chip = page.locator('ol.chips > li.stop');
    await expect(chip.count()).resolves.toBe(1);
    await expect(chip.locator('.text').textContent()).resolves.toBe('end of text');
    await expect(page.locator('ol.chips').textContent()).resolves.not.toContain('<|endoftext|>');
    // The prompt ends with a full stop: all three suggestions, the minimum as it is now.
    const hint = page.locator('[data-testid=ended-early]');
    await expect(hint.locator('li').count()).resolves.toBe(3);
    await expect(hint.textContent()).resolves.toContain('(now 0)');
    await expect(page.locator('[data-testid=status]').textContent()).resolves.toContain('predicted the end of the text');
  });

  it('Min new tokens holds end-of-text back: the same prompt and seed then write at least that many tokens', async () => {
    await setControls(page, PROMPT, { minNewTokens: 8 });
    await clickAndWait(page, 'generate');
    const run = await page.evaluate(() => {
      const t = window.__flow!.runs.trace!;
      return {
        settings: t.settings,
        held: t.steps.map((s: any) => s.decision.heldBack?.produced ?? null),
        first: t.steps[0]!.decision.heldBack,
        ids: t.tokens.map((x: any) => x.id).slice(t.promptLength),
        stops: t.config.stopTokenIds,
      };
    });
    expect(run.settings.minNewTokens).toBe(8);
    expect(run.held.slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(run.ids.slice(0, 8).some((id: number) => run.stops.includes(id))).toBe(false);
    // The model gave end-of-text most of its probability at the first step; it was held back, not drawn.
    expect(run.first!.probability).toBeGreaterThan(0.5);
    await expect(page.locator('[data-testid=ended-early]').count()).resolves.toBe(0);
    // The sampling view says so at the first step, with the model's own probability.
    await page.click('button[data-tab=sampling]');
    await page.locator('[data-view=sampling] input[type=range]').first().fill('1');
    const held = page.locator('[data-testid=held-back]');
    await expect(held.textContent()).resolves.toContain('End of text held back: this is new token 1, and the minimum is 8');
    await expect(held.textContent()).resolves.toContain(percentText(run.first!.probability));
  });
});
