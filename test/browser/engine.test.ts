// The engine, for real, in Chromium on both backends: numbers read back from the running app's Trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { clickAndWait, compareWithRecompute, launch, openApp, setControls, waitForRuns } from './browser';

const BACKENDS = ['webgpu', 'wasm'] as const;

const MODELS = ['flow-gpt2-tiny', 'flow-llama-tiny'] as const;

for (const [model, backend] of MODELS.flatMap((m) => BACKENDS.map((b) => [m, b] as const))) {
  describe(`engine in Chromium: ${model} on ${backend}`, () => {
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      browser = await launch();
      page = await openApp(browser, { backend, query: { model: `/models/${model}` } });
      await waitForRuns(page, 1);
      await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe(model);
    });
    afterAll(async () => browser?.close());

    it('runs on the requested backend and says so', async () => {
      await expect(page.locator('.backend').getAttribute('data-backend')).resolves.toBe(backend);
      const reason = await page.locator('.backend').getAttribute('data-reason');
      expect(reason).toBe(backend === 'wasm' ? 'forced' : '');
    });

    it('records logits equal to the plain graph, and the KV-cache path equals a full recompute', async () => {
      await setControls(page, 'Lily had a red ball. She', { temperature: 0, maxNewTokens: 8 });
      expect(await clickAndWait(page, 'generate')).toBe('max-tokens');
      const result = await compareWithRecompute(page);
      expect(result.generated).toBe(8);
      expect(result.n).toBeGreaterThan(8);
      // Same kernels, same inputs: only the order of float additions may differ between the cached and full paths.
      expect(result.plainVsTrace).toBeLessThan(1e-4);
      expect(result.recomputeVsTrace).toBeLessThan(1e-4);
      expect(result.patternDifference).toBeLessThan(1e-5);
    });

    it('every attention row sums to 1 and is 0 above the diagonal', async () => {
      const check = await page.evaluate(() => {
        const flow = window.__flow!;
        const trace = flow.runs.trace!;
        let worstSum = 0;
        let worstFuture = 0;
        let rows = 0;
        for (let layer = 0; layer < trace.config.nLayer; layer++) {
          const { dims, data } = flow.assembled(trace, `blocks.${layer}.attn.hook_pattern`);
          const [heads, n] = dims;
          for (let h = 0; h < heads!; h++) {
            for (let q = 0; q < n!; q++) {
              let sum = 0;
              for (let k = 0; k < n!; k++) {
                const value = data[(h * n! + q) * n! + k]!;
                if (k > q) worstFuture = Math.max(worstFuture, Math.abs(value));
                sum += value;
              }
              worstSum = Math.max(worstSum, Math.abs(sum - 1));
              rows++;
            }
          }
        }
        // The masked scores themselves: −∞ above the diagonal, finite on and below it.
        const scores = flow.assembled(trace, 'blocks.0.attn.hook_attn_scores');
        const n = scores.dims[1]!;
        const maskedOk = scores.data[1] === -Infinity && Number.isFinite(scores.data[n]) && Number.isFinite(scores.data[n + 1]);
        return { worstSum, worstFuture, rows, maskedOk };
      });
      expect(check.rows).toBeGreaterThan(16);
      expect(check.worstSum).toBeLessThan(1e-5);
      expect(check.worstFuture).toBe(0);
      expect(check.maskedOk).toBe(true);
    });

    it('the last residual stream through the final LayerNorm and the unembedding reproduces the logits', async () => {
      const difference = await page.evaluate(async () => {
        const flow = window.__flow!;
        const trace = flow.runs.trace!;
        const lens = await flow.slot.client!.call({ type: 'lens' });
        const last = trace.config.nLayer - 1;
        let worst = 0;
        const n = flow.computedPositions(trace);
        for (let p = 0; p < n; p++) {
          const logits = flow.logitLens(trace.rows[`blocks.${last}.hook_resid_post`]![p]!, lens!);
          const actual = trace.rows['logits']![p];
          for (let i = 0; i < logits.length; i++) worst = Math.max(worst, Math.abs(logits[i]! - actual![i]!));
        }
        return worst;
      });
      expect(difference).toBeLessThan(1e-3);
    });

    // Sampling runs in the page's JavaScript on the logits, whichever backend computed them: WASM proves it (WebGPU's
    // logits are checked above; SwiftShader takes seconds a token).
    if (backend === 'wasm')
      it('the same seed gives the same tokens; another seed gives other tokens', async () => {
        const tokens = 12;
        const run = async (seed: number) => {
          await setControls(page, 'Once upon a time', { temperature: 1, topK: 0, topP: 1, seed, maxNewTokens: tokens });
          await clickAndWait(page, 'generate');
          return page.evaluate(() => window.__flow!.runs.trace!.tokens.map((t: { id: number }) => t.id));
        };
        const first = await run(7);
        const again = await run(7);
        const other = await run(8);
        expect(first.length).toBeGreaterThan(tokens);
        expect(again).toEqual(first);
        expect(other).not.toEqual(first);
      });

    if (backend === 'wasm')
      it('top-k keeps exactly k candidates; top-p keeps the smallest set whose mass reaches p', async () => {
        await setControls(page, '从前', { temperature: 1, topK: 5, topP: 1, seed: 3, maxNewTokens: 4 });
        await clickAndWait(page, 'generate');
        const topK = await page.evaluate(() =>
          window.__flow!.runs.trace!.steps.map((s: any) => [
            s.decision.keptAfterTopK,
            s.decision.keptAfterTopP,
            s.decision.candidates.filter((c: any) => c.afterTopP > 0).length,
          ]),
        );
        // Up to 4 steps (fewer when the model writes its end-of-text token).
        expect(topK.length).toBeGreaterThan(0);
        for (const counts of topK) expect(counts).toEqual([5, 5, 5]);

        await setControls(page, '从前', { temperature: 1, topK: 0, topP: 0.5, seed: 3, maxNewTokens: 4 });
        await clickAndWait(page, 'generate');
        const topP = await page.evaluate(() =>
          window.__flow!.runs.trace!.steps.map((s: any) => {
            const kept = s.decision.keptAfterTopP;
            const mass = (count: number) => s.decision.candidates.slice(0, count).reduce((sum: number, c: any) => sum + c.afterTopK, 0);
            // The candidate list holds at most 200 survivors (docs/trace-format.md); check the masses when all are listed.
            const listed = kept <= s.decision.candidates.length;
            return {
              kept,
              listed,
              before: mass(kept - 1),
              reached: listed ? mass(kept) : 1,
              chosenKept: s.decision.candidates.find((c: any) => c.id === s.decision.chosenId).afterTopP > 0,
            };
          }),
        );
        expect(topP.length).toBeGreaterThan(0);
        for (const step of topP) {
          if (!step.listed) expect(step.kept).toBeGreaterThan(200);
          expect(step.before).toBeLessThan(0.5);
          expect(step.reached).toBeGreaterThanOrEqual(0.5 - 1e-9);
          expect(step.chosenKept).toBe(true);
        }
      });
  });
}

// WebGPU against an independent reference: test/browser/open-models.test.ts runs GPT-2, Llama, Qwen2 and Qwen3 on
// WebGPU and compares every capture with transformers' (a comparison of the embedded models' two backends, 70 s of
// CI, said less).
