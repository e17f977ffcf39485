// "What if" in Chromium on the embedded model: run B forked from run A, unchanged or with a head switched off, the
// comparison it shows computed from both Traces, the head ranking, and run A continuing afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { clickAndWait, compareWithRecompute, drawn, launch, openApp, waitForRuns } from './browser';

const OUTPUT = new URL('../output/', import.meta.url).pathname;

/** Clicks "Run B" and waits for B to finish. */
async function runB(page: Page): Promise<void> {
  const before = await page.evaluate(() => (window as any).__flow.whatIf.b.completedRuns as number);
  await page.click('[data-action=run-b]');
  await page.waitForFunction((n) => (window as any).__flow.whatIf.b.completedRuns > n && !(window as any).__flow.whatIf.busy, before, { timeout: 120_000 });
  await drawn(page);
}

describe('what if: fork, switch off, compare', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    browser = await launch();
    page = await openApp(browser, { backend: 'wasm', viewport: { width: 1280, height: 800 }, query: { prompt: 'Lily had a red ball. She', max: '6', t: '0.8', k: '40', p: '0.95', seed: '7' } });
    await waitForRuns(page, 1);
    await page.evaluate(() => (window as any).__flow.player.pause());
    await page.click('button[data-tab=compare]');
  });
  afterAll(async () => browser?.close());

  it('B with nothing changed is A, number for number', async () => {
    await runB(page);
    const same = await page.evaluate(() => {
      const flow = (window as any).__flow;
      const a = flow.run.trace;
      const b = flow.whatIf.b.trace;
      let largest = 0;
      for (const hook of Object.keys(a.rows)) {
        a.rows[hook].forEach((row: Float32Array, p: number) => {
          const other = b.rows[hook][p];
          // Equal infinities (masked scores) are equal; anything else is compared as numbers.
          for (let i = 0; i < row.length; i++) if (row[i] !== other[i]) largest = Math.max(largest, Math.abs(row[i]! - other[i]!));
        });
      }
      return { largest, tokens: JSON.stringify(a.tokens.map((t: any) => t.id)) === JSON.stringify(b.tokens.map((t: any) => t.id)), intervention: b.intervention };
    });
    expect(same).toEqual({ largest: 0, tokens: true, intervention: null });
    expect(await page.locator('[data-testid=chosen-change]').textContent()).toContain('0.00');
  });

  it('B with a head switched off: its z is zero, the residual adds what the formula says, and the page shows the change the logits make', async () => {
    await page.click('[data-view=compare] button[data-head="1.2"]');
    await runB(page);
    const checks = await page.evaluate(() => {
      const flow = (window as any).__flow;
      const a = flow.run.trace;
      const b = flow.whatIf.b.trace;
      const { dHead } = b.config;
      let zLargest = 0;
      let residualError = 0;
      const n = b.rows['logits'].length;
      for (let p = 0; p < n; p++) {
        const z = b.rows['blocks.1.attn.hook_z'][p];
        for (let i = 2 * dHead; i < 3 * dHead; i++) zLargest = Math.max(zLargest, Math.abs(z[i]));
        const pre = b.rows['blocks.1.hook_resid_pre'][p];
        const out = b.rows['blocks.1.hook_attn_out'][p];
        const mid = b.rows['blocks.1.hook_resid_mid'][p];
        for (let i = 0; i < mid.length; i++) residualError = Math.max(residualError, Math.abs(pre[i] + out[i] - mid[i]));
      }
      // The model's probability of A's first token, from each run's logits at the prompt's last position.
      const softmaxAt = (t: any, id: number) => {
        const row: Float32Array = t.rows['logits'][t.promptLength - 1];
        let max = -Infinity;
        for (const v of row) max = Math.max(max, v);
        let sum = 0;
        for (const v of row) sum += Math.exp(v - max);
        return Math.exp(row[id]! - max) / sum;
      };
      const chosen = a.steps[0].decision.chosenId;
      const cols = Math.min(a.rows['logits'].length, n);
      const largestDifference = (hook: string) => {
        let largest = 0;
        // The prompt's positions: after it the two runs may have chosen different tokens.
        for (let p = 0; p < a.promptLength; p++) a.rows[hook][p].forEach((v: number, i: number) => (largest = Math.max(largest, Math.abs(v - b.rows[hook][p][i]))));
        return largest;
      };
      const layer1 = largestDifference('blocks.0.hook_resid_post');
      const layer2 = largestDifference('blocks.1.hook_resid_post');
      return { intervention: b.intervention, zLargest, residualError, pa: softmaxAt(a, chosen), pb: softmaxAt(b, chosen), cols, nLayer: a.config.nLayer, layer1, layer2 };
    });
    expect(checks.intervention).toEqual({ heads: ['1.2'], mlps: [] });
    expect(checks.zLargest).toBe(0);
    expect(checks.residualError).toBeLessThan(1e-5);
    expect(checks.pa).not.toBe(checks.pb);
    const sentence = await page.locator('[data-testid=chosen-change]').textContent();
    expect(sentence).toContain(`${(checks.pa * 100).toPrecision(3)} %`);
    expect(sentence).toContain(`${(checks.pb * 100).toPrecision(3)} %`);
    // The head is in layer 2: the stream after layer 1 is untouched, after layer 2 it has moved.
    expect(checks.layer1).toBe(0);
    expect(checks.layer2).toBeGreaterThan(1e-3);
    const cells = page.locator('[data-view=compare] svg.heatmap rect.cell');
    expect(await cells.count()).toBe((checks.nLayer + 1) * checks.cols);
    await page.screenshot({ path: `${OUTPUT}whatif-en-1280.png`, fullPage: true });

    // The flow chart's thumbnails on B − A (head 1's z, the chart's head): in layer 2 only head 3 is off, so head 1's
    // z is unchanged there (all zero); in layer 3 it reads a changed stream.
    await page.check('[data-control=chart-difference]');
    const heights = async (layer: number) => {
      const index = await page.evaluate((l) => {
        const flow = (window as any).__flow;
        const at = flow.playback.frames.findIndex((f: any) => f.node === 'weightedSum' && f.layer === l && f.step === 0);
        flow.playback.jumpTo(at);
        return at;
      }, layer);
      expect(index).toBeGreaterThan(0);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await page.waitForFunction(() => document.querySelector('svg .annotation text.shape-label')?.textContent?.includes('B − A'));
      return page.locator('svg .annotation g.mini rect').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
    };
    const dHead = await page.evaluate(() => (window as any).__flow.run.trace.config.dHead);
    const layer2 = await heights(1);
    expect(layer2).toHaveLength(dHead);
    expect(Math.max(...layer2)).toBe(0);
    const layer3 = await heights(2);
    expect(Math.max(...layer3)).toBeGreaterThan(0);
    await page.uncheck('[data-control=chart-difference]');
    await page.waitForFunction(() => !document.querySelector('svg .annotation text.shape-label')?.textContent?.includes('B − A'));
  });

  it('ranks the heads for A’s first token, and A still continues exactly after B ran', async () => {
    await page.click('[data-action=rank-heads]');
    await page.waitForSelector('[data-testid=head-ranking] tbody tr', { timeout: 120_000 });
    const drops = await page.locator('[data-testid=head-ranking] tbody tr').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-drop'))));
    expect(drops.length).toBe(10);
    for (let i = 1; i < drops.length; i++) expect(drops[i - 1]!).toBeGreaterThanOrEqual(drops[i]!);
    // A's run was handed back to the worker: one more step recomputes nothing stale.
    const before = await page.evaluate(() => (window as any).__flow.run.trace.tokens.length);
    expect(await clickAndWait(page, 'step')).not.toBe('');
    expect(await page.evaluate(() => (window as any).__flow.run.trace.tokens.length)).toBe(before + 1);
    const compared = await compareWithRecompute(page);
    expect(compared.recomputeVsTrace).toBeLessThan(1e-4);
  });

  it('KV cache: its size at each step follows from the config, and a recompute without it agrees within 1e-4', async () => {
    await page.click('button[data-tab=cache]');
    await page.click('[data-action=check-cache]');
    await page.waitForSelector('[data-testid=cache-check]', { timeout: 60_000 });
    const difference = Number(await page.locator('[data-testid=cache-check]').getAttribute('data-difference'));
    expect(difference).toBeLessThan(1e-4);
    expect(difference).toBeGreaterThanOrEqual(0);
    const expected = await page.evaluate(() => {
      const trace = (window as any).__flow.run.trace;
      const { nLayer, nKvHead, dHead } = trace.config;
      return trace.steps.map((s: any, i: number) => [i + 1, 2 * nLayer * nKvHead * (s.position + 1) * dHead * 4]);
    });
    const rows = await page.locator('[data-testid=cache-growth] tbody tr').evaluateAll((trs) => trs.map((tr) => [Number(tr.getAttribute('data-step')), Number(tr.getAttribute('data-bytes'))]));
    expect(rows.length).toBeGreaterThan(2);
    for (const [step, bytes] of rows) expect(bytes).toBe(expected[step! - 1][1]);
    await page.click('button[data-tab=compare]');
  });

  it('zh-CN on a phone: the comparison fits the width', async () => {
    await page.click('[data-action=language]');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-view=compare]').scrollIntoViewIfNeeded();
    await drawn(page);
    const overflow = await page.evaluate(() => {
      const view = document.querySelector('[data-view=compare]') as HTMLElement;
      return { view: view.scrollWidth - view.clientWidth, page: document.documentElement.scrollWidth - innerWidth };
    });
    expect(overflow.page).toBeLessThanOrEqual(0);
    expect(overflow.view).toBeLessThanOrEqual(1);
    expect(await page.locator('[data-view=compare] h3').first().textContent()).toContain('下一个词元');
    await page.locator('[data-view=compare]').screenshot({ path: `${OUTPUT}whatif-zh-390.png` });
  });
});
