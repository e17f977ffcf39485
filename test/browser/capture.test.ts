// Capture on demand in Chromium (capturePlan.ts): the embedded model forced into the lean plan that large models
// run (`?capture=lean`), next to the same run capturing everything (`?capture=all`). What the lean run keeps must
// equal the full capture exactly; a layer the learner opens afterwards is recomputed in the worker and must equal
// it within 1e-5.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clickAndWait, completedRuns, drawn, launch, openApp, pageErrors, waitForRuns } from './browser';

const QUERY = { prompt: 'Lily had a red ball. She', max: '8', t: '0.8', k: '40', p: '0.95', seed: '11' };

/** Every row of the hooks of `layer` (and of the always-kept hooks), as plain arrays; null where not kept. */
async function rowsOf(page: Page, hooks: string[]): Promise<Record<string, (number[] | null)[]>> {
  return page.evaluate((wanted) => {
    const trace = window.__flow!.runs.trace!;
    const n = trace.rows['logits']!.length;
    const out: Record<string, (number[] | null)[]> = {};
    for (const hook of wanted) {
      const rows = trace.rows[hook] ?? [];
      out[hook] = Array.from({ length: n }, (_, p) =>
        rows[p] ? Array.from(rows[p] as Float32Array, (v) => (Number.isFinite(v) ? v : -1e30)) : null,
      );
    }
    return out;
  }, hooks);
}

/** The largest difference over the entries both rows hold (an attention row recomputed for the whole sequence is
 * wider than one a cached step computed: it is compared on the keys so far). */
function largestDifference(a: number[], b: number[], heads: number, attention: boolean): number {
  let max = 0;
  if (!attention) {
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    return max;
  }
  const [wa, wb] = [a.length / heads, b.length / heads];
  for (let h = 0; h < heads; h++) for (let k = 0; k < Math.min(wa, wb); k++) max = Math.max(max, Math.abs(a[h * wa + k]! - b[h * wb + k]!));
  return max;
}

