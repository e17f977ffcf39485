// Two architectures side by side (ArchitectureCompare): the embedded GPT-2 and Llama models run the same prompt in
// one page, offline; the chart beside follows the app's box by box; its run and its live values are the Llama
// model's own (the same as a page running that model alone); the boxes that differ are marked and explained.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openApp, pageErrors, waitForRuns } from './browser';

const QUERY = { prompt: 'Lily had a red ball. She', max: '4', t: '0.8', k: '40', p: '0.95', seed: '5' };

/** What a chart shows at its active box: the box, its layer and step, and the live value beside it. */
async function chartAt(page: Page, chart: string) {
  return page.evaluate((selector) => {
    const root = document.querySelector(selector)!.closest('.flow')!;
    return {
      node: root.getAttribute('data-node'),
      layer: root.getAttribute('data-layer'),
      step: root.getAttribute('data-step'),
      shape: root.querySelector('text.shape-label')?.textContent ?? null,
      mini: [...root.querySelectorAll('.mini-label')].map((label) => label.textContent),
    };
  }, chart);
}

describe('two architectures side by side', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  it('GPT-2 beside Llama, offline: the same prompt and seed in both, the Llama run and chart are that model’s own, the differences marked and explained', async () => {
    // Llama alone: the reference.
    const alone = await openApp(browser, { backend: 'wasm', query: { ...QUERY, model: '/models/flow-llama-tiny' } });
    await waitForRuns(alone, 1);
    await alone.evaluate(() => window.__flow!.player.pause());
    const reference = await alone.evaluate(() => {
      const trace = window.__flow!.runs.trace!;
      return {
        ids: trace.tokens.map((t: any) => t.id),
        z: Array.from(window.__flow!.assembled(trace, 'blocks.2.attn.hook_z').data as Float32Array),
      };
    });

    const page = await openApp(browser, { backend: 'wasm', query: QUERY });
    await waitForRuns(page, 1);
    await page.waitForSelector('[data-offline=stored]', { timeout: 60_000 });
    await page.evaluate(() => navigator.serviceWorker.ready);
    // Once the service worker is active, both embedded architectures are kept for use with no network (the Llama
    // model too, though this page has not loaded it); from the next visit on, the page works offline.
    await page.waitForFunction(
      async () => {
        const cache = await caches.open('embedded-models');
        return Boolean(await cache.match(new URL('models/flow-llama-tiny/onnx/decoder_model_merged.onnx', location.href).href));
      },
      null,
      { timeout: 60_000, polling: 500 },
    );
    await page.reload();
    await waitForRuns(page, 1);
    await page.context().setOffline(true);
    await page.click('[data-action=compare-architectures]');
    await page.waitForFunction(() => window.__flow!.beside?.runs.trace?.stopReason && !window.__flow!.beside.runs.generating, null, {
      timeout: 120_000,
    });
    await page.evaluate(() => window.__flow!.player.pause());
    const beside = await page.evaluate(() => {
      const { slot, runs } = window.__flow!.beside!;
      return {
        name: slot.modelName,
        ids: runs.trace!.tokens.map((t: any) => t.id),
        z: Array.from(window.__flow!.assembled(runs.trace!, 'blocks.2.attn.hook_z').data as Float32Array),
        prompt: runs.trace!.prompt,
        seed: runs.trace!.seed,
      };
    });
    expect(beside.name).toBe('flow-llama-tiny');
    expect(beside.prompt).toBe(QUERY.prompt);
    expect(beside.seed).toBe(5);
    // The same model, the same prompt, settings and seed: the same tokens and the same numbers as alone.
    expect(beside.ids).toEqual(reference.ids);
    expect(beside.z).toEqual(reference.z);

    // The chart beside follows: at layer 3's RMSNorm, both charts stand at that box, and the one beside shows the
    // live value the Llama page shows there.
    for (const [layer, node] of [
      [2, 'ln1'],
      [2, 'weightedSum'],
      [4, 'mlp'],
    ] as const) {
      const jump = (p: Page) =>
        p.evaluate(
          ([l, n]) => {
            const playback = window.__flow!.playback;
            playback.jumpTo(playback.frames.findIndex((f: any) => f.step === 1 && f.layer === l && f.node === n));
          },
          [layer, node] as const,
        );
      await jump(page);
      await jump(alone);
      await expect
        .poll(() => chartAt(page, '#flow-chart-beside').then((at) => `${at.node}/${at.layer}/${at.step}`))
        .toBe(`${node}/${layer}/1`);
      const [there, here] = [await chartAt(page, '#flow-chart-beside'), await chartAt(alone, '#flow-chart')];
      expect(there).toEqual(here);
      expect(there.shape).not.toBeNull();
    }
    // A box only GPT-2 has (its position table): the chart beside stands at the box before it, the token embedding.
    await page.evaluate(() => {
      const playback = window.__flow!.playback;
      playback.jumpTo(playback.frames.findIndex((f: any) => f.step === 1 && f.node === 'posEmbed'));
    });
    await expect.poll(() => chartAt(page, '#flow-chart-beside').then((at) => at.node)).toBe('embed');

    // Marked and explained: GPT-2's position table and Llama's RoPE, both charts' norms.
    await expect(page.locator('#flow-chart g.node.differs[data-node=posEmbed]').count()).resolves.toBe(1);
    await expect(page.locator('#flow-chart-beside g.node.differs[data-node=rope]').count()).resolves.toBe(1);
    await expect(page.locator('#flow-chart-beside g.node.differs[data-node=ln1]').count()).resolves.toBe(1);
    await expect(page.locator('#flow-chart g.node.differs[data-node=softmax]').count()).resolves.toBe(0);
    const topics = await page
      .locator('[data-testid=differences] li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-topic')));
    expect(topics).toEqual(['position', 'norm', 'projection', 'heads', 'mlp', 'biases']);
    await expect(page.locator('[data-testid=differences] li[data-topic=heads]').textContent()).resolves.toContain(
      '4 query heads share 2 key/value heads',
    );
    // "Show it" takes the app's chart to that box.
    await page.locator('[data-testid=differences] li[data-topic=mlp] button').click();
    await expect.poll(() => chartAt(page, '#flow-chart').then((at) => at.node)).toBe('mlp');
    // A click on a box of the chart beside opens that box with the model beside's numbers: Llama's RoPE, its K with
    // 2 key/value heads; the views follow it, and the switch says so.
    await page.locator('#flow-chart-beside g.node[data-node=rope]').click();
    await expect(page.locator('[data-detail=rope] li[data-hook$="attn.hook_rot_k"] .shape').textContent()).resolves.toMatch(
      /× 2 heads × 40 dims\]$/,
    );
    await expect(page.locator('[data-action=views-model][data-side=second]').getAttribute('aria-pressed')).resolves.toBe('true');
    await page.click('button[data-tab=mlp]');
    const mlpIs = async () => {
      const text = (await page.locator('[data-view=mlp]').textContent()) ?? '';
      return text.includes('SiLU(gate)') ? 'swiglu' : text.includes('GELU') ? 'gelu' : 'neither';
    };
    await expect.poll(mlpIs).toBe('swiglu');
    // Back to the app's model: its MLP is GELU's.
    await page.click('[data-action=views-model][data-side=first]');
    await expect.poll(mlpIs).toBe('gelu');
    // In Chinese too.
    await page.click('[data-action=language]');
    await expect(page.locator('[data-testid=differences] li[data-topic=position]').textContent()).resolves.toContain('可学习的位置表');
    await page.screenshot({ path: `${import.meta.dirname}/../output/architectures-zh-CN.png` });
    // A step more in the app's run: the model beside runs it again to as many tokens (until then it says it waits).
    const steps = await page.evaluate(() => window.__flow!.runs.trace!.steps.length);
    await page.click('[data-action=step]');
    await waitForRuns(page, 2);
    await page.waitForFunction(
      (n) => window.__flow!.beside!.runs.trace?.steps.length === n && !window.__flow!.beside!.runs.generating,
      steps + 1,
      { timeout: 60_000 },
    );
    await expect(page.locator('[data-testid=beside-waiting]').count()).resolves.toBe(0);
    // Closing lets the second model go: one chart again.
    await page.click('[data-action=compare-architectures]');
    await expect(page.locator('#flow-chart-beside').count()).resolves.toBe(0);
    expect(pageErrors(page)).toEqual([]);
    expect(pageErrors(alone)).toEqual([]);
    await alone.close();
    await page.close();
  }, 300_000);

  it('an open model loaded before stands beside: Qwen3 from the Hub mirror beside the embedded GPT-2 runs as it runs alone, its QK-norm marked', async () => {
    const query = { prompt: QUERY.prompt, max: '3', t: '0', hub: '/hub', dtype: 'fp32' };
    const page = await openApp(browser, { backend: 'wasm', query });
    await waitForRuns(page, 1);
    // Before any open model was loaded, the picker says how one comes to stand there.
    await page.click('[data-action=compare-architectures]');
    await expect(page.locator('[data-hint=open-model]').count()).resolves.toBe(1);
    await page.click('[data-action=compare-architectures]');
    const runs = () => page.evaluate(() => window.__flow!.runs.completedRuns);
    // Qwen3 in the app: the reference run.
    let before = await runs();
    await page.fill('input[data-control=hub-repo]', 'qwen-owner/qwen3-tiny');
    await page.click('[data-action=hub-load]');
    await waitForRuns(page, before + 1, 300_000);
    const read = (side: 'app' | 'beside') =>
      page.evaluate((which) => {
        const flow = window.__flow!;
        const trace = (which === 'app' ? flow.runs : flow.beside!.runs).trace!;
        return {
          model: trace.modelName,
          ids: trace.tokens.map((t) => t.id),
          resid: Array.from(flow.assembled(trace, 'blocks.1.hook_resid_post').data as Float32Array),
        };
      }, side);
    const alone = await read('app');
    expect(alone.model).toBe('qwen-owner/qwen3-tiny');
    // The embedded GPT-2 back in the app; Qwen3 is offered beside it, after the other embedded models.
    before = await runs();
    await page.selectOption('select[data-control=model]', 'flow-gpt2-tiny');
    await waitForRuns(page, before + 1);
    await page.click('[data-action=compare-architectures]');
    const offered = await page
      .locator('select[data-control=compare-model] option')
      .evaluateAll((list) => list.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual(['flow-llama-tiny', 'flow-gpt2-tiny-induction', 'qwen-owner/qwen3-tiny']);
    await expect(page.locator('[data-hint=open-model]').count()).resolves.toBe(0);
    await page.selectOption('select[data-control=compare-model]', 'qwen-owner/qwen3-tiny');
    // While Qwen3 loads beside, nothing is said to differ or to be the same yet.
    await page.waitForSelector('[data-testid=differences] [data-state=loading]', { timeout: 10_000 });
    await expect(page.locator('[data-testid=differences] li').count()).resolves.toBe(0);
    await page.waitForFunction(
      () => {
        const beside = window.__flow!.beside;
        return beside?.slot.modelName === 'qwen-owner/qwen3-tiny' && beside.runs.trace?.stopReason && !beside.runs.generating;
      },
      null,
      { timeout: 300_000 },
    );
    const there = await read('beside');
    expect(there.model).toBe('qwen-owner/qwen3-tiny');
    // The same prompt, settings and seed (greedy): the tokens and numbers Qwen3 gives alone, as far as both ran.
    const n = Math.min(there.ids.length, alone.ids.length);
    expect(n).toBeGreaterThan(QUERY.prompt.split(' ').length);
    expect(there.ids.slice(0, n)).toEqual(alone.ids.slice(0, n));
    // (Qwen3's 152k vocabulary makes both runs lean: they keep the residual stream, position-major.)
    const shared = Math.min(there.resid.length, alone.resid.length);
    expect(shared).toBeGreaterThan(0);
    expect(there.resid.slice(0, shared)).toEqual(alone.resid.slice(0, shared));
    // Qwen3's per-head norm of Q and K is marked beside GPT-2, and explained.
    await expect(page.locator('#flow-chart-beside g.node.differs[data-node=qkNorm]').count()).resolves.toBe(1);
    await expect(page.locator('[data-testid=differences] li[data-topic=qkNorm]').count()).resolves.toBe(1);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  }, 600_000);
});
