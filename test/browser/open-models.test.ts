// GPT-2, Llama 3.2, Qwen2 (tied, and untied: Qwen2.5-7B's config) and Qwen3 through the app's Hub field, from the test server's mirror (`gpt2-owner/…`,
// `llama3-owner/…`, `qwen-owner/…`: the fixtures of test/fixtures/hub/, made with transformers' own classes by
// tools/model/open_fixtures.py): the Trace the page holds equals transformers' reference, and the chart and views
// show the boxes and words of that architecture.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openApp, waitForRuns } from './browser';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { OPEN_MODELS, checkCaptures, fixtureDir, openReference, openRepo, type OpenModel } from '../model/openModels';

/** fp32 against transformers' fp32 (see test/model/open-models.test.ts): float rounding only, on both backends. */
const TOLERANCE = 1e-4;
/** The Qwen3 run's export (the fp32 run on WASM below), opened again as a recording on a phone. */
let qwen3Recording: string | null = null;

/** Where the model tools' Python exists: the run's Python check, downloaded from the page, fetches the model from the
 * Hub mirror as the page did and must agree with the trace downloaded beside it. */
async function checkInPython(page: Page) {
  const python = resolve(import.meta.dirname, '../../.venv/bin/python');
  if (!existsSync(python)) return;
  const folder = await mkdtemp(join(tmpdir(), 'open-model-check-'));
  await page.click('[data-action=python]');
  for (const action of ['python-trace', 'python-script']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-action=${action}]`)]);
    await download.saveAs(join(folder, download.suggestedFilename()));
  }
  const script = (await readdir(folder)).find((name) => name.endsWith('.py'))!;
  const ran = spawnSync(python, [script], { cwd: folder, encoding: 'utf8', timeout: 300_000 });
  expect(ran.stdout, ran.stderr).toContain('AGREES');
  expect(ran.status).toBe(0);
  await rm(folder, { recursive: true, force: true });
}
/** On WebGPU, for the models that rotate Q and K (Llama, Qwen2, Qwen3): their graphs compute RoPE's cos and sin from
 * the positions, and WGSL only requires sin and cos within 2^-11 (4.9e-4) absolute on [−π, π] (the CPU's are
 * correctly rounded, about 6e-8). That error enters every rotated Q and K, hence every score after them: measured
 * here up to 9.2e-4 on the logits (values of about 15) and the same order on the captures after RoPE. Four times
 * the spec's bound leaves room for its effect through a few layers, and still fails a wrong rotation (errors of 1e-1
 * and more) or a wrong head mapping. */
const WEBGPU_ROPE_TOLERANCE = 4 * 2 ** -11;

/** Generous: an 11 MB tokenizer and a 5 MB graph on a busy 2-core machine, SwiftShader for WebGPU. */
const RUN_TIMEOUT = 300_000;
const TEST_TIMEOUT = 600_000;

async function loadFromHub(page: Page, repo: string) {
  const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
  await page.fill('input[data-control=hub-repo]', repo);
  await page.click('[data-action=hub-load]');
  await waitForRuns(page, before + 1, RUN_TIMEOUT);
}

/** The page's Trace: every capture assembled, the logits at `ids` for every position, and the last row whole. */
async function pageTrace(page: Page, ids: number[]) {
  return page.evaluate((logitIds) => {
    const flow = window.__flow!;
    const trace = flow.runs.trace!;
    const n = flow.computedPositions(trace);
    const captures: Record<string, { dims: number[]; data: number[]; attention: boolean }> = {};
    for (const point of trace.points) {
      if (point.hook === 'logits') continue;
      const { dims, data } = flow.assembled(trace, point.hook);
      captures[point.hook] = { dims, data: Array.from(data as Float32Array), attention: point.layout === 'attention' };
    }
    const rows: readonly Float32Array[] = trace.rows['logits']!;
    return {
      n,
      config: trace.config,
      backend: trace.backend,
      modelName: trace.modelName,
      ids: trace.tokens.map((token: { id: number }) => token.id),
      logits: rows.flatMap((row) => logitIds.map((id) => row[id]!)),
      lastRow: Array.from(rows[n - 1]!),
      captures,
    };
  }, ids);
}

/** The worker's logit lens (the parameters its lens view reads with) at `ids`: on the page's own residual stream at
 * `hook`, every position (or on one given vector); and the size of the lm_head matrix it holds (0: none, W_E is used). */
async function pageLens(page: Page, hook: string, ids: number[], vector?: Float32Array) {
  return page.evaluate(
    async ({ hook, ids, vector }) => {
      const flow = window.__flow!;
      const lens = (await flow.slot.client!.call({ type: 'lens' }))!;
      const trace = flow.runs.trace!;
      const n = flow.computedPositions(trace);
      const rows: Float32Array[] = vector ? [Float32Array.from(vector)] : trace.rows[hook]!.slice(0, n);
      return {
        unembedding: lens.unembedding?.length ?? 0,
        logits: rows.flatMap((row) => {
          const logits = flow.logitLens(row, lens);
          return ids.map((id) => logits[id]!);
        }),
      };
    },
    { hook, ids, vector: vector ? Array.from(vector) : undefined },
  );
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('open models from the Hub mirror, in fp32', () => {
  let browser: Browser;
  beforeAll(async () => (browser = await launch()));
  afterAll(async () => browser?.close());
  // A failed test leaves no page running (a model still computing would slow every test after it).
  afterEach(async () => {
    for (const context of browser.contexts()) await context.close();
  });

  // What each architecture's chart shows (the fixtures' configs: tools/model/open_fixtures.py), and its captures per
  // layer: GPT-2 16 (and a position table); Llama and Qwen2 19 (rotated Q and K, SwiGLU's linear branch); Qwen3 21.
  const CHART = {
    'gpt2-tiny': {
      architecture: 'gpt2',
      perLayer: 16,
      posEmbed: 1,
      rope: 0,
      qkNorm: 0,
      ln1: 'LayerNorm 1',
      qkv: 'Q, K, V · 2 heads',
      mlp: 'GELU',
      notMlp: 'SiLU',
      lens: 'final LayerNorm',
    },
    'llama3-tiny': {
      architecture: 'llama',
      perLayer: 19,
      posEmbed: 0,
      rope: 1,
      qkNorm: 0,
      ln1: 'RMSNorm 1',
      qkv: 'Q (4 heads), K, V (1)',
      mlp: 'SiLU',
      notMlp: 'GELU',
      lens: 'final RMSNorm',
    },
    'qwen2-tiny': {
      architecture: 'qwen2',
      perLayer: 19,
      posEmbed: 0,
      rope: 1,
      qkNorm: 0,
      ln1: 'RMSNorm 1',
      qkv: 'Q (2 heads), K, V (1)',
      mlp: 'SiLU',
      notMlp: 'GELU',
      lens: 'final RMSNorm',
    },
    'qwen3-tiny': {
      architecture: 'qwen3',
      perLayer: 21,
      posEmbed: 0,
      rope: 1,
      qkNorm: 1,
      ln1: 'RMSNorm 1',
      qkv: 'Q (4 heads), K, V (2)',
      mlp: 'SiLU',
      notMlp: 'GELU',
      lens: 'final RMSNorm',
    },
    'qwen2-untied-tiny': {
      architecture: 'qwen2',
      perLayer: 19,
      posEmbed: 0,
      rope: 1,
      qkNorm: 0,
      ln1: 'RMSNorm 1',
      qkv: 'Q (5 heads), K, V (1)',
      mlp: 'SiLU',
      notMlp: 'GELU',
      lens: 'final RMSNorm',
    },
  } as const;

  // Every architecture on WASM; on WebGPU (headless Chromium's SwiftShader, 25 to 60 s each) the two ends of the
  // range: GPT-2 (learned positions, LayerNorm, GELU; logits within 2.9e-6 of transformers', every capture within
  // 1.9e-6) and Qwen3, whose graph holds every operation Llama's and Qwen2's do (RoPE, RMSNorm, SiLU-gated MLP,
  // grouped-query attention) and more (the q/k norms), within WEBGPU_ROPE_TOLERANCE (above). Qwen2's biases and the
  // untied lm_head are additions and a MatMul: WASM covers them.
  const runs = [...OPEN_MODELS.map((name) => [name, 'wasm']), ...(['gpt2-tiny', 'qwen3-tiny'] as const).map((name) => [name, 'webgpu'])];
  for (const [model, backend] of runs as [OpenModel, 'wasm' | 'webgpu'][]) {
    const chart = CHART[model];
    it(
      `${model} on ${backend}: the Trace equals transformers, and the chart and views are ${chart.architecture}’s`,
      async () => {
        const entry = openReference(model).prompts[0]!;
        const repo = openRepo(model);
        // Every capture at every position (`capture: 'all'`): a 152k-token vocabulary's logits would put these tiny
        // models on the lean plan of large ones.
        const page = await openApp(browser, {
          backend,
          query: { hub: '/hub', max: String(entry.generated.length), t: '0', prompt: entry.prompt, dtype: 'fp32', capture: 'all' },
        });
        await waitForRuns(page, 1, RUN_TIMEOUT);
        const requested: string[] = [];
        // Downloads only: listing the classroom server's files asks for each known name with HEAD first.
        page.on('request', (request) => request.method() === 'GET' && requested.push(new URL(request.url()).pathname));
        await loadFromHub(page, repo);
        const got = await pageTrace(page, entry.logitIds);
        // Qwen2's fp32 weights are in onnx/model.onnx_data (as big repositories keep them): downloaded with progress
        // after the graph that names them.
        const external = `/hub/${repo}/resolve/main/onnx/model.onnx_data`;
        expect(requested.includes(external)).toBe(model === 'qwen2-tiny');
        if (model === 'qwen2-tiny') {
          const progress = await page.evaluate(() => window.__flow!.slot.progress);
          expect(progress).toMatchObject({
            file: 'onnx/model.onnx_data',
            loaded: statSync(resolve(fixtureDir(model), 'onnx/model.onnx_data')).size,
          });
          expect(progress!.total).toBe(progress!.loaded);
        }
        expect(got.modelName).toBe(repo);
        await expect(page.evaluate(() => window.__flow!.slot.model!.graphFiles)).resolves.toEqual(['onnx/model.onnx']);
        expect(got.backend).toBe(backend);
        expect(got.config.architecture).toBe(chart.architecture);
        expect(got.ids).toEqual([...entry.input_ids, ...entry.generated]);
        expect(got.n).toBe(entry.positions);
        const tolerance = backend === 'webgpu' && chart.rope ? WEBGPU_ROPE_TOLERANCE : TOLERANCE;
        expect(maxDifference(got.logits, entry.logits)).toBeLessThan(tolerance);
        expect(maxDifference(got.lastRow, entry.lastLogits!)).toBeLessThan(tolerance);
        const checks = checkCaptures(got.captures, entry);
        expect(checks.length).toBe(got.config.nLayer * chart.perLayer + (model === 'gpt2-tiny' ? 3 : 2));
        for (const check of checks) {
          expect(check.shapeOk, check.hook).toBe(true);
          expect(check.difference, check.hook).toBeLessThan(tolerance);
        }

        // The chart: GPT-2's learned position table, LayerNorm, GELU and equal heads; the others' RoPE, RMSNorm,
        // SwiGLU and grouped K/V heads; QK-norm only for Qwen3.
        const qwen3 = model === 'qwen3-tiny';
        await expect(page.locator('g.node[data-node=posEmbed]').count()).resolves.toBe(chart.posEmbed);
        await expect(page.locator('g.node[data-node=rope]').count()).resolves.toBe(chart.rope);
        await expect(page.locator('g.node[data-node=qkNorm]').count()).resolves.toBe(chart.qkNorm);
        await expect(page.locator('g.node[data-node=ln1] text').textContent()).resolves.toBe(chart.ln1);
        await expect(page.locator('g.node[data-node=qkv] text').textContent()).resolves.toBe(chart.qkv);
        if (qwen3) {
          // QK-norm sits between the projections and RoPE, and its box shows the normalised Q and K.
          const order = await page.locator('g.node').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-node')));
          expect(order.indexOf('qkNorm')).toBe(order.indexOf('qkv') + 1);
          expect(order.indexOf('rope')).toBe(order.indexOf('qkNorm') + 1);
          await page.locator('g.node[data-node=qkNorm]').click();
          const detail = page.locator('[data-detail=qkNorm]');
          await expect(detail.locator('li[data-hook$="attn.q_norm.hook_normalized"] .shape').textContent()).resolves.toMatch(
            /^\[\d+ positions? × 4 heads × 8 dims\]$/,
          );
          await expect(detail.locator('li[data-hook$="attn.k_norm.hook_normalized"] .shape').textContent()).resolves.toMatch(
            /^\[\d+ positions? × 2 heads × 8 dims\]$/,
          );
          await expect(detail.locator('[data-testid=explain]').textContent()).resolves.toContain('root mean square');
          await detail.locator('.katex').first().waitFor(); // KaTeX loads on first use: count once it is there
          await expect(detail.locator('.katex').count()).resolves.toBeGreaterThan(0);
          await expect(detail.locator('.katex-error').count()).resolves.toBe(0);
        } else if (model === 'qwen2-tiny') {
          // Qwen2's Q, K and V projections have biases: the box says so, and its formula has them.
          await page.locator('g.node[data-node=qkv]').click();
          const detail = page.locator('[data-detail=qkv]');
          await expect(detail.locator('[data-testid=explain]').textContent()).resolves.toContain('bias');
          await expect(detail.locator('.katex').first().textContent()).resolves.toMatch(/\+\s*bQ/);
        } else if (model === 'llama3-tiny') {
          // Llama 3.2's RoPE: the base from config.json (500000) in the explanation; its K is [n × 1 × 8] (one K/V head)…
          await page.locator('g.node[data-node=rope]').click();
          const rope = page.locator('[data-detail=rope]');
          await expect(rope.locator('li[data-hook$="attn.hook_rot_k"] .shape').textContent()).resolves.toMatch(
            /^\[\d+ positions? × 1 head × 8 dims\]$/,
          );
          await expect(rope.locator('[data-testid=explain]').textContent()).resolves.toContain('θ_i = 500000^(−2i/d_head)');
          // …and says its config rescales those frequencies (rope_scaling "llama3", as Llama 3.2's does).
          await expect(rope.locator('[data-testid=explain]').textContent()).resolves.toContain('rope_scaling “llama3”');
          await expect(rope.locator('.katex-error').count()).resolves.toBe(0);
        }
        await page.click('button[data-tab=mlp]');
        await expect(page.locator('[data-view=mlp]').textContent()).resolves.toContain(chart.mlp);
        await expect(page.locator('[data-view=mlp]').textContent()).resolves.not.toContain(chart.notMlp);
        await page.click('button[data-tab=lens]');
        await expect(page.locator('[data-view=lens]').textContent()).resolves.toContain(chart.lens);
        // The lens: with W_E where the lm_head is tied; with the lm_head's own matrix, read from the graph, where it
        // is not, equal to transformers' final norm and lm_head on the page's last-layer residual stream.
        const untied = model === 'qwen2-untied-tiny';
        await expect(page.locator('[data-testid=lens-untied]').count()).resolves.toBe(untied ? 1 : 0);
        if (untied) {
          await expect(page.locator('[data-testid=lens-untied]').getAttribute('data-read')).resolves.toBe('yes');
          await expect(page.locator('[data-testid=lens-untied]').textContent()).resolves.toContain('read from the model file');
          const hook = `blocks.${got.config.nLayer - 1}.hook_resid_post`;
          const lens = await pageLens(page, hook, entry.logitIds);
          expect(lens.unembedding).toBe(got.config.vocabSize * got.config.dModel);
          expect(maxDifference(lens.logits, entry.lens![hook]!)).toBeLessThan(TOLERANCE);
        }
        await expect(page.locator('.error').count()).resolves.toBe(0);
        if (qwen3 && backend === 'wasm') {
          qwen3Recording = await page.evaluate(() => window.__flow!.exportTrace(window.__flow!.runs.trace!));
          await checkInPython(page);
        }
        await page.close();
      },
      TEST_TIMEOUT,
    );
  }

  it(
    'a Qwen3 recording opens on a 390 px phone, offline, without its model: it says what it is, plays, and shows the file’s numbers',
    async () => {
      expect(qwen3Recording).not.toBeNull();
      const recorded = JSON.parse(qwen3Recording!);
      const folder = await mkdtemp(join(tmpdir(), 'qwen3-recording-'));
      const file = join(folder, 'qwen3-run.json');
      await writeFile(file, qwen3Recording!);
      const page = await openApp(browser, { backend: 'wasm', viewport: { width: 390, height: 844 }, query: { max: '2', t: '0' } });
      await waitForRuns(page, 1);
      await page.context().setOffline(true);
      await page.locator('input[data-control=open-run]').setInputFiles(file);
      await waitForRuns(page, 2);
      await expect(page.locator('[data-testid=recording]').textContent()).resolves.toContain(recorded.model.name);
      // Qwen3's program: RoPE and QK-norm boxes, drawn from the recording alone.
      await expect(page.locator('g.node[data-node=qkNorm]').count()).resolves.toBe(1);
      await expect(page.locator('g.node[data-node=rope]').count()).resolves.toBe(1);
      const normed = await page.evaluate(() =>
        Array.from(window.__flow!.assembled(window.__flow!.runs.trace!, 'blocks.1.attn.q_norm.hook_normalized').data as Float32Array),
      );
      expect(maxDifference(normed, recorded.captures['blocks.1.attn.q_norm.hook_normalized'].data)).toBe(0);
      await page.evaluate(() => {
        window.__flow!.playback.restart();
        window.__flow!.player.play();
      });
      await expect.poll(() => page.evaluate(() => window.__flow!.playback.index), { timeout: 20_000 }).toBeGreaterThan(3);
      await page.screenshot({ path: join(import.meta.dirname, '../output/recording-qwen3-390.png') });
      // Nothing wider than the phone.
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
      expect((page as any).errors).toEqual([]);
      await page.close();
      await rm(folder, { recursive: true, force: true });
    },
    TEST_TIMEOUT,
  );

  // The untied model in bnb4 (MatMulBnb4, NF4) and q4f16 (MatMulNBits on a float16 graph): onnxruntime-web runs
  // them, the prompt's logits equal onnxruntime CPU's on the same file, and the page's lens (the lm_head read and
  // dequantized from the file) equals numpy's lens with that file's weights on transformers' residual stream.
  for (const [dtype, file, tolerance] of [
    ['bnb4', 'onnx/model_bnb4.onnx', 1e-4],
    ['q4f16', 'onnx/model_q4f16.onnx', 4 * 2 ** -7],
  ] as const) {
    it(
      `qwen2-untied-tiny on wasm, ?dtype=${dtype}: runs ${file}; its logits equal onnxruntime CPU’s, its lens numpy’s`,
      async () => {
        const reference = openReference('qwen2-untied-tiny');
        const entry = reference.prompts[0]!;
        const expected = reference.precisions[file]![0]!;
        const page = await openApp(browser, {
          backend: 'wasm',
          query: { hub: '/hub', max: '1', t: '0', prompt: entry.prompt, dtype, capture: 'all' },
        });
        await waitForRuns(page, 1, RUN_TIMEOUT);
        await loadFromHub(page, openRepo('qwen2-untied-tiny'));
        const model = (await page.evaluate(() => window.__flow!.slot.model))!;
        expect(model.graphFiles).toEqual([file]);
        expect(model.dtype).toBe(dtype);
        const got = await pageTrace(page, expected.logitIds);
        expect(got.n).toBe(entry.input_ids.length);
        expect(Object.keys(got.captures)).toHaveLength(2 + 19 * got.config.nLayer);
        expect(maxDifference(got.logits, expected.logits.subarray(0, got.n * expected.logitIds.length))).toBeLessThan(tolerance);
        const hook = `blocks.${got.config.nLayer - 1}.hook_resid_post`;
        const want = reference.weights[file]!.lens[hook]!;
        const lens = await pageLens(
          page,
          hook,
          entry.logitIds,
          entry.captures[hook]!.data.subarray((got.n - 1) * got.config.dModel, got.n * got.config.dModel),
        );
        expect(lens.unembedding).toBe(got.config.vocabSize * got.config.dModel);
        expect(maxDifference(lens.logits, want.subarray((got.n - 1) * entry.logitIds.length, got.n * entry.logitIds.length))).toBeLessThan(
          1e-5,
        );
        await page.click('button[data-tab=lens]');
        await expect(page.locator('[data-testid=lens-untied]').getAttribute('data-read')).resolves.toBe('yes');
        await expect(page.locator('.error').count()).resolves.toBe(0);
        await page.close();
      },
      TEST_TIMEOUT,
    );
  }

  // Other precisions, in the page: the default on WASM is q8 (model_quantized.onnx), as in transformers.js; fp16
  // comes as float16 from onnxruntime-web and is float32 in the Trace. The prompt's logits (its first pass, fed as
  // onnxruntime CPU was fed for the reference) equal onnxruntime CPU's on the same file (tolerances: see
  // test/model/open-precisions.test.ts).
  for (const [dtype, file, tolerance] of [
    [null, 'onnx/model_quantized.onnx', 1e-4],
    ['fp16', 'onnx/model_fp16.onnx', 4 * 2 ** -7],
  ] as const) {
    it(
      `qwen3-tiny on wasm, ${dtype ? `?dtype=${dtype}` : 'the default precision'}: runs ${file}, its logits equal onnxruntime CPU’s`,
      async () => {
        const reference = openReference('qwen3-tiny');
        const entry = reference.prompts[1]!;
        const expected = reference.precisions[file]![1]!;
        const page = await openApp(browser, {
          backend: 'wasm',
          query: { hub: '/hub', max: '1', t: '0', prompt: entry.prompt, capture: 'all', ...(dtype ? { dtype } : {}) },
        });
        await waitForRuns(page, 1, RUN_TIMEOUT);
        await loadFromHub(page, openRepo('qwen3-tiny'));
        const model = (await page.evaluate(() => window.__flow!.slot.model))!;
        expect(model.graphFiles).toEqual([file]);
        expect(model.dtype).toBe(dtype ?? 'q8');
        await expect(page.locator('p.precision[data-dtype]').getAttribute('data-dtype')).resolves.toBe(dtype ?? 'q8');
        await expect(page.locator('p.precision[data-dtype]').textContent()).resolves.toContain(file);
        const got = await pageTrace(page, expected.logitIds);
        expect(got.n).toBe(entry.input_ids.length);
        // Every capture is there, as float32.
        expect(Object.keys(got.captures)).toHaveLength(2 + 21 * got.config.nLayer);
        expect(maxDifference(got.logits, expected.logits.subarray(0, got.n * expected.logitIds.length))).toBeLessThan(tolerance);
        await expect(page.locator('.error').count()).resolves.toBe(0);
        await page.close();
      },
      TEST_TIMEOUT,
    );
  }
});
