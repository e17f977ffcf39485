// The patching lab in Chromium on the embedded GPT-2 model: the example pair is read by the model's tokenizer and
// lined up, the proposed answers are each run's top token, a sweep's ends are the two runs' own logit differences,
// the first layer's stream at the changed token brings the clean answer fully back (the clean token in its place
// is the clean run), a Stop ends a sweep midway, prompts of different lengths are refused in words; on a nine-layer
// model a coarse grid comes first and fills in to the full sweep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import { drawn, launch, openApp, waitForRuns } from './browser';

/** The last position's logits of `ids`, recomputed through the worker (the app's own graph, no patch). */
const lastLogits = (page: Page, ids: number[]) =>
  page.evaluate(async (sequence) => {
    const { tensors } = await window.__flow!.slot.client!.call({
      type: 'capture',
      ids: sequence,
      hooks: ['logits'],
      intervention: null,
      from: 0,
    });
    const data = tensors.logits!.data as Float32Array;
    const vocab = data.length / sequence.length;
    return Array.from(data.subarray(data.length - vocab));
  }, ids);

describe('activation patching in Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    page = await openApp(browser, { backend: 'wasm', lang: 'en', query: { max: '2', t: '0' } });
    await waitForRuns(page, 1);
    await page.evaluate(() => window.__flow!.player.pause());
    await page.click('button[data-tab=patching]');
  });
  afterAll(async () => browser?.close());

  it('reads the example pair, proposes each run’s top token, and its grids’ ends are the runs’ own differences', async () => {
    await page.waitForSelector('[data-testid=patch-tokens][data-aligned=true]');
    await expect(page.locator('[data-testid=patch-tokens]').getAttribute('data-differing')).resolves.toBe('0');
    await page.waitForSelector('[data-testid=patch-estimate]');
    const lab = await page.evaluate(() => {
      const l = window.__flow!.patching;
      return { clean: l.cleanTokens!.ids as number[], corrupted: l.corruptedTokens!.ids as number[], answers: l.answers, passes: l.passes };
    });
    const cleanLogits = await lastLogits(page, lab.clean);
    const corruptedLogits = await lastLogits(page, lab.corrupted);
    const top = (logits: number[]) => logits.indexOf(Math.max(...logits));
    expect(lab.answers!.clean).toBe(top(cleanLogits));
    expect(lab.answers!.corrupted).toBe(top(corruptedLogits));
    expect(lab.answers!.clean).not.toBe(lab.answers!.corrupted);
    await expect(page.locator('[data-testid=patch-estimate]').textContent()).resolves.toContain(`${lab.passes} forward passes`);

    await page.click('[data-action=patch-run]');
    await page.waitForSelector('[data-testid=patch-result]', { timeout: 120_000 });
    await drawn(page);
    const result = await page.evaluate(() => {
      const r = window.__flow!.patching.result!;
      return {
        clean: r.cleanDiff,
        corrupted: r.corruptedDiff,
        resid: Array.from(r.resid as Float32Array),
        positions: r.positions,
        layers: r.layers,
      };
    });
    const diff = (logits: number[]) => logits[lab.answers!.clean]! - logits[lab.answers!.corrupted]!;
    expect(result.clean).toBeCloseTo(diff(cleanLogits), 4);
    expect(result.corrupted).toBeCloseTo(diff(corruptedLogits), 4);
    // The stream entering the first layer at the changed token is that token's embedding: the clean run itself.
    expect(result.resid[0]).toBeCloseTo(result.clean, 4);
    // Every grid is drawn, its cells on the diverging scale (one image or one rect a cell).
    for (const grid of ['resid', 'layers', 'head']) await expect(page.locator(`[data-grid=${grid}] svg.heatmap`).count()).resolves.toBe(1);
    // A cell, clicked, says what was copied and how much came back.
    const cells = page.locator('[data-grid=resid] svg.heatmap rect.cell');
    await cells.first().click();
    await expect(page.locator('[data-testid=patch-cell]').textContent()).resolves.toMatch(
      /^The clean stream entering layer 1 at position 1 \(clean “Lily”, corrupted “Tom”\): 1\.00 of the way back/,
    );
    await page.screenshot({ path: join(import.meta.dirname, '../output/patching-en-1400.png'), fullPage: false });
    expect((page as any).errors).toEqual([]);
  });

  it('a cell opens as What if’s B against the corrupted run: its next-token logits are the cell’s, the views show B − A', async () => {
    const heads = await page.evaluate(() => window.__flow!.patching.result!.heads);
    const expected = await page.evaluate((h) => window.__flow!.patching.result!.head![h + 1], heads);
    // Layer 2, head 2 (row 1, column 1).
    await page
      .locator('[data-grid=head] svg.heatmap rect.cell')
      .nth(heads + 1)
      .click();
    await expect(page.locator('[data-testid=patch-cell]').textContent()).resolves.toMatch(/^Layer 2 head 2’s clean output/);
    const before = await page.evaluate(() => window.__flow!.whatIf.b.completedRuns);
    await page.click('[data-action=patch-open]');
    await page.waitForFunction((n) => window.__flow!.whatIf.b.completedRuns > n && !window.__flow!.whatIf.busy, before, {
      timeout: 60_000,
    });
    const runs = await page.evaluate(() => {
      const flow = window.__flow!;
      const { answers, corrupted } = flow.patching.resultFor!;
      const a = flow.runs.trace;
      const b = flow.whatIf.b.trace;
      const last = b!.promptLength - 1;
      const diff = (trace: any) => trace.rows.logits[last][answers.clean] - trace.rows.logits[last][answers.corrupted];
      return {
        aPrompt: a!.prompt,
        bPrompt: b!.prompt,
        corrupted: corrupted.text,
        cell: b!.intervention!.patch!.cell,
        bDiff: diff(b),
        aDiff: diff(a),
        corruptedDiff: flow.patching.result!.corruptedDiff,
      };
    });
    expect(runs.aPrompt).toBe(runs.corrupted);
    expect(runs.bPrompt).toBe(runs.corrupted);
    expect(runs.cell).toEqual({ grid: 'head', layer: 1, index: 1 });
    expect(runs.bDiff).toBeCloseTo(expected!, 4);
    expect(runs.aDiff).toBeCloseTo(runs.corruptedDiff, 4);
    await expect(page.locator('button[data-tab=lens]').getAttribute('aria-selected')).resolves.toBe('true');
    await expect(page.locator('[data-show-run=difference]').getAttribute('aria-pressed')).resolves.toBe('true');
    await page.click('button[data-tab=compare]');
    await expect(page.locator('[data-testid=run-b]').textContent()).resolves.toContain('Layer 2 head 2’s clean output');
    await page.click('button[data-tab=patching]');
    expect((page as any).errors).toEqual([]);
  });

  it('Stop ends a sweep between two passes and keeps the last result', async () => {
    const before = await page.evaluate(() => window.__flow!.patching.result);
    await page.evaluate(() => {
      const lab = window.__flow!.patching;
      void lab.run();
      lab.stop();
    });
    await page.waitForFunction(() => !window.__flow!.patching.running);
    await expect(page.locator('.error').first().textContent()).resolves.toContain('Patching stopped');
    const after = await page.evaluate(() => window.__flow!.patching.result);
    expect(after!.cleanDiff).toBe(before!.cleanDiff);
  });

  it('prompts of different lengths are refused in words, and the run button waits', async () => {
    await page.fill('[data-control=patch-corrupted]', 'Tom and Sue were very sad, so');
    await page.locator('[data-control=patch-corrupted]').dispatchEvent('change');
    await page.waitForSelector('[data-testid=patch-lengths]');
    await expect(page.locator('[data-testid=patch-lengths]').textContent()).resolves.toMatch(
      /clean prompt has \d+ tokens and the corrupted one \d+/,
    );
    await expect(page.isDisabled('[data-action=patch-run]')).resolves.toBe(true);
  });

  it('on an open model loaded from the Hub (Qwen3’s layout and tokenizer): a sweep whose ends are its runs’ own', async () => {
    const hub = await openApp(browser, { backend: 'wasm', lang: 'en', query: { hub: '/hub', max: '1', t: '0', dtype: 'fp32' } });
    await waitForRuns(hub, 1);
    await hub.fill('input[data-control=hub-repo]', 'qwen-owner/qwen3-tiny');
    await hub.click('[data-action=hub-load]');
    await hub.waitForFunction(() => window.__flow!.slot.modelName === 'qwen-owner/qwen3-tiny' && !window.__flow!.runs.generating, null, {
      timeout: 120_000,
    });
    await hub.click('button[data-tab=patching]');
    await hub.evaluate(() => window.__flow!.patching.setPrompts('The cat sat on the mat and', 'The dog sat on the mat and'));
    await hub.waitForSelector('[data-testid=patch-tokens][data-aligned=true]');
    await hub.waitForSelector('[data-action=patch-run]:not([disabled])');
    await hub.click('[data-action=patch-run]');
    await hub.waitForSelector('[data-testid=patch-result]', { timeout: 120_000 });
    const lab = await hub.evaluate(() => {
      const l = window.__flow!.patching;
      return {
        clean: l.resultFor!.clean.ids as number[],
        corrupted: l.resultFor!.corrupted.ids as number[],
        answers: l.resultFor!.answers,
        result: { clean: l.result!.cleanDiff, corrupted: l.result!.corruptedDiff, layers: l.result!.layers, heads: l.result!.heads },
      };
    });
    const diff = (logits: number[]) => logits[lab.answers.clean]! - logits[lab.answers.corrupted]!;
    expect(lab.result.clean).toBeCloseTo(diff(await lastLogits(hub, lab.clean)), 4);
    expect(lab.result.corrupted).toBeCloseTo(diff(await lastLogits(hub, lab.corrupted)), 4);
    const config = await hub.evaluate(() => window.__flow!.slot.model!.config);
    expect([lab.result.layers, lab.result.heads]).toEqual([config.nLayer, config.nHead]);
    expect((hub as any).errors).toEqual([]);
    await hub.close();
  });

  it('on a nine-layer model: a coarse grid first, filled in where it changes most, then everywhere: the full sweep', async () => {
    const deep = await openApp(browser, { backend: 'wasm', lang: 'en', query: { hub: '/hub', max: '1', t: '0', dtype: 'fp32' } });
    await waitForRuns(deep, 1);
    await deep.fill('input[data-control=hub-repo]', 'qwen-owner/qwen2-deep-tiny');
    await deep.click('[data-action=hub-load]');
    await deep.waitForFunction(
      () => window.__flow!.slot.modelName === 'qwen-owner/qwen2-deep-tiny' && !window.__flow!.runs.generating,
      null,
      {
        timeout: 120_000,
      },
    );
    await deep.click('button[data-tab=patching]');
    await deep.evaluate(() =>
      window.__flow!.patching.setPrompts(
        'The dog sat on the mat and the bird sang in the tree all day long while the sun shone on the green hill',
        'The bird sat on the mat and the bird sang in the tree all day long while the sun shone on the green hill',
      ),
    );
    await deep.waitForSelector('[data-testid=patch-tokens][data-aligned=true]');
    // Every layer would take more passes than a first look should: the coarse grid is offered, and chosen.
    await deep.waitForSelector('[data-control=patch-grain]');
    await expect(deep.isChecked('[data-control=patch-grain] input[value=coarse]')).resolves.toBe(true);
    const counts = await deep.evaluate(() => {
      const lab = window.__flow!.patching;
      return { coarse: lab.passesAt('coarse'), all: lab.passesAt('all'), layers: lab.layerCounts };
    });
    expect(counts.layers).toEqual({ coarse: 5, all: 9 });
    expect(counts.coarse).toBeLessThan(counts.all);
    await expect(deep.locator('[data-testid=patch-estimate]').textContent()).resolves.toContain(`${counts.coarse} forward passes`);
    await deep.waitForSelector('[data-action=patch-run]:not([disabled])');
    await deep.click('[data-action=patch-run]');
    await deep.waitForSelector('[data-testid=patch-refine]', { timeout: 120_000 });
    await drawn(deep);
    const readResult = () =>
      deep.evaluate(() => {
        const r = window.__flow!.patching.result!;
        const list = (grid: Float32Array | null) => Array.from(grid!);
        return {
          layers: r.patchedLayers,
          resid: list(r.resid),
          head: list(r.head),
          attn: list(r.attn),
          mlp: list(r.mlp),
          clean: r.cleanDiff,
        };
      });
    const coarse = await readResult();
    expect(coarse.layers).toEqual([0, 2, 4, 6, 8]);
    await expect(deep.locator('[data-testid=patch-refine]').getAttribute('data-patched')).resolves.toBe('0,2,4,6,8');
    await expect(deep.locator('[data-testid=patch-refine] p').textContent()).resolves.toContain('5 of the 9 layers');
    // Every layer has its row; one left out is empty (hatched), and says so when clicked.
    const positionCount = await deep.evaluate(() => window.__flow!.patching.result!.positions);
    await expect(deep.locator('[data-grid=resid] svg.heatmap rect.cell').count()).resolves.toBe(9 * positionCount);
    await expect(deep.locator('[data-grid=resid] svg.heatmap rect.masked').count()).resolves.toBe(4 * positionCount);
    await deep.locator('[data-grid=resid] svg.heatmap rect.cell').nth(positionCount).click();
    await expect(deep.locator('[data-testid=patch-cell]').textContent()).resolves.toBe(
      'Layer 2 was not patched yet: fill it in below the picture of the residual stream.',
    );
    // The sweep of every layer, asked of the worker directly: what the filled-in grids must equal.
    const full = await deep.evaluate(async () => {
      const { resultFor } = window.__flow!.patching;
      const r = await window.__flow!.slot.client!.call({
        type: 'patch',
        clean: resultFor!.clean.ids,
        corrupted: resultFor!.corrupted.ids,
        answers: resultFor!.answers,
        sites: ['resid', 'head', 'attn', 'mlp'],
      });
      const list = (grid: Float32Array | null) => Array.from(grid!);
      return { layers: r.patchedLayers, resid: list(r.resid), head: list(r.head), attn: list(r.attn), mlp: list(r.mlp) };
    });
    const rowsOf = (grid: number[], width: number, layers: number[]) => layers.flatMap((l) => grid.slice(l * width, (l + 1) * width));
    const positions = coarse.resid.length / coarse.layers.length;
    expect(coarse.resid).toEqual(rowsOf(full.resid, positions, coarse.layers));
    // Fill in where the picture steps most: the button names those layers; the rows already there are kept.
    const sharpest = (await deep.locator('[data-action=patch-refine-sharpest]').getAttribute('data-layers'))!.split(',').map(Number);
    expect(sharpest.length).toBeGreaterThan(0);
    expect(sharpest.every((layer) => !coarse.layers.includes(layer))).toBe(true);
    await deep.click('[data-action=patch-refine-sharpest]');
    await deep.waitForFunction(
      (n) => window.__flow!.patching.result!.patchedLayers.length === n && !window.__flow!.patching.running,
      5 + sharpest.length,
    );
    const refined = await readResult();
    expect(refined.layers).toEqual([...coarse.layers, ...sharpest].sort((a, b) => a - b));
    expect(refined.resid).toEqual(rowsOf(full.resid, positions, refined.layers));
    expect(refined.head).toEqual(rowsOf(full.head, 2, refined.layers));
    // A filled-in cell reads as any other: its share of the way back, from the full sweep's value.
    const filled = sharpest[0]!;
    await deep
      .locator('[data-grid=resid] svg.heatmap rect.cell')
      .nth(filled * positions + positions - 1)
      .click();
    const share =
      (full.resid[filled * positions + positions - 1]! - (await deep.evaluate(() => window.__flow!.patching.result!.corruptedDiff))) /
      (coarse.clean - (await deep.evaluate(() => window.__flow!.patching.result!.corruptedDiff)));
    await expect(deep.locator('[data-testid=patch-cell]').textContent()).resolves.toContain(
      `entering layer ${filled + 1} at position ${positions}`,
    );
    await expect(deep.locator('[data-testid=patch-cell]').textContent()).resolves.toContain(`${share.toFixed(2)} of the way back`);
    await deep.locator('[data-testid=patch-refine]').scrollIntoViewIfNeeded();
    await deep.screenshot({ path: join(import.meta.dirname, '../output/patching-refine-en-1400.png') });
    // Then every layer left: the grids are the full sweep's, and there is nothing left to fill in.
    await deep.click('[data-action=patch-refine-all]');
    await deep.waitForFunction(() => window.__flow!.patching.result!.patchedLayers.length === 9 && !window.__flow!.patching.running);
    const whole = await readResult();
    expect(whole.layers).toEqual(full.layers);
    for (const grid of ['resid', 'head', 'attn', 'mlp'] as const) expect(whole[grid], grid).toEqual(full[grid]);
    await deep.waitForSelector('[data-testid=patch-refine]', { state: 'detached' });
    // The resid grid's rows are the nine layers, drawn.
    await drawn(deep);
    await expect(deep.locator('[data-grid=resid] svg.heatmap rect.cell').count()).resolves.toBe(9 * positions);
    expect((deep as any).errors).toEqual([]);
    await deep.close();
  });

  it('in Chinese, on a phone: the example pair, the grids and nothing wider than the screen', async () => {
    const phone = await openApp(browser, {
      backend: 'wasm',
      lang: 'zh-CN',
      viewport: { width: 390, height: 844 },
      query: { max: '2', t: '0' },
    });
    await waitForRuns(phone, 1);
    await phone.evaluate(() => window.__flow!.player.pause());
    await phone.click('button[data-tab=patching]');
    await phone.waitForSelector('[data-testid=patch-tokens][data-aligned=true]');
    await expect(phone.inputValue('[data-control=patch-clean]')).resolves.toBe('小红很难过，因为');
    await phone.waitForSelector('[data-action=patch-run]:not([disabled])');
    await phone.click('[data-action=patch-run]');
    await phone.waitForSelector('[data-testid=patch-result]', { timeout: 120_000 });
    await drawn(phone);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.locator('[data-grid=resid]').scrollIntoViewIfNeeded();
    await phone.screenshot({ path: join(import.meta.dirname, '../output/patching-zh-CN-390.png') });
    expect((phone as any).errors).toEqual([]);
    await phone.close();
  });
});
