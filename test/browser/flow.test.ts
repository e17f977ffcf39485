// The program flow chart in Chromium: playback, keyboard, box details, prepared links, and a screenshot per language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { clickAndWait, launch, nextStep, openApp, setControls, waitForRuns } from './browser';

const flow = (page: Page) =>
  page.locator('.flow').evaluate((element) => ({
    frame: Number(element.getAttribute('data-frame')),
    node: element.getAttribute('data-node'),
    layer: element.getAttribute('data-layer'),
    step: Number(element.getAttribute('data-step')),
  }));
const counter = (page: Page, id: string) => page.locator(`text[data-counter=${id}]`).textContent();

describe('flow chart in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launch();
    page = await openApp(browser, { backend: 'wasm' });
    await waitForRuns(page, 1);
  });
  afterAll(async () => browser?.close());

  it('plays a 3-token generation to the end; the layer and token counters tick at the diamonds', async () => {
    await page.locator('select[data-playback=speed]').selectOption('16');
    await setControls(page, 'Lily had a red ball. She', { temperature: 0, maxNewTokens: 3 });
    await clickAndWait(page, 'generate');
    const layersSeen = new Set<string>();
    const stepsSeen = new Set<number>();
    const shapes = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const state = await flow(page);
      if (state.layer) layersSeen.add(state.layer);
      stepsSeen.add(state.step);
      const shape = await page.evaluate(() => document.querySelector('text.shape-label')?.textContent ?? null);
      if (shape) shapes.add(shape);
      if (state.node === 'end') break;
      await nextStep(page);
    }
    expect((await flow(page)).node).toBe('end');
    const { nLayer, dModel, nHead } = await page.evaluate(() => window.__flow!.runs.trace!.config);
    expect([...layersSeen].sort()).toEqual(Array.from({ length: nLayer }, (_, i) => String(i)));
    expect([...stepsSeen].sort()).toEqual([0, 1, 2]);
    await expect(counter(page, 'moreLayers')).resolves.toBe(`layer ${nLayer} / ${nLayer}`);
    await expect(counter(page, 'done')).resolves.toBe('token 3 / 3');
    // The data's shapes travel with the active box, short beside it: the prompt's pass is [n×d_model], later steps
    // [1×d_model].
    const promptLength = await page.evaluate(() => window.__flow!.runs.trace!.promptLength);
    expect(shapes).toContain(`[${promptLength}×${dModel}]`);
    expect(shapes).toContain(`[1×${dModel}]`);
    expect([...shapes].some((s) => new RegExp(`^\\[${nHead}×1×\\d+\\]$`).test(s))).toBe(true);
  });

  it('steps with the keyboard, restarts with Home, and jumps to a layer with a number key', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Home');
    expect((await flow(page)).frame).toBe(0);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Space');
    expect((await flow(page)).node).toBe('embed');
    await page.keyboard.press('PageDown');
    expect((await flow(page)).node).toBe('posEmbed');
    await page.keyboard.press('ArrowLeft');
    expect((await flow(page)).node).toBe('embed');
    await page.keyboard.press('3');
    expect(await flow(page)).toMatchObject({ node: 'ln1', layer: '2', step: 0 });
    const nLayer = await page.evaluate(() => window.__flow!.runs.trace!.config.nLayer);
    await expect(counter(page, 'moreLayers')).resolves.toBe(`layer 3 / ${nLayer}`);
    await expect(page.locator('[data-testid=caption]').textContent()).resolves.toContain(`Layer 3 of ${nLayer}`);
  });

  it('B blanks the screen as a clicker asks, and the next key brings it back without moving the chart', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    const before = (await flow(page)).frame;
    await page.keyboard.press('b');
    const blank = await page.locator('[data-testid=blank]').evaluate((element) => {
      const r = element.getBoundingClientRect();
      return { covers: r.width >= innerWidth && r.height >= innerHeight, colour: getComputedStyle(element).backgroundColor };
    });
    expect(blank).toEqual({ covers: true, colour: 'rgb(0, 0, 0)' });
    await page.keyboard.press('PageDown');
    expect(await page.locator('[data-testid=blank]').count()).toBe(0);
    expect((await flow(page)).frame).toBe(before);
  });

  it('opens a box’s detail with the tensors it names', async () => {
    await page.locator('g.node[data-node=softmax]').click();
    const detail = page.locator('[data-detail=softmax]');
    await expect(detail.locator('h2').textContent()).resolves.toBe('Softmax → pattern');
    // The shape names its axes; the hook name is on its own line, labelled as the Python and export name.
    await expect(detail.locator('li[data-hook="blocks.2.attn.hook_pattern"] .shape').textContent()).resolves.toMatch(
      /^\[4 heads × \d+ quer(y|ies) × \d+ keys?\]$/,
    );
    await expect(detail.locator('li[data-hook="blocks.2.attn.hook_pattern"] .python').textContent()).resolves.toContain(
      'in the exported trace',
    );
    const shown = await detail.locator('li[data-hook="blocks.2.attn.hook_pattern"] .values').getAttribute('title');
    const actual = await page.evaluate(() => {
      const trace = window.__flow!.runs.trace!;
      const last = trace.steps[0]!.position;
      return Array.from(trace.rows['blocks.2.attn.hook_pattern']![last]!.subarray(0, 8)).join(', ');
    });
    expect(shown).toBe(actual);
    // KaTeX loads with the first detail opened: wait for it rather than count at once (a busy machine is slower).
    await detail.locator('.katex').first().waitFor({ timeout: 15_000 });
    // At End, after the layer loop, the same box shows the last layer that ran, and says which.
    const last = await page.evaluate(() => {
      const flow = window.__flow!;
      flow.playback.toEnd();
      return flow.runs.trace!.config.nLayer;
    });
    await page.waitForSelector(`[data-detail=softmax] li[data-hook="blocks.${last - 1}.attn.hook_pattern"]`);
    await expect(detail.locator('h3', { hasText: 'Tensors at this box' }).textContent()).resolves.toContain(`layer ${last}`);
  });

  it('a prepared link restores the prompt, settings, seed, step and generated text', async () => {
    const query = { prompt: '一天早上，小明和好朋友小红', t: '0.9', k: '20', p: '0.9', min: '2', seed: '77', max: '5', frame: '30' };
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const prepared = await openApp(browser, { backend: 'wasm', lang: 'zh-CN', query });
      await waitForRuns(prepared, 1);
      await prepared.waitForFunction(() => Number(document.querySelector('.flow')?.getAttribute('data-frame')) === 30);
      await expect(prepared.inputValue('#prompt-input')).resolves.toBe(query.prompt);
      await expect(prepared.inputValue('input[name=topK]')).resolves.toBe('20');
      await expect(prepared.inputValue('input[name=seed]')).resolves.toBe('77');
      await expect(prepared.inputValue('input[name=maxNewTokens]')).resolves.toBe('5');
      await expect(prepared.inputValue('input[name=minNewTokens]')).resolves.toBe('2');
      const settings = await prepared.evaluate(() => window.__flow!.runs.trace!.settings);
      expect(settings).toEqual({ temperature: 0.9, topK: 20, topP: 0.9, minNewTokens: 2 });
      texts.push((await prepared.locator('[data-testid=completion]').textContent())!);
      await prepared.close();
    }
    expect(texts[0]).toContain(query.prompt);
    expect(texts[1]).toBe(texts[0]);
  });

  it('adapts to the Llama architecture: no position box, a RoPE box, RMSNorm, SwiGLU, shared K/V heads', async () => {
    const llama = await openApp(browser, { backend: 'wasm', query: { model: '/models/flow-llama-tiny', max: '3', t: '0', frame: '20' } });
    await waitForRuns(llama, 1);
    await expect(llama.locator('g.node[data-node=posEmbed]').count()).resolves.toBe(0);
    await expect(llama.locator('g.node[data-node=rope]').count()).resolves.toBe(1);
    await expect(llama.locator('g.node[data-node=ln1] text').textContent()).resolves.toBe('RMSNorm 1');
    await expect(llama.locator('g.node[data-node=mlp] text').textContent()).resolves.toContain('SwiGLU');
    await expect(llama.locator('g.node[data-node=qkv] text').textContent()).resolves.toBe('Q (4 heads), K, V (2)');
    await llama.locator('g.node[data-node=rope]').click();
    const rope = llama.locator('[data-detail=rope]');
    const dHead = await llama.evaluate(() => window.__flow!.runs.trace!.config.dHead);
    await expect(rope.locator('li[data-hook$="attn.hook_rot_k"] .shape').textContent()).resolves.toMatch(
      new RegExp(`^\\[\\d+ positions? × 2 heads × ${dHead} dims\\]$`),
    );
    // The RoPE base comes from the model's config.json, in the explanation and in the formula; the why is shown.
    const theta = await llama.evaluate(() => window.__flow!.runs.trace!.config.ropeTheta);
    await expect(rope.locator('[data-testid=explain]').textContent()).resolves.toContain(`θ_i = ${theta}^(−2i/d_head)`);
    await expect(rope.locator('[data-testid=why]').textContent()).resolves.toContain('offset');
    await rope.locator('.katex').first().waitFor({ timeout: 15_000 });
    await expect(rope.locator('.katex-error').count()).resolves.toBe(0);
    await llama.click('button[data-tab=mlp]');
    await expect(llama.locator('[data-view=mlp] h3').first().textContent()).resolves.toContain('SiLU');
    await expect(llama.locator('[data-view=mlp]').textContent()).resolves.not.toContain('GELU');
    await llama.click('button[data-tab=lens]');
    await expect(llama.locator('[data-view=lens]').textContent()).resolves.toContain('final RMSNorm');
    await expect(llama.locator('[data-view=lens]').textContent()).resolves.not.toContain('LayerNorm');
    // Greedy (t = 0): the probability columns are softmax at T = 1, and say so.
    await llama.click('button[data-tab=sampling]');
    await expect(llama.locator('svg.sampling-stages g.headings text').allTextContents()).resolves.toEqual([
      'logit',
      'softmax T=1',
      'softmax T=1',
      'top-k',
      'top-p',
    ]);
    await llama.click('button[data-tab=attention]');
    const shown = llama.locator('[data-testid=captured-score]');
    const captured = Number(await shown.getAttribute('data-value'));
    const computed = Number(await shown.getAttribute('data-computed'));
    expect(Math.abs(captured - computed)).toBeLessThan(1e-4);
    await llama.close();
  });

  for (const lang of ['en', 'zh-CN'] as const) {
    it(`screenshot (${lang}): every box label fits its box and no two boxes overlap`, async () => {
      const shot = await openApp(browser, {
        backend: 'wasm',
        lang,
        query: { frame: '40', max: '4', t: '0' },
        viewport: { width: 1440, height: 1000 },
      });
      await waitForRuns(shot, 1);
      await shot.waitForFunction(() => Number(document.querySelector('.flow')?.getAttribute('data-frame')) === 40);
      const problems = await shot.evaluate(() => {
        const issues: string[] = [];
        const nodes = [...document.querySelectorAll<SVGGElement>('svg.flow-chart g.node')];
        const boxes = nodes.map((node) => ({
          id: node.dataset.node,
          box: node.querySelector('path')!.getBoundingClientRect(),
          label: node.querySelector('text')!.getBoundingClientRect(),
        }));
        for (const { id, box, label } of boxes) {
          if (label.left < box.left - 0.5 || label.right > box.right + 0.5) issues.push(`label of ${id} overflows its box`);
        }
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i]!.box;
            const b = boxes[j]!.box;
            if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
              issues.push(`${boxes[i]!.id} overlaps ${boxes[j]!.id}`);
          }
        }
        return issues;
      });
      expect(problems).toEqual([]);
      await shot.locator('section.centre').screenshot({ path: resolve(import.meta.dirname, `../screenshots/flow-${lang}.png`) });
      await shot.close();
    });
  }
});
