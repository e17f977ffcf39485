// "What if" in Chromium on the embedded model: run B forked from run A, unchanged or with a head switched off, the
// comparison it shows computed from both Traces, the head ranking, and run A continuing afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { clickAndWait, compareWithRecompute, drawn, launch, openApp, waitForRuns } from './browser';
import { validateTraceDocument } from '../traceFormat';
import { percentText } from '../../visualizations/scales';

const OUTPUT = new URL('../output/', import.meta.url).pathname;

/** Clicks "Run B" and waits for B to finish. */
async function runB(page: Page): Promise<void> {
  const before = await page.evaluate(() => window.__flow!.whatIf.b.completedRuns as number);
  await page.click('[data-action=run-b]');
  await page.waitForFunction((n) => window.__flow!.whatIf.b.completedRuns > n && !window.__flow!.whatIf.busy, before, { timeout: 120_000 });
  await drawn(page);
}

/** Clicks Export trace; returns the file's name and its document. */
async function exportTrace(page: Page): Promise<{ name: string; document: any }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export]')]);
  return { name: download.suggestedFilename(), document: JSON.parse(await readFile((await download.path())!, 'utf8')) };
}

describe('what if: fork, switch off, compare', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await mkdir(OUTPUT, { recursive: true });
    browser = await launch();
    page = await openApp(browser, {
      backend: 'wasm',
      viewport: { width: 1280, height: 800 },
      query: { prompt: 'Lily had a red ball. She', max: '6', t: '0.8', k: '40', p: '0.95', seed: '7' },
    });
    await waitForRuns(page, 1);
    await page.evaluate(() => window.__flow!.player.pause());
    await page.click('button[data-tab=compare]');
  });
  afterAll(async () => browser?.close());

  it('B with nothing changed is A, number for number', async () => {
    // B forks from A in the worker: what crosses names A's run, never A's tokens.
    await page.evaluate(() => {
      // (The client keeps its worker private; this test alone listens to what crosses to it.)
      const worker = (window.__flow!.slot.client as unknown as { worker: Worker }).worker;
      const sent: Record<string, unknown>[] = ((window as unknown as { __sent: unknown[] }).__sent = []) as Record<string, unknown>[];
      const post = worker.postMessage.bind(worker);
      worker.postMessage = ((message: Record<string, unknown>, transfer?: Transferable[]) => {
        sent.push(message);
        post(message, transfer ?? []);
      }) as typeof worker.postMessage;
    });
    await runB(page);
    const forks = await page.evaluate(() =>
      (window as unknown as { __sent: Record<string, unknown>[] }).__sent.filter(
        (message) => message['type'] === 'fork' || message['type'] === 'begin',
      ),
    );
    expect(forks.map((message) => message['type'])).toEqual(['fork']);
    expect(forks[0]).toMatchObject({ of: await page.evaluate(() => window.__flow!.runs.trace!.runId), prompt: null, feed: true });
    expect(Object.keys(forks[0]!).filter((key) => key === 'ids' || key === 'forced')).toEqual([]);
    const same = await page.evaluate(() => {
      const flow = window.__flow!;
      const a = flow.runs.trace!;
      const b = flow.whatIf.b.trace!;
      let largest = 0;
      for (const hook of Object.keys(a.rows)) {
        a.rows[hook]!.forEach((row: Float32Array, p: number) => {
          const other = b.rows[hook]![p]!;
          // Equal infinities (masked scores) are equal; anything else is compared as numbers.
          for (let i = 0; i < row.length; i++) if (row[i] !== other[i]) largest = Math.max(largest, Math.abs(row[i]! - other[i]!));
        });
      }
      return {
        largest,
        tokens: JSON.stringify(a.tokens.map((t: any) => t.id)) === JSON.stringify(b.tokens.map((t: any) => t.id)),
        intervention: b.intervention,
      };
    });
    expect(same).toEqual({ largest: 0, tokens: true, intervention: null });
    expect(await page.locator('[data-testid=chosen-change]').textContent()).toContain('0.00');
    // B read A's tokens (the default), and the tab says so.
    expect(await page.evaluate(() => window.__flow!.whatIf.b.trace!.feeding)).toBe('teacher-forced');
    expect(await page.locator('[data-testid=run-b]').textContent()).toContain('fed A’s tokens (teacher forcing)');
    expect(await page.isChecked('[data-feeding=teacher-forced]')).toBe(true);
  });

  it('B with a head switched off: its z is zero, the residual adds what the formula says, and the page shows the change the logits make', async () => {
    await page.click('[data-view=compare] button[data-head="1.2"]');
    await runB(page);
    const checks = await page.evaluate(() => {
      const flow = window.__flow!;
      const a = flow.runs.trace;
      const b = flow.whatIf.b.trace;
      const { dHead } = b!.config;
      let zLargest = 0;
      let residualError = 0;
      const n = b!.rows['logits']!.length;
      for (let p = 0; p < n; p++) {
        const z = b!.rows['blocks.1.attn.hook_z']![p];
        for (let i = 2 * dHead; i < 3 * dHead; i++) zLargest = Math.max(zLargest, Math.abs(z![i]!));
        const pre = b!.rows['blocks.1.hook_resid_pre']![p];
        const out = b!.rows['blocks.1.hook_attn_out']![p];
        const mid = b!.rows['blocks.1.hook_resid_mid']![p]!;
        for (let i = 0; i < mid.length; i++) residualError = Math.max(residualError, Math.abs(pre![i]! + out![i]! - mid[i]!));
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
      const chosen = a!.steps[0]!.decision.chosenId;
      const cols = Math.min(a!.rows['logits']!.length, n);
      const largestDifference = (hook: string) => {
        let largest = 0;
        // The prompt's positions: after it the two runs may have chosen different tokens.
        for (let p = 0; p < a!.promptLength; p++)
          a!.rows[hook]![p]!.forEach((v: number, i: number) => (largest = Math.max(largest, Math.abs(v - b!.rows[hook]![p]![i]!))));
        return largest;
      };
      const layer1 = largestDifference('blocks.0.hook_resid_post');
      const layer2 = largestDifference('blocks.1.hook_resid_post');
      return {
        intervention: b!.intervention,
        zLargest,
        residualError,
        pa: softmaxAt(a, chosen),
        pb: softmaxAt(b, chosen),
        cols,
        nLayer: a!.config.nLayer,
        layer1,
        layer2,
      };
    });
    expect(checks.intervention).toEqual({ heads: ['1.2'], mlps: [] });
    expect(checks.zLargest).toBe(0);
    expect(checks.residualError).toBeLessThan(1e-5);
    expect(checks.pa).not.toBe(checks.pb);
    const sentence = await page.locator('[data-testid=chosen-change]').textContent();
    expect(sentence).toContain(percentText(checks.pa));
    expect(sentence).toContain(percentText(checks.pb));
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
        const flow = window.__flow!;
        const at = flow.playback.frames.findIndex((f: any) => f.node === 'weightedSum' && f.layer === l && f.step === 0);
        flow.playback.jumpTo(at);
        return at;
      }, layer);
      expect(index).toBeGreaterThan(0);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      await page.waitForFunction(() => document.querySelector('svg .annotation text.shape-label')?.textContent?.includes('B − A'));
      return page.locator('svg .annotation g.mini rect').evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('height'))));
    };
    const dHead = await page.evaluate(() => window.__flow!.runs.trace!.config.dHead);
    const layer2 = await heights(1);
    expect(layer2).toHaveLength(dHead);
    expect(Math.max(...layer2)).toBe(0);
    const layer3 = await heights(2);
    expect(Math.max(...layer3)).toBeGreaterThan(0);
    await page.uncheck('[data-control=chart-difference]');
    await page.waitForFunction(() => !document.querySelector('svg .annotation text.shape-label')?.textContent?.includes('B − A'));
  });

  it('B − A opens the attention view on the switched-off head, and the A/B panel on the step where the runs’ next-token distributions differ most', async () => {
    // Fed A's tokens, B reads A's text at every position: its tokens are A's although the head is off.
    const tokens = await page.evaluate(() => {
      const flow = window.__flow!;
      const ids = (t: any) => t.tokens.map((token: any) => token.id).join();
      return { same: ids(flow.runs.trace) === ids(flow.whatIf.b.trace), feeding: flow.whatIf.b.trace!.feeding };
    });
    expect(tokens).toEqual({ same: true, feeding: 'teacher-forced' });
    await page.click('button[data-tab=attention]');
    expect(await page.inputValue('[data-view=attention] select[data-pick=layer]')).toBe('0');
    await page.click('[data-show-run=difference]');
    await page.waitForSelector('[data-view=attention] svg.heatmap text.legend-label');
    await drawn(page);
    // Layer 2, head 3 (indices 1 and 2): the head switched off.
    expect(await page.inputValue('[data-view=attention] select[data-pick=layer]')).toBe('1');
    expect(await page.inputValue('[data-view=attention] select[data-pick=head]')).toBe('2');
    expect(await page.locator('[data-view=attention] svg.heatmap > title').textContent()).toContain('L2 H3');
    // Switching off removes what the head writes, not where it looks: the first head off keeps its pattern, and the
    // view says so.
    expect(await page.locator('[data-view=attention] [data-testid=difference-zero]').count()).toBe(1);
    expect(await page.locator('[data-view=attention] [data-testid=head-off]').textContent()).toContain('not where it looks');
    // The pattern's B − A is read, not assumed: 0 here, fed A's tokens with nothing before the head switched off.
    const offPattern = page.locator('[data-view=attention] [data-testid=head-off-pattern]');
    expect(await offPattern.getAttribute('data-unchanged')).toBe('true');
    expect(await offPattern.textContent()).toContain('B − A of its pattern is 0');

    await page.click('button[data-tab=sampling]');
    await page.waitForSelector('[data-testid=next-both-distance]');
    const expected = await page.evaluate(() => {
      const flow = window.__flow!;
      const a = flow.runs.trace!;
      const b = flow.whatIf.b.trace;
      const probabilities = (row: Float32Array) => {
        let max = -Infinity;
        for (const v of row) max = Math.max(max, v);
        const p = Float64Array.from(row, (v) => Math.exp(v - max));
        const sum = p.reduce((s, v) => s + v, 0);
        return p.map((v) => v / sum);
      };
      const distances = a.steps.map((step: any) => {
        const pa = probabilities(a.rows['logits']![step.position]!);
        const pb = probabilities(b!.rows['logits']![step.position]!);
        let moved = 0;
        for (let i = 0; i < pa.length; i++) moved += Math.abs(pb[i]! - pa[i]!);
        return moved / 2;
      });
      const best = distances.indexOf(Math.max(...distances));
      return { best, position: a.steps[best]!.position, distance: distances[best], steps: a.steps.length };
    });
    expect(expected.distance).toBeGreaterThan(1e-4);
    // (Not the newest step, where the panel stood before: this run's seed makes the two different.)
    expect(expected.best).toBeLessThan(expected.steps - 1);
    expect(Number(await page.getAttribute('[data-testid=next-both]', 'data-position'))).toBe(expected.position);
    const shown = page.locator('[data-testid=next-both-distance]');
    expect(Math.abs(Number(await shown.getAttribute('data-distance')) - expected.distance!)).toBeLessThan(1e-9);
    expect(Number(await shown.getAttribute('data-largest-step'))).toBe(expected.best);
    expect(await shown.textContent()).toContain('Total variation distance');
    expect(await shown.textContent()).toContain(`step ${expected.best + 1}`);

    // Run B's own sampling there: the token it was fed is A's, and the panel says which it would have drawn.
    await page.click('[data-show-run=b]');
    const forced = page.locator('[data-testid=forced-token]');
    await forced.waitFor();
    const fedId = await page.evaluate((position) => window.__flow!.runs.trace!.tokens[position + 1]!.id, expected.position);
    expect(Number(await forced.getAttribute('data-fed'))).toBe(fedId);
    expect(await forced.textContent()).toContain('teacher forcing');
  });

  it('Export trace writes the run on screen: B with its intervention and feeding while B is shown, A otherwise; B sampling freely is one click away', async () => {
    // B is shown (the last test picked it).
    const b = await exportTrace(page);
    expect(validateTraceDocument(b.document)).toEqual([]);
    const live = await page.evaluate(() => {
      const t = window.__flow!.whatIf.b.trace!;
      return {
        tokens: t.tokens.map((token: any) => token.id),
        chosen: t.steps.map((s: any) => s.decision.chosenId),
        dHead: t.config.dHead,
        model: t.modelName,
      };
    });
    expect(b.document.run).toBe('B');
    expect(b.document.intervention).toEqual({ heads: ['1.2'], mlps: [] });
    expect(b.document.feeding).toBe('teacher-forced');
    expect(b.document.tokens.map((token: any) => token.id)).toEqual(live.tokens);
    expect(b.document.steps.map((step: any) => step.decision.chosenId)).toEqual(live.chosen);
    // B's captures: the switched-off head's z is zero at every position.
    const z = b.document.captures['blocks.1.attn.hook_z'];
    const [n, heads, dHead] = z.shape;
    for (let p = 0; p < n; p++) for (let i = 0; i < dHead; i++) expect(z.data[(p * heads + 2) * dHead + i]).toBe(0);
    expect(b.name).toMatch(new RegExp(`^trace-${live.model}-B-L2H3-teacher-forced-\\d+\\.json$`));
    expect(await page.locator('[data-action=export]').textContent()).toContain('run B');

    await page.click('[data-show-run=a]');
    const a = await exportTrace(page);
    expect(a.document.run).toBe('A');
    expect(a.document.intervention).toBeNull();
    expect(a.document.feeding).toBe('sampled');
    expect(a.name).toMatch(new RegExp(`^trace-${live.model}-A-\\d+\\.json$`));

    // B drawing its own tokens: one choice, recorded and said on screen, and in the export.
    await page.click('button[data-tab=compare]');
    await page.check('[data-feeding=sampled]');
    await runB(page);
    expect(await page.locator('[data-testid=run-b]').getAttribute('data-feeding')).toBe('sampled');
    expect(await page.locator('[data-testid=run-b]').textContent()).toContain('its own draws');
    await page.click('button[data-tab=tokens]');
    await page.click('[data-show-run=b]');
    const sampled = await exportTrace(page);
    expect(validateTraceDocument(sampled.document)).toEqual([]);
    expect(sampled.document.feeding).toBe('sampled');
    // Its own draws: each token after the prompt is the one its step chose.
    for (const step of sampled.document.steps) expect(sampled.document.tokens[step.position + 1].id).toBe(step.decision.chosenId);
    expect(sampled.name).toMatch(new RegExp(`^trace-${live.model}-B-L2H3-\\d+\\.json$`));
    await page.click('[data-show-run=a]');
    await page.click('button[data-tab=compare]');
    await page.check('[data-feeding=teacher-forced]');
    // Another prompt for B: A's tokens would not line up, so B draws its own, and the tab says why.
    await page.fill('[data-control=prompt-b]', 'Tom had a blue kite. He');
    expect(await page.isDisabled('[data-feeding=teacher-forced]')).toBe(true);
    expect(await page.isChecked('[data-feeding=sampled]')).toBe(true);
    expect(await page.locator('[data-testid=feeding-prompt-differs]').count()).toBe(1);
    await page.fill('[data-control=prompt-b]', 'Lily had a red ball. She');
    expect(await page.isChecked('[data-feeding=teacher-forced]')).toBe(true);
  });

  it('B with the head replaced by its mean: its z is A’s mean over A’s positions, at every position', async () => {
    // A second click on the head: zeros → its mean.
    await page.click('[data-view=compare] button[data-head="1.2"]');
    expect(await page.getAttribute('[data-view=compare] button[data-head="1.2"]', 'data-mode')).toBe('mean');
    await runB(page);
    const checks = await page.evaluate(() => {
      const flow = window.__flow!;
      const a = flow.runs.trace!;
      const b = flow.whatIf.b.trace!;
      const { dHead } = a.config;
      const rowsA: readonly Float32Array[] = a.rows['blocks.1.attn.hook_z']!;
      const mean = Array.from({ length: dHead }, (_, i) => rowsA.reduce((sum, row) => sum + row[2 * dHead + i]!, 0) / rowsA.length);
      let fed = 0;
      let captured = 0;
      b.intervention!.means!['1.2']!.forEach((v: number, i: number) => (fed = Math.max(fed, Math.abs(v - mean[i]!))));
      for (const row of b.rows['blocks.1.attn.hook_z'] as Float32Array[])
        for (let i = 0; i < dHead; i++) captured = Math.max(captured, Math.abs(row[2 * dHead + i]! - mean[i]!));
      return { heads: b.intervention!.heads, fed, captured, size: Math.max(...mean.map(Math.abs)) };
    });
    expect(checks.heads).toEqual(['1.2']);
    expect(checks.fed).toBeLessThan(1e-6);
    // The graph adds the float32 mean to 0 · z: the captured z is the mean rounded to float32.
    expect(checks.captured).toBeLessThan(1e-6);
    expect(checks.size).toBeGreaterThan(1e-3);
    expect(await page.locator('[data-testid=compare-runs]').textContent()).toContain('replaced by its mean');
  });

  it('B − A: the MLP, attention and lens views and a box’s detail show B’s rows minus A’s, with a B − A legend; tokens say what they show instead', async () => {
    await page.click('button[data-tab=mlp]');
    await page.click('[data-show-run=difference]');
    // Layer 3: it reads the stream layer 2's changed head wrote into.
    await page.selectOption('[data-view=mlp] select[data-pick=layer]', { value: '2' });
    await drawn(page);
    const mlp = await page.evaluate(() => {
      const view = document.querySelector('[data-view=mlp]')!;
      const layer = Number(view.getAttribute('data-layer'));
      const position = Number(view.getAttribute('data-position'));
      const shown = [...view.querySelectorAll('svg.vector-strip g.row')].map((g) =>
        [...g.querySelectorAll('rect title')].map((t) => Number(t.textContent!.split(' = ').pop()) + 0),
      );
      const flow = window.__flow!;
      const a = flow.runs.trace;
      const b = flow.whatIf.b.trace;
      const expected = ['mlp.hook_pre', 'mlp.hook_post'].map((hook) => {
        const x: Float32Array = a!.rows[`blocks.${layer}.${hook}`]![position]!;
        return Array.from(b!.rows[`blocks.${layer}.${hook}`]![position] as Float32Array, (y, i) => Math.fround(y - x[i]!) + 0);
      });
      return {
        layer,
        shown,
        expected,
        largest: Math.max(...expected[1]!.map(Math.abs)),
        legend: view.querySelector('svg.vector-strip text.legend-label')?.textContent,
      };
    });
    expect(mlp.layer).toBe(2);
    expect(mlp.shown).toEqual(mlp.expected);
    expect(mlp.largest).toBeGreaterThan(1e-3);
    expect(mlp.legend).toContain('B − A');
    expect(await page.getAttribute('[data-testid=difference-note]', 'data-subtractable')).toBe('true');

    await page.click('button[data-tab=attention]');
    await page.selectOption('[data-view=attention] select[data-pick=layer]', { value: '2' });
    await page.selectOption('[data-view=attention] select[data-pick=head]', { value: '0' });
    await drawn(page);
    const attention = await page.evaluate(() => {
      const flow = window.__flow!;
      const a = flow.runs.trace!;
      const b = flow.whatIf.b.trace!;
      const n = Math.min(a.rows['logits']!.length, b.rows['logits']!.length);
      const { nHead } = a.config;
      const hook = 'blocks.2.attn.hook_pattern';
      const expected: number[] = [];
      for (let q = 0; q < n; q++) {
        const x: Float32Array = a.rows[hook]![q]!;
        const y: Float32Array = b.rows[hook]![q]!;
        // Head 1 (index 0), key k; keys after the query hold 0 in both.
        for (let k = 0; k < n; k++) expected.push(k <= q ? Math.fround(y[k]! - x[k]!) + 0 : 0);
      }
      const view = document.querySelector('[data-view=attention]')!;
      const shown = [...view.querySelectorAll('svg.heatmap rect.cell title')].map((t) => Number(t.textContent!.split(': ').pop()) + 0);
      return {
        expected,
        shown,
        nHead,
        largest: Math.max(...expected.map(Math.abs)),
        legend: view.querySelector('svg.heatmap text.legend-label')?.textContent,
        leftOut: !!view.querySelector('[data-testid=difference-left-out]'),
        worked: !!view.querySelector('[data-testid=worked]'),
      };
    });
    expect(attention.shown).toEqual(attention.expected);
    expect(attention.largest).toBeGreaterThan(1e-4);
    expect(attention.legend).toContain('B − A');
    expect(attention.leftOut).toBe(true);
    expect(attention.worked).toBe(false);

    // The lens: its bars are the length of B − A of the stream; its table reads each run's own stream.
    await page.click('button[data-tab=lens]');
    await page.waitForSelector('[data-view=lens] .candidates[data-run=B] .candidate');
    const lens = await page.evaluate(() => {
      const view = document.querySelector('[data-view=lens]')!;
      const position = Number(view.getAttribute('data-position'));
      const flow = window.__flow!;
      const a = flow.runs.trace!;
      const b = flow.whatIf.b.trace!;
      const hooks = ['blocks.0.hook_resid_pre', ...Array.from({ length: a.config.nLayer }, (_, l) => `blocks.${l}.hook_resid_post`)];
      const expected = hooks.map((hook) => {
        const x: Float32Array = a.rows[hook]![position]!;
        let sum = 0;
        (b.rows[hook]![position] as Float32Array).forEach((y, i) => (sum += Math.fround(y - x[i]!) ** 2));
        return Math.sqrt(sum);
      });
      const shown = [...view.querySelectorAll('svg.norms rect title')].map((t) => Number(t.textContent!.split(' = ').pop()));
      const sameTokens = a.tokens.slice(0, position + 1).every((t: any, i: number) => t.id === b.tokens[i]!.id);
      return {
        expected,
        shown,
        sameTokens,
        runs: [...view.querySelectorAll('tr[data-hook] .candidates')].map((c) => c.getAttribute('data-run')),
      };
    });
    expect(lens.shown).toHaveLength(lens.expected.length);
    lens.shown.forEach((value, i) =>
      expect(Math.abs(value - lens.expected[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, lens.expected[i]!)),
    );
    // Layer 1 ran before the changed head: where the runs read the same tokens, the stream there is the same;
    // after layer 2 it has moved.
    if (lens.sameTokens) expect(lens.expected[1]).toBe(0);
    expect(lens.expected[2]).toBeGreaterThan(1e-3);
    expect(lens.runs.slice(0, 2)).toEqual(['A', 'B']);

    // A box's detail shows B − A too: its first values are B's minus A's at the step's last position.
    await page.locator('g.node[data-node=softmax]').click();
    const item = page.locator('[data-detail=softmax] li[data-hook$="attn.hook_pattern"]');
    const hook = (await item.getAttribute('data-hook'))!;
    const detailShown = await item.locator('.values').getAttribute('title');
    const detailExpected = await page.evaluate((hook) => {
      const flow = window.__flow!;
      const a = flow.runs.trace!;
      const b = flow.whatIf.b.trace;
      const position = a.steps[flow.playback.frame.step]!.position;
      const x: Float32Array = a.rows[hook]![position]!;
      const y: Float32Array = b!.rows[hook]![position]!;
      return Array.from({ length: 8 }, (_, i) => (y[i] === x[i] ? 0 : Math.fround(y[i]! - x[i]!))).join(', ');
    }, hook);
    expect(detailShown).toBe(detailExpected);
    expect(await item.locator('.muted').textContent()).toContain('B − A');
    await page.click('[data-detail=softmax] button.close');

    // The embedding of the same tokens is the same: B − A is 0 there, and the view says so.
    await page.click('button[data-tab=embedding]');
    await drawn(page);
    const embedding = await page.evaluate(() => {
      const flow = window.__flow!;
      const view = document.querySelector('[data-view=embedding]')!;
      const position = Number(view.getAttribute('data-position'));
      return {
        same: flow.runs.trace!.tokens[position]!.id === flow.whatIf.b.trace!.tokens[position]!.id,
        zero: !!view.querySelector('[data-testid=difference-zero]'),
      };
    });
    expect(embedding.zero).toBe(embedding.same);

    // Tokens cannot be subtracted: the view says it shows B's.
    await page.click('button[data-tab=tokens]');
    expect(await page.getAttribute('[data-testid=difference-note]', 'data-subtractable')).toBe('false');
    expect(await page.locator('[data-testid=difference-note]').textContent()).toContain('run B’s tokens');
  });

  it('Sampling: the next-token panel sets both runs’ probabilities side by side, computed from each run’s logits', async () => {
    await page.click('button[data-tab=sampling]');
    await page.waitForSelector('[data-testid=next-both] tbody tr');
    const rows = await page.locator('[data-testid=next-both] tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        id: Number(tr.getAttribute('data-id')),
        a: Number(tr.getAttribute('data-a')),
        b: Number(tr.getAttribute('data-b')),
        text: tr.textContent,
      })),
    );
    const position = Number(await page.getAttribute('[data-testid=next-both]', 'data-position'));
    const expected = await page.evaluate(
      ({ ids, position }) => {
        const flow = window.__flow!;
        const softmax = (row: Float32Array) => {
          let max = -Infinity;
          for (const v of row) max = Math.max(max, v);
          let sum = 0;
          for (const v of row) sum += Math.exp(v - max);
          return (id: number) => Math.exp(row[id]! - max) / sum;
        };
        const a = flow.runs.trace!;
        const pa = softmax(a.rows['logits']![position]!);
        const pb = softmax(flow.whatIf.b.trace!.rows['logits']![position]!);
        const step = a.steps.find((s: any) => s.position === position);
        return {
          a: ids.map(pa),
          b: ids.map(pb),
          chosen: step?.decision.chosenId,
          chosenA: step ? pa(step.decision.chosenId) : NaN,
          chosenB: step ? pb(step.decision.chosenId) : NaN,
        };
      },
      { ids: rows.map((r) => r.id), position },
    );
    // The step the sampling view is on (a box's click chose it): one A sampled at.
    expect(expected.chosen).toBeTypeOf('number');
    expect(rows.length).toBeGreaterThan(2);
    rows.forEach((row, i) => {
      expect(Math.abs(row.a - expected.a[i]!)).toBeLessThan(1e-9);
      expect(Math.abs(row.b - expected.b[i]!)).toBeLessThan(1e-9);
      expect(row.text).toContain(percentText(expected.a[i]!));
      expect(row.text).toContain(percentText(expected.b[i]!));
    });
    expect(rows.some((row) => Math.abs(row.a - row.b) > 1e-4)).toBe(true);
    const sentence = await page.locator('[data-testid=next-both-chosen]').textContent();
    expect(sentence).toContain(percentText(expected.chosenA));
    expect(sentence).toContain(percentText(expected.chosenB));
    await page.click('[data-show-run=a]');
    await page.click('button[data-tab=compare]');
  });

  it('ranks the heads for A’s first token, and A still continues exactly after B ran', async () => {
    await page.click('[data-action=rank-heads]');
    await page.waitForSelector('[data-testid=head-ranking] tbody tr', { timeout: 120_000 });
    const drops = await page
      .locator('[data-testid=head-ranking] tbody tr')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-drop'))));
    expect(drops.length).toBe(10);
    for (let i = 1; i < drops.length; i++) expect(drops[i - 1]!).toBeGreaterThanOrEqual(drops[i]!);
    // The worker kept A's run and its cache aside while B ran and the heads were ranked: one more step sends no
    // run back ('adopt'), runs one position from A's cache, and records only that position (the earlier ones keep
    // the rows of the passes that first computed them).
    const before = await page.evaluate(() => {
      const trace = window.__flow!.runs.trace!;
      (window as any).__keptRow = trace.rows['blocks.0.attn.hook_v']![0];
      // (The client keeps its worker private; this test alone listens to what crosses to it.)
      const worker = (window.__flow!.slot.client as unknown as { worker: Worker }).worker;
      const sent: string[] = ((window as any).__sent = []);
      const ran: number[] = ((window as any).__ran = []);
      const post = worker.postMessage.bind(worker);
      worker.postMessage = ((message: { type: string }, transfer?: Transferable[]) => {
        sent.push(message.type);
        post(message, transfer ?? []);
      }) as typeof worker.postMessage;
      worker.addEventListener('message', (event) => {
        if (event.data.type === 'forward') ran.push(event.data.record.ran);
      });
      return trace.tokens.length;
    });
    expect(await clickAndWait(page, 'step')).not.toBe('');
    const sent = await page.evaluate(() => (window as any).__sent as string[]);
    expect(sent).toContain('continue');
    expect(sent).not.toContain('adopt');
    expect(await page.evaluate(() => (window as any).__ran)).toEqual([1]);
    expect(await page.evaluate(() => window.__flow!.runs.trace!.tokens.length)).toBe(before + 1);
    expect(await page.evaluate(() => window.__flow!.runs.trace!.rows['blocks.0.attn.hook_v']![0] === (window as any).__keptRow)).toBe(true);
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
      const trace = window.__flow!.runs.trace!;
      const { nLayer, nKvHead, dHead } = trace.config;
      return trace.steps.map((s: any, i: number) => [i + 1, 2 * nLayer * nKvHead * (s.position + 1) * dHead * 4]);
    });
    const rows = await page
      .locator('[data-testid=cache-growth] tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [Number(tr.getAttribute('data-step')), Number(tr.getAttribute('data-bytes'))]));
    expect(rows.length).toBeGreaterThan(2);
    for (const [step, bytes] of rows) expect(bytes).toBe(expected[step! - 1]![1]);
    await page.click('button[data-tab=compare]');
  });

  it('zh-CN on a phone: the comparison, the sampling panel with both runs and a B − A view fit the width', async () => {
    await page.click('[data-action=language]');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('[data-view=compare]').scrollIntoViewIfNeeded();
    await drawn(page);
    const overflow = async (selector: string) =>
      page.evaluate((selector) => {
        const view = document.querySelector(selector) as HTMLElement;
        return { view: view.scrollWidth - view.clientWidth, page: document.documentElement.scrollWidth - innerWidth };
      }, selector);
    const compare = await overflow('[data-view=compare]');
    expect(compare.page).toBeLessThanOrEqual(0);
    expect(compare.view).toBeLessThanOrEqual(1);
    expect(await page.locator('[data-view=compare] > h3').first().textContent()).toContain('下一个词元');
    expect(await page.locator('[data-view=compare] .modes').textContent()).toContain('均值');
    await page.locator('[data-view=compare]').screenshot({ path: `${OUTPUT}whatif-zh-390.png` });

    await page.click('button[data-tab=sampling]');
    await page.waitForSelector('[data-testid=next-both] tbody tr');
    const sampling = await overflow('[data-testid=next-both]');
    expect(sampling.page).toBeLessThanOrEqual(0);
    expect(sampling.view).toBeLessThanOrEqual(1);
    expect(await page.locator('[data-testid=next-both] h3').textContent()).toContain('运行 A 与 B');

    await page.click('button[data-tab=mlp]');
    await page.click('[data-show-run=difference]');
    await drawn(page);
    const mlp = await overflow('[data-view=mlp]');
    expect(mlp.page).toBeLessThanOrEqual(0);
    expect(mlp.view).toBeLessThanOrEqual(1);
    expect(await page.locator('[data-view=mlp] svg.vector-strip text.legend-label').textContent()).toContain('运行 B 减去运行 A');
    // The legend's label ends inside its picture.
    const legend = await page.evaluate(() => {
      const label = document.querySelector('[data-view=mlp] svg.vector-strip text.legend-label')!.getBoundingClientRect();
      const svg = document.querySelector('[data-view=mlp] svg.vector-strip')!.getBoundingClientRect();
      return { right: svg.right - label.right, bottom: svg.bottom - label.bottom };
    });
    expect(legend.right).toBeGreaterThanOrEqual(0);
    expect(legend.bottom).toBeGreaterThanOrEqual(0);
  });

  it('screenshots: What if and a B − A view at 390 and 1280 px, in both languages', async () => {
    for (const lang of ['zh', 'en'] as const) {
      if ((await page.evaluate(() => document.documentElement.lang)).startsWith('zh') !== (lang === 'zh'))
        await page.click('[data-action=language]');
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
        await page.click('button[data-tab=compare]');
        await drawn(page);
        await page.locator('section.views').screenshot({ path: `${OUTPUT}whatif-${lang}-${width}.png` });
        await page.click('button[data-tab=attention]');
        await page.click('[data-show-run=difference]');
        await drawn(page);
        await page.locator('section.views').screenshot({ path: `${OUTPUT}difference-attention-${lang}-${width}.png` });
        for (const tab of ['embedding', 'mlp', 'lens']) {
          await page.click(`button[data-tab=${tab}]`);
          await drawn(page);
          if (tab === 'lens') await page.waitForSelector('[data-view=lens] .candidates[data-run=B] .candidate');
          await page.locator('section.views').screenshot({ path: `${OUTPUT}difference-${tab}-${lang}-${width}.png` });
        }
        await page.click('button[data-tab=sampling]');
        await drawn(page);
        await page.locator('section.views').screenshot({ path: `${OUTPUT}sampling-both-${lang}-${width}.png` });
      }
    }
  });
});