describe('lean capture and recompute on demand (the embedded model as a large model runs)', () => {
  let browser: Browser;
  let full: Page;
  let lean: Page;
  let layerHooks: (layer: number) => string[];
  let heads: number;

  beforeAll(async () => {
    browser = await launch();
    full = await openApp(browser, { backend: 'wasm', query: { ...QUERY, capture: 'all' } });
    await waitForRuns(full, 1);
    lean = await openApp(browser, { backend: 'wasm', query: { ...QUERY, capture: 'lean' } });
    await waitForRuns(lean, 1);
    await lean.evaluate(() => window.__flow!.player.pause());
    const points: { hook: string; layer: number | null }[] = await lean.evaluate(() =>
      window.__flow!.runs.trace!.points.map((p: any) => ({ hook: p.hook, layer: p.layer })),
    );
    layerHooks = (layer) => points.filter((p) => p.layer === layer).map((p) => p.hook);
    heads = await lean.evaluate(() => window.__flow!.runs.trace!.config.nHead);
  });
  afterAll(async () => browser?.close());

  it('the lean run samples the same tokens and keeps the residual stream and the open layer, equal to the full capture', async () => {
    const ids = (page: Page) => page.evaluate(() => window.__flow!.runs.trace!.tokens.map((t: any) => t.id));
    expect(await ids(lean)).toEqual(await ids(full));
    const kept = ['hook_embed', 'blocks.0.hook_resid_pre', 'blocks.5.hook_resid_post', 'ln_final.hook_normalized', ...layerHooks(0)];
    const [a, b] = [await rowsOf(lean, kept), await rowsOf(full, kept)];
    for (const hook of kept) {
      a[hook]!.forEach((row, p) => {
        expect(row, `${hook} @ ${p}`).not.toBeNull();
        expect(largestDifference(row!, b[hook]![p]!, heads, hook.includes('attn_scores') || hook.endsWith('hook_pattern'))).toBe(0);
      });
    }
    const notKept = await rowsOf(lean, ['blocks.3.attn.hook_pattern', 'blocks.3.mlp.hook_post']);
    expect(notKept['blocks.3.attn.hook_pattern']!.every((row) => row === null)).toBe(true);
    expect(notKept['blocks.3.mlp.hook_post']!.every((row) => row === null)).toBe(true);
  });

  it('opening layer 4 in the attention view recomputes it: every tensor of the layer equals the full capture within 1e-5', async () => {
    // What the page sends the worker for it: the run's id and the hooks, never the run's tokens or rows.
    await lean.evaluate(() => {
      // (The client keeps its worker private; this test alone listens to what crosses to it.)
      const worker = (window.__flow!.slot.client as unknown as { worker: Worker }).worker;
      const sent: Record<string, unknown>[] = ((window as unknown as { __sent: unknown[] }).__sent = []) as Record<string, unknown>[];
      const post = worker.postMessage.bind(worker);
      worker.postMessage = ((message: Record<string, unknown>, transfer?: Transferable[]) => {
        sent.push(message);
        post(message, transfer ?? []);
      }) as typeof worker.postMessage;
    });
    await lean.click('button[data-tab=attention]');
    await lean.selectOption('select[data-pick=layer]', { index: 3 });
    await lean.waitForSelector('[data-view=attention][data-layer="3"]', { timeout: 60_000 });
    await drawn(lean);
    const hooks = layerHooks(3);
    const [a, b] = [await rowsOf(lean, hooks), await rowsOf(full, hooks)];
    let worst = 0;
    for (const hook of hooks) {
      a[hook]!.forEach((row, p) => {
        expect(row, `${hook} @ ${p}`).not.toBeNull();
        worst = Math.max(
          worst,
          largestDifference(row!, b[hook]![p]!, heads, hook.includes('attn_scores') || hook.endsWith('hook_pattern')),
        );
      });
    }
    expect(worst).toBeLessThan(1e-5);
    // Through layer 4's segment alone, its weights read back from the model's file (the worker keeps no copy of it:
    // here by HTTP Range requests to the server).
    const recomputes = await lean.evaluate(() => window.__flow!.slot.client!.call({ type: 'recomputes' }));
    expect(recomputes.segment).toBeGreaterThan(0);
    expect(recomputes.segmentsOpened).toBeGreaterThan(0);
    const asked = await lean.evaluate(() =>
      (window as unknown as { __sent: Record<string, unknown>[] }).__sent.filter(
        (message) => message['type'] === 'need' || message['type'] === 'capture',
      ),
    );
    expect(asked.length).toBeGreaterThan(0);
    for (const message of asked) expect(Object.keys(message).sort()).toEqual(['from', 'hooks', 'id', 'positions', 'run', 'type']);
    // The model view draws the open layer; the layers not kept are empty frames until picked.
    expect(await lean.locator('.head-grid g.thumb[data-layer="3"]:not([data-kept=false])').count()).toBe(heads);
    expect(await lean.locator('.head-grid g.thumb[data-layer="1"][data-kept=false]').count()).toBe(heads);
    // Layer 1, open before, was let go.
    expect((await rowsOf(lean, ['blocks.0.attn.hook_z']))['blocks.0.attn.hook_z']!.every((row) => row === null)).toBe(true);
  });

  it('a step after that captures the open layer as it generates, and the KV cache check compares what the cache computed', async () => {
    await clickAndWait(lean, 'step');
    await clickAndWait(full, 'step');
    const hooks = layerHooks(3);
    const [a, b] = [await rowsOf(lean, hooks), await rowsOf(full, hooks)];
    const last = a[hooks[0]!]!.length - 1;
    for (const hook of hooks)
      expect(
        largestDifference(a[hook]![last]!, b[hook]![last]!, heads, hook.includes('attn_scores') || hook.endsWith('hook_pattern')),
      ).toBe(0);
    await lean.click('button[data-tab=cache]');
    await lean.click('[data-action=check-cache]');
    await lean.waitForSelector('[data-testid=cache-check]', { timeout: 60_000 });
    const difference = Number(await lean.locator('[data-testid=cache-check]').getAttribute('data-difference'));
    expect(difference).toBeGreaterThanOrEqual(0);
    expect(difference).toBeLessThan(1e-4);
    expect(pageErrors(lean)).toEqual([]);
  });

  it('Export offers to compute what the lean run did not keep: the file then holds every tensor, equal to the full run’s within 1e-5 of each tensor’s scale; as it is, it says which layers it holds', async () => {
    /** Clicks a button that downloads, and returns the file's JSON. */
    const download = async (page: Page, action: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.click(`[data-action=${action}]`)]);
      return JSON.parse(await readFile((await file.path())!, 'utf8'));
    };
    await lean.click('[data-action=export]');
    const offer = lean.locator('[data-testid=export-offer]');
    // Layer 4 is open in the attention view: the one layer held whole.
    await expect(offer.textContent()).resolves.toContain('every tensor of layer 4 only (of 6)');
    // The size it announces is the file's, about.
    const announced = (await lean.locator('[data-action=export-complete]').textContent())!.match(/([\d.]+) (kB|MB)/)!;
    const [saved] = await Promise.all([lean.waitForEvent('download'), lean.click('[data-action=export-complete]')]);
    const text = await readFile((await saved.path())!, 'utf8');
    const complete = JSON.parse(text);
    const bytes = Number(announced[1]) * (announced[2] === 'MB' ? 1e6 : 1e3);
    expect(bytes / text.length).toBeGreaterThan(0.7);
    expect(bytes / text.length).toBeLessThan(1.4);
    await expect(offer.count()).resolves.toBe(0);
    const reference = await full.evaluate(() => JSON.parse(window.__flow!.exportTrace(window.__flow!.runs.trace!)));
    expect(Object.keys(complete.captures)).toEqual(Object.keys(reference.captures));
    for (const [hook, capture] of Object.entries<any>(complete.captures)) {
      const expected = reference.captures[hook];
      expect(capture.shape, hook).toEqual(expected.shape);
      let [largest, scale] = [0, 1];
      capture.data.forEach((value: number | null, i: number) => {
        const other = expected.data[i];
        // (Only the scores above the diagonal are null: a query does not look at later keys. The unmasked scores
        // hold Q·Kᵀ wherever a pass computed it: a recompute of the whole sequence scores every pair.)
        if (other === null && hook.endsWith('unmasked')) return;
        if (value === null || other === null) expect(value, `${hook}[${i}]`).toBe(other);
        else [largest, scale] = [Math.max(largest, Math.abs(value - other)), Math.max(scale, Math.abs(other))];
      });
      // Recomputed in one pass, where the run computed a position per step: float32 sums in another order.
      expect(largest / scale, hook).toBeLessThan(1e-5);
    }
    // After the export the run keeps again only what the views need.
    const kept = await rowsOf(lean, ['blocks.1.mlp.hook_post']);
    expect(kept['blocks.1.mlp.hook_post']!.every((row) => row === null)).toBe(true);
    // As it is: the file has nulls where the run kept nothing, and opened again it says which layers it holds.
    await lean.click('[data-action=export]');
    const partial = await download(lean, 'export-as-is');
    expect(partial.captures['blocks.1.mlp.hook_post'].data.every((value: number | null) => value === null)).toBe(true);
    const file = join(await mkdtemp(join(tmpdir(), 'lean-')), 'lean-run.json');
    await writeFile(file, JSON.stringify(partial));
    const before = await completedRuns(lean);
    await lean.locator('input[data-control=open-run]').setInputFiles(file);
    await waitForRuns(lean, before + 1);
    await expect(lean.locator('[data-testid=recording]').textContent()).resolves.toContain('It holds every tensor of layer 4 only (of 6)');
    expect(pageErrors(lean)).toEqual([]);
  });
});
