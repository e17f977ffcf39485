// The detail views in Chromium on the embedded model: every number shown equals the Trace's own tensors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { drawn, launch, openApp, waitForRuns } from './browser';

describe('detail views in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    page = await openApp(browser, {
      backend: 'wasm',
      query: { prompt: 'Lily had a red ball. Lily', max: '6', t: '0.7', k: '30', p: '0.9', seed: '3', frame: '3' },
    });
    await waitForRuns(page, 1);
  });
  afterAll(async () => browser?.close());

  it('attention: for every layer and head, the worked-out Q·K/√d equals the captured score and the cells hold the Trace’s pattern', async () => {
    await page.click('button[data-tab=attention]');
    await drawn(page);
    const config = await page.evaluate(() => window.__flow!.runs.trace!.config);
    for (let layer = 0; layer < config.nLayer; layer++) {
      for (let head = 0; head < config.nHead; head++) {
        await page.selectOption('[data-view=attention] select[data-pick=layer]', { value: String(layer) });
        await drawn(page);
        await page.selectOption('[data-view=attention] select[data-pick=head]', { value: String(head) });
        await drawn(page);
        const cells = page.locator('[data-view=attention] svg.heatmap rect.cell, [data-view=attention] svg.heatmap rect.masked');
        const n = await page.evaluate(() => window.__flow!.computedPositions(window.__flow!.runs.trace!));
        expect(await cells.count()).toBe(n * n);
        // Click the cell (query n-1, key 1) and compare the worked example with the captured tensors.
        await cells.nth((n - 1) * n + 1).click();
        await drawn(page);
        const shown = page.locator('[data-testid=captured-score]');
        const captured = Number(await shown.getAttribute('data-value'));
        const computed = Number(await shown.getAttribute('data-computed'));
        const expected = await page.evaluate(
          ([l, h, q, k]) => {
            const trace = window.__flow!.runs.trace!;
            const row = trace.rows[`blocks.${l}.attn.hook_attn_scores_unmasked`]![q]!;
            const pattern = trace.rows[`blocks.${l}.attn.hook_pattern`]![q]!;
            const width = row.length / trace.config.nHead;
            return { score: row[h * width + k], weight: pattern[h * (pattern.length / trace.config.nHead) + k] };
          },
          [layer, head, n - 1, 1] as [number, number, number, number],
        );
        expect(captured).toBeCloseTo(expected.score!, 6);
        expect(Math.abs(computed - expected.score!)).toBeLessThan(1e-4);
        const title = await cells
          .nth((n - 1) * n + 1)
          .locator('title')
          .textContent();
        expect(Number(title!.split(': ').pop())).toBeCloseTo(expected.weight!, 6);
      }
    }
  });

  it('attention: the masked scores show −∞ above the diagonal', async () => {
    await page.selectOption('[data-view=attention] select[data-pick=show]', 'masked');
    await drawn(page);
    await expect(page.locator('[data-view=attention] svg.heatmap rect.masked').count()).resolves.toBeGreaterThan(0);
    const first = await page.locator('[data-view=attention] svg.heatmap rect').nth(1).locator('title').textContent();
    expect(first).toMatch(/−∞$/);
    await page.selectOption('[data-view=attention] select[data-pick=show]', 'pattern');
    await drawn(page);
  });

  it('the logit lens’ last layer equals the model’s actual next-token distribution', async () => {
    await page.click('button[data-tab=lens]');
    await drawn(page);
    const config = await page.evaluate(() => window.__flow!.runs.trace!.config);
    const last = page.locator(`[data-view=lens] tr[data-hook="blocks.${config.nLayer - 1}.hook_resid_post"] .candidate`);
    // The lens is read in the worker: the candidates arrive a moment after the view.
    await page.waitForFunction(
      (hook) => document.querySelectorAll(`[data-view=lens] tr[data-hook="${hook}"] .candidate`).length === 5,
      `blocks.${config.nLayer - 1}.hook_resid_post`,
    );
    const shown = await last.evaluateAll((nodes) =>
      nodes.map((n) => ({ id: Number(n.getAttribute('data-id')), p: Number(n.getAttribute('data-p')) })),
    );
    const actual = await page.evaluate(() => {
      const trace = window.__flow!.runs.trace!;
      const n = window.__flow!.computedPositions(trace);
      const logits: Float32Array = trace.rows['logits']![n - 1]!;
      const max = Math.max(...logits);
      const exp = Array.from(logits, (v) => Math.exp(v - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      return exp
        .map((v, id) => ({ id, p: v / sum }))
        .sort((a, b) => b.p - a.p)
        .slice(0, 5);
    });
    expect(shown.map((c) => c.id)).toEqual(actual.map((c) => c.id));
    shown.forEach((c, i) => expect(Math.abs(c.p - actual[i]!.p)).toBeLessThan(1e-4));
  });

  it('MLP: for every layer the top neurons and their values are the Trace’s', async () => {
    await page.click('button[data-tab=mlp]');
    await drawn(page);
    const layers = await page.evaluate(() => window.__flow!.runs.trace!.config.nLayer);
    for (let layer = 0; layer < layers; layer++) {
      await page.selectOption('[data-view=mlp] select[data-pick=layer]', { value: String(layer) });
      await drawn(page);
      const rows = await page.locator('[data-view=mlp] tr[data-neuron]').evaluateAll((nodes) =>
        nodes.map((n) => ({
          neuron: Number(n.getAttribute('data-neuron')),
          post: Number(n.querySelectorAll('td')[2]!.getAttribute('title')),
        })),
      );
      const expected = await page.evaluate((l) => {
        const trace = window.__flow!.runs.trace!;
        const n = window.__flow!.computedPositions(trace);
        const post: Float32Array = trace.rows[`blocks.${l}.mlp.hook_post`]![n - 1]!;
        return Array.from(post, (v, i) => ({ neuron: i, post: v }))
          .sort((a, b) => b.post - a.post || a.neuron - b.neuron)
          .slice(0, 8);
      }, layer);
      expect(rows).toEqual(expected);
    }
    await expect(page.locator('[data-view=mlp] svg.gelu circle.neuron.top').count()).resolves.toBe(8);
  });

  it('sampling: re-sampling with other settings keeps the counts they imply, without running the model', async () => {
    await page.click('button[data-tab=sampling]');
    await drawn(page);
    const view = page.locator('[data-view=sampling]');
    await expect(view.getAttribute('data-kept-k')).resolves.toBe('30');
    await page.fill('[data-view=sampling] input[data-replay=topK]', '5');
    await expect(view.getAttribute('data-kept-k')).resolves.toBe('5');
    expect(Number(await view.getAttribute('data-kept-p'))).toBeLessThanOrEqual(5);
    await page.fill('[data-view=sampling] input[data-replay=topK]', '0');
    // Top-k off keeps the whole vocabulary, but for end-of-text while it is held back: this 6-token run is short of
    // the default minimum of new tokens at every step, and the view says so.
    const { vocabSize, held } = await page.evaluate(() => {
      const trace = window.__flow!.runs.trace!;
      return { vocabSize: trace.config.vocabSize, held: trace.steps.at(-1)!.decision.heldBack!.ids.length };
    });
    expect(held).toBe(1);
    await expect(view.getAttribute('data-kept-k')).resolves.toBe(String(vocabSize - held));
    await expect(view.locator('[data-testid=held-back]').count()).resolves.toBe(1);
    await expect(page.locator('[data-view=sampling] g.candidate').count()).resolves.toBe(12);
  });

  it('embedding and tokens: the strips are the Trace’s vectors; every token is listed', async () => {
    await page.click('button[data-tab=embedding]');
    await drawn(page);
    await expect(page.locator('[data-view=embedding] svg.vector-strip g.row').count()).resolves.toBe(3);
    await page.waitForFunction(() => document.querySelectorAll('[data-view=embedding] .neighbours li').length === 8);
    const title = await page
      .locator('[data-view=embedding] svg.vector-strip g.row')
      .first()
      .locator('rect')
      .nth(5)
      .locator('title')
      .textContent();
    const expected = await page.evaluate(() => {
      const trace = window.__flow!.runs.trace!;
      const n = window.__flow!.computedPositions(trace);
      return trace.rows['hook_embed']![n - 1]![5];
    });
    expect(Number(title!.split(' = ').pop())).toBeCloseTo(expected!, 6);
    await page.click('button[data-tab=tokens]');
    await drawn(page);
    const count = await page.evaluate(() => window.__flow!.runs.trace!.tokens.length);
    await expect(page.locator('[data-view=tokens] tbody tr').count()).resolves.toBe(count);
  });

  it('exports the shown tensor as CSV and .npy, and the view as SVG', async () => {
    await page.click('button[data-tab=attention]');
    await drawn(page);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-view=attention] button[data-download=csv]')]);
    const rows = (await readFile((await csv.path())!, 'utf8')).trim().split('\n');
    const n = await page.evaluate(() => window.__flow!.computedPositions(window.__flow!.runs.trace!));
    expect(rows).toHaveLength(n);
    const [npy] = await Promise.all([page.waitForEvent('download'), page.click('[data-view=attention] button[data-download=npy]')]);
    const bytes = await readFile((await npy.path())!);
    expect(bytes.subarray(1, 6).toString()).toBe('NUMPY');
    expect(bytes.toString('latin1', 10, 80)).toContain(`'shape': (${n}, ${n})`);
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('[data-view=attention] button[data-download=svg]')]);
    expect(await readFile((await svg.path())!, 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});

describe('heads with a known job', () => {
  it('measures every head on a repeated random sequence, shows each score, badges the named heads and opens one', async () => {
    const browser = await launch();
    try {
      const page = await openApp(browser, { backend: 'wasm', lang: 'en', query: { model: '/models/flow-llama-tiny', max: '2', t: '0' } });
      await waitForRuns(page, 1);
      await page.click('button[data-tab=attention]');
      await page.waitForSelector('[data-testid=head-roles][data-state=measured]', { timeout: 60_000 });
      await drawn(page);
      const measured = await page.evaluate(() => {
        const roles = window.__flow!.headRoles;
        const { scores, half, layers, heads } = roles.scores!;
        return {
          ids: roles.ids as number[],
          half,
          layers,
          heads,
          previous: Array.from(scores.previous as Float32Array),
          duplicate: Array.from(scores.duplicate as Float32Array),
          induction: Array.from(scores.induction as Float32Array),
        };
      });
      // The sequence is a half and its repeat, of distinct tokens.
      expect(measured.ids.slice(0, measured.half)).toEqual(measured.ids.slice(measured.half));
      expect(new Set(measured.ids).size).toBe(measured.half);
      // Every score, recomputed here from the model's own pattern on that sequence (a recompute through the worker).
      const patterns = await page.evaluate(async (ids) => {
        const { runs, slot } = window.__flow!;
        const hooks = Array.from({ length: runs.trace!.config.nLayer }, (_, l) => `blocks.${l}.attn.hook_pattern`);
        const { tensors } = await slot.client!.call({ type: 'capture', ids, hooks, intervention: null, from: 0 });
        return hooks.map((hook) => Array.from(tensors[hook]!.data as Float32Array));
      }, measured.ids);
      const n = 2 * measured.half;
      const at = (layer: number, query: number, head: number, key: number) => patterns[layer]![(query * measured.heads + head) * n + key]!;
      for (let layer = 0; layer < measured.layers; layer++) {
        for (let head = 0; head < measured.heads; head++) {
          let previous = 0;
          for (let i = 1; i < n; i++) previous += at(layer, i, head, i - 1);
          let induction = 0;
          for (let i = measured.half; i < n; i++) induction += at(layer, i, head, i - measured.half + 1);
          expect(measured.previous[layer * measured.heads + head]).toBeCloseTo(previous / (n - 1), 5);
          expect(measured.induction[layer * measured.heads + head]).toBeCloseTo(induction / measured.half, 5);
        }
      }
      // The line under the head picker gives the selected head's three scores.
      await page.selectOption('[data-view=attention] select[data-pick=layer]', { value: '1' });
      await page.selectOption('[data-view=attention] select[data-pick=head]', { value: '2' });
      const at12 = 1 * measured.heads + 2;
      await expect(page.locator('[data-testid=head-scores]').textContent()).resolves.toBe(
        `This head on the repeated random sequence: previous-token ${measured.previous[at12]!.toFixed(2)} · duplicate-token ${measured.duplicate[at12]!.toFixed(2)} · induction ${measured.induction[at12]!.toFixed(2)}.`,
      );
      // A badge on every head named for a role (score ≥ 0.4), and none elsewhere.
      const named = ['previous', 'duplicate', 'induction'].reduce(
        (count, role) => count + (measured as any)[role].filter((score: number) => score >= 0.4).length,
        0,
      );
      await expect(page.locator('[data-view=attention] svg.head-grid g.badge').count()).resolves.toBe(named);
      // Each role names its heads or says which head comes closest.
      for (const role of ['previous', 'duplicate', 'induction']) {
        const item = page.locator(`[data-testid=head-roles] li[data-role=${role}]`);
        const scores: number[] = (measured as any)[role];
        const count = scores.filter((score) => score >= 0.4).length;
        await expect(item.getAttribute('data-named')).resolves.toBe(String(count));
        if (count === 0) await expect(item.textContent()).resolves.toContain(`scores ${Math.max(...scores).toFixed(2)}`);
      }
      // A named head opens in the view.
      const button = page.locator('[data-testid=head-roles] button[data-head]').first();
      if ((await button.count()) > 0) {
        const [layer, head] = (await button.getAttribute('data-head'))!.split('.');
        await button.click();
        await expect(page.locator('[data-view=attention]').getAttribute('data-layer')).resolves.toBe(layer);
        await expect(page.locator('[data-view=attention]').getAttribute('data-head')).resolves.toBe(head);
      }
      expect((page as any).errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('a long input in the attention view', () => {
  it('draws the pattern as one bitmap whose cells still name their value on hover and select on click', async () => {
    const browser = await launch();
    const prompt =
      'Once upon a time, Lily went to the park with her friend Tom. They played with a red ball until it was time to go home. '.repeat(2);
    const page = await openApp(browser, { backend: 'wasm', query: { prompt, max: '2', t: '0' } });
    await waitForRuns(page, 1);
    await page.click('button[data-tab=attention]');
    await drawn(page);
    const n = await page.evaluate(() => window.__flow!.computedPositions(window.__flow!.runs.trace!));
    expect(n * n).toBeGreaterThan(1600);
    const image = page.locator('[data-view=attention] svg.heatmap image.cells-image');
    await expect(image.count()).resolves.toBe(1);
    await expect(page.locator('[data-view=attention] svg.heatmap rect.cell').count()).resolves.toBe(0);
    await expect(image.getAttribute('href')).resolves.toMatch(/^data:image\/png;base64,/);
    const box = (await image.boundingBox())!;
    const cell = box.width / n;
    const [query, key] = [n - 1, 3];
    const position = { x: (key + 0.5) * cell, y: (query + 0.5) * cell };
    await image.hover({ position });
    const title = await image.locator('title').textContent();
    const expected = await page.evaluate(
      ([q, k]) => {
        const trace = window.__flow!.runs.trace;
        const pattern = trace!.rows['blocks.0.attn.hook_pattern']![q];
        return pattern![k]; // layer 0, head 0: the view's default
      },
      [query, key] as [number, number],
    );
    expect(Number(title!.split(': ').pop())).toBeCloseTo(expected!, 6);
    await image.click({ position });
    await drawn(page);
    const worked = page.locator('[data-testid=captured-score]');
    const captured = Number(await worked.getAttribute('data-value'));
    const score = await page.evaluate(
      ([q, k]) => {
        const trace = window.__flow!.runs.trace;
        return trace!.rows['blocks.0.attn.hook_attn_scores_unmasked']![q]![k];
      },
      [query, key] as [number, number],
    );
    expect(captured).toBeCloseTo(score!, 5);
    await browser.close();
  });
});

describe('the KV-cache check', () => {
  it('waits for a step after the prompt: until then a recompute would only repeat the prompt’s pass', async () => {
    const browser = await launch();
    try {
      const page = await openApp(browser, { backend: 'wasm', query: { prompt: 'Lily had a red ball. Lily', max: '1', t: '0' } });
      await waitForRuns(page, 1);
      await page.click('button[data-tab=cache]');
      // One new token: only the prompt's pass has run (the token is not fed back yet).
      await expect(
        page.evaluate(() => window.__flow!.computedPositions(window.__flow!.runs.trace!) === window.__flow!.runs.trace!.promptLength),
      ).resolves.toBe(true);
      await expect(page.locator('[data-action=check-cache]').isDisabled()).resolves.toBe(true);
      await expect(page.locator('[data-testid=cache-check-later]').count()).resolves.toBe(1);
      await page.click('[data-action=step]');
      await waitForRuns(page, 2);
      await expect(page.locator('[data-action=check-cache]').isDisabled()).resolves.toBe(false);
      await expect(page.locator('[data-testid=cache-check-later]').count()).resolves.toBe(0);
      await page.close();
    } finally {
      await browser.close();
    }
  }, 120_000);
});