describe('what if on a lean run (a large model keeps only the stream and the open layer)', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    page = await openApp(browser, {
      backend: 'wasm',
      viewport: { width: 1280, height: 800 },
      query: { prompt: 'Lily had a red ball. She', max: '4', t: '0.8', k: '40', p: '0.95', seed: '7', capture: 'lean' },
    });
    await waitForRuns(page, 1);
    await page.evaluate(() => window.__flow!.player.pause());
    await page.click('button[data-tab=compare]');
  });
  afterAll(async () => browser?.close());

  it('a mean over A’s positions recomputes the z A did not keep; B − A asks both runs for the layer it shows', async () => {
    const kept = await page.evaluate(() => (window.__flow!.runs.trace!.rows['blocks.1.attn.hook_z'] ?? []).filter(Boolean).length);
    expect(kept).toBe(0);
    await page.click('[data-view=compare] button[data-head="1.2"]');
    await page.click('[data-view=compare] button[data-head="1.2"]');
    await runB(page);
    const mean = await page.evaluate(() => {
      const flow = window.__flow!;
      const a = flow.runs.trace!;
      const rows: readonly Float32Array[] = a.rows['blocks.1.attn.hook_z']!;
      const n = a.rows['logits']!.length;
      const { dHead } = a.config;
      const expected = Array.from({ length: dHead }, (_, i) => rows.reduce((sum, row) => sum + row[2 * dHead + i]!, 0) / n);
      const fed: number[] = flow.whatIf.b.trace!.intervention!.means!['1.2']!;
      return { held: rows.filter(Boolean).length, n, largest: Math.max(...fed.map((v, i) => Math.abs(v - expected[i]!))) };
    });
    expect(mean.held).toBe(mean.n);
    expect(mean.largest).toBeLessThan(1e-6);

    await page.click('button[data-tab=mlp]');
    await page.click('[data-show-run=difference]');
    await page.selectOption('[data-view=mlp] select[data-pick=layer]', { value: '2' });
    await page.waitForSelector('[data-view=mlp][data-layer="2"]', { timeout: 60_000 });
    await drawn(page);
    const mlp = await page.evaluate(() => {
      const view = document.querySelector('[data-view=mlp]')!;
      const position = Number(view.getAttribute('data-position'));
      const shown = [...view.querySelectorAll('svg.vector-strip g.row')].map((g) =>
        [...g.querySelectorAll('rect title')].map((t) => Number(t.textContent!.split(' = ').pop()) + 0),
      );
      const flow = window.__flow!;
      const [a, b] = [flow.runs.trace, flow.whatIf.b.trace];
      const expected = ['mlp.hook_pre', 'mlp.hook_post'].map((hook) => {
        const x: Float32Array = a!.rows[`blocks.2.${hook}`]![position]!;
        return Array.from(b!.rows[`blocks.2.${hook}`]![position] as Float32Array, (y, i) => Math.fround(y - x[i]!) + 0);
      });
      return { shown, expected, largest: Math.max(...expected[1]!.map(Math.abs)) };
    });
    expect(mlp.shown).toEqual(mlp.expected);
    expect(mlp.largest).toBeGreaterThan(1e-3);
  });
});
