#!/usr/bin/env node
// `npm run bench`: speed and memory figures in headless Chromium, on WebGPU and on WASM, measured side by side in
// one run. Prints tables and writes docs/benchmarks.md and docs/benchmarks.json. Not a test: figures depend on the
// machine.
//
// For each model (the two embedded ones; GPT-2 small's shapes and Qwen2.5-0.5B's shapes with random weights, from
// `npm run model:bench-export` when models-bench/ has them), each precision (file) and each backend: model load; one
// forward pass of 64 tokens with every capture output and without any (the same graph, the ratio); tokens per
// second of a 64-token generation in the app with capture, next to transformers.js' own text-generation pipeline
// on the same file with no capture: the current @huggingface/transformers (4.x, WASM and WebGPU) and, on WASM,
// @xenova/transformers 2.17 (which has no WebGPU). WebGPU on a software adapter (headless Chromium's SwiftShader)
// is measured for the embedded models and labelled; for the big models it would take hours and is skipped, said so.
// For the app with the embedded model: time from page load to the first generated token on screen, the frame rate
// and longest main-thread task while the flow chart plays during generation, and memory after 1, 50 and 500
// generated tokens.
//
//   npm run bench                      everything
//   npm run bench -- --models=flow-gpt2-tiny --backends=wasm --precisions=q8 --no-app   a part (the Markdown is not
//                                      rewritten then; --no-app leaves out the whole-app figures)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../test/browser/server.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  // performance.measureUserAgentSpecificMemory() answers at once instead of at the next (randomly delayed) GC.
  '--enable-blink-features=ForceEagerMeasureMemory',
  '--js-flags=--expose-gc',
];
const FORWARD_TOKENS = 64;
const GENERATE_TOKENS = 64;
const PROMPT = 'Once upon a time';
const LONG_TEXT =
  'Once upon a time, Lily went to the park with her friend Tom. They played with a red ball until it was time to go home. '.repeat(4);

// Each precision: the file the pipeline loads (transformers.js picks onnx/{fileName}{dtype's suffix}.onnx) and the
// app loads the same file. The app takes a folder whose graph is onnx/decoder_model_merged.onnx (or model.onnx), so
// a precision other than the folder's own is served to it under /bench-variants/{model}@{dtype}/ (see `variant`).
const FP32_MERGED = { dtype: 'fp32', file: 'onnx/decoder_model_merged.onnx', fileName: 'decoder_model_merged' };
const DTYPE_FILES = { q8: 'onnx/model_quantized.onnx', q4: 'onnx/model_q4.onnx' };
const MODELS = [
  { name: 'flow-gpt2-tiny', root: '/models/', precisions: [FP32_MERGED], forwards: 9, generations: 3, legacy: true },
  { name: 'flow-llama-tiny', root: '/models/', precisions: [FP32_MERGED], forwards: 9, generations: 3, legacy: true },
  // SwiftShader (headless Chromium's WebGPU here) needs minutes for a 124M forward pass, and its figures say nothing
  // of a GPU: WebGPU is measured only on a hardware adapter (fewer repeats and tokens there).
  {
    name: 'gpt2-small-random',
    label: 'GPT-2 small shapes, random weights (124M)',
    root: '/bench-models/',
    precisions: [FP32_MERGED],
    forwards: 3,
    generations: 1,
    big: true,
    legacy: true,
    webgpu: { forwards: 1, tokens: 8 },
    hardwareWebgpuOnly: true,
    script: 'gpt2',
  },
  // A 0.5B model on SwiftShader would take hours: WebGPU is measured only on a hardware adapter.
  {
    name: 'qwen2.5-0.5b-random',
    label: 'Qwen2.5-0.5B shapes, random weights (494M)',
    root: '/bench-models/',
    precisions: [
      { dtype: 'q8', file: DTYPE_FILES.q8 },
      { dtype: 'q4', file: DTYPE_FILES.q4 },
    ],
    forwards: 3,
    generations: 2,
    big: true,
    hardwareWebgpuOnly: true,
    script: 'qwen',
    scale: { tokens: 500 },
  },
];
const option = (name) =>
  process.argv
    .find((arg) => arg.startsWith(`--${name}=`))
    ?.split('=')[1]
    ?.split(',');
const chosenModels = option('models');
const chosenPrecisions = option('precisions');
const backends = option('backends') ?? ['webgpu', 'wasm'];
// A part is printed, not written, unless --write says so (the Markdown then says which backends ran).
const partial = Boolean(chosenModels || option('backends') || chosenPrecisions) && !process.argv.includes('--write');

if (!existsSync(resolve(ROOT, 'dist/index.html')) || process.argv.includes('--build')) {
  spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
const benchFolder = (model) => resolve(ROOT, 'models-bench', model.name);
const benchReady = (model) =>
  model.precisions.every((p) => existsSync(resolve(benchFolder(model), p.file))) &&
  existsSync(resolve(benchFolder(model), 'tokenizer.json'));
for (const model of MODELS.filter((m) => m.script && (!chosenModels || chosenModels.includes(m.name)))) {
  if (benchReady(model)) continue;
  console.log(`models-bench/${model.name} is missing: exporting it (tools/model/rebuild.sh --benchmark-model ${model.script})…`);
  spawnSync('tools/model/rebuild.sh', ['--benchmark-model', model.script], { cwd: ROOT, stdio: 'inherit' });
}
const models = MODELS.filter((m) => (chosenModels ? chosenModels.includes(m.name) : true)).filter((m) => !m.script || benchReady(m));

/** The folder URL the app loads a precision from: the model's own folder when its graph is the precision's file,
 * else the folder under /bench-variants/, where that file is served as onnx/decoder_model_merged.onnx. */
const appUrl = (model, precision) =>
  precision.file === FP32_MERGED.file ? `${model.root}${model.name}` : `/bench-variants/${model.name}@${precision.dtype}`;
function variant(rest) {
  const match = /^([\w.-]+)@(\w+)\/(.+)$/.exec(rest);
  if (!match || !DTYPE_FILES[match[2]]) return null;
  const [, name, dtype, file] = match;
  return [resolve(ROOT, 'models-bench', name), file === FP32_MERGED.file ? DTYPE_FILES[dtype] : file];
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const waitForRuns = (page, count, timeout) =>
  page.waitForFunction((n) => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-runs')) >= n, count, { timeout });

/** The engine in the app: load, forward with and without captures, generation with capture. */
async function measureEngine(browser, base, model, precision, backend) {
  const page = await browser.newPage();
  try {
    return await measureEngineOn(page, base, model, precision, backend);
  } finally {
    await page.close().catch(() => {}); // a failed 0.5B model must not keep its memory for the next row
  }
}

async function measureEngineOn(page, base, model, precision, backend) {
  const limits = { forwards: model.forwards, tokens: GENERATE_TOKENS, ...(backend === 'webgpu' ? model.webgpu : {}) };
  const query = new URLSearchParams({ debug: '1', lang: 'en', backend, model: appUrl(model, precision), max: '1' });
  await page.goto(`${base}?${query}`);
  await waitForRuns(page, 1, model.big ? 900_000 : 120_000);
  const figures = await page.evaluate(
    async ({ forwardTokens, generateTokens, forwards, generations, prompt, longText }) => {
      const { slot, runs } = window.__flow;
      // The chart would otherwise replay the first run meanwhile and share the CPU with the engine.
      window.__flow.player.pause();
      const { ids } = await slot.client.call({ type: 'tokenize', text: longText });
      const forward = [];
      for (let i = 0; i < forwards; i++) forward.push(await slot.client.call({ type: 'recompute', ids: ids.slice(0, forwardTokens) }));
      const settings = { temperature: 0.8, topK: 40, topP: 0.95, seed: 1, maxNewTokens: generateTokens };
      const speeds = [];
      for (let i = 0; i < generations; i++) {
        const started = performance.now();
        await runs.generate(prompt, settings);
        speeds.push(runs.trace.steps.length / ((performance.now() - started) / 1000));
      }
      // The engine alone: the worker's same generation with every capture (forward, sampling, each captured tensor
      // cut into rows and posted), with the page only counting what arrives instead of adding it to a Trace.
      // With the capture plan the app's run uses (everything, or a large model's lean plan with layer 1 open).
      const sampling = { temperature: 0.8, topK: 40, topP: 0.95 };
      const plan = { mode: slot.captureMode, layers: [0] };
      const engineSpeeds = [];
      for (let i = 0; i < generations; i++) {
        let steps = 0;
        const started = performance.now();
        // A run id of the benchmark's own, far from the page's; each replaces the one before in the worker.
        const id = 1_000_000 + i;
        await slot.client.call({ type: 'begin', run: id, replaces: i > 0 ? id - 1 : null, prompt, seed: 1 + i, settings: sampling, plan });
        await slot.client.call(
          { type: 'continue', run: id, maxNewTokens: generateTokens, settings: sampling },
          { onForward: () => {}, onStep: () => steps++ },
        );
        engineSpeeds.push(steps / ((performance.now() - started) / 1000));
      }
      return {
        backend: slot.model.choice.backend,
        loadMs: slot.model.loadMs,
        isolated: globalThis.crossOriginIsolated,
        captureMode: slot.captureMode,
        captureMs: forward.map((f) => f.captureMs),
        plainMs: forward.map((f) => f.plainMs),
        tokensPerSecond: speeds,
        engineTokensPerSecond: engineSpeeds,
      };
    },
    {
      forwardTokens: FORWARD_TOKENS,
      generateTokens: limits.tokens,
      forwards: limits.forwards,
      generations: model.generations,
      prompt: PROMPT,
      longText: LONG_TEXT,
    },
  );
  const capture = median(figures.captureMs);
  const plain = median(figures.plainMs);
  return {
    ...figures,
    capture,
    plain,
    captureRatio: capture / plain,
    speed: median(figures.tokensPerSecond),
    engineSpeed: median(figures.engineTokensPerSecond),
    tokens: limits.tokens,
  };
}

/** A large model's capture on demand: the time from picking a layer in the attention view to its heatmap drawn
 * (the recompute of the layer for every position included), after a run of GENERATE_TOKENS; then a run of
 * `model.scale.tokens` tokens and what the page holds afterwards: the Trace's bytes and the page's memory. */
async function measureScale(browser, base, model, precision) {
  // A page of its own, without the plain graph the capture ratio needs (a second copy of the weights).
  const context = await browser.newContext();
  try {
    return await measureScaleOn(await context.newPage(), base, model, precision);
  } finally {
    await context.close().catch(() => {});
  }
}

async function measureScaleOn(page, base, model, precision) {
  const query = new URLSearchParams({
    debug: '1',
    'plain-graph': '0',
    lang: 'en',
    backend: 'wasm',
    model: appUrl(model, precision),
    max: '1',
  });
  await page.goto(`${base}?${query}`);
  await waitForRuns(page, 1, 900_000);
  const loaded = await page.evaluate(async () => {
    for (let i = 0; i < 3; i++) window.gc?.();
    return (await performance.measureUserAgentSpecificMemory()).bytes;
  });
  await page.evaluate(
    async ({ prompt, tokens }) => {
      window.__flow.player.pause();
      await window.__flow.runs.generate(prompt, { temperature: 0.8, topK: 40, topP: 0.95, seed: 3, maxNewTokens: tokens });
    },
    { prompt: PROMPT, tokens: GENERATE_TOKENS },
  );
  await page.click('button[data-tab=attention]');
  await page.waitForSelector('[data-view=attention]', { timeout: 600_000 });
  const layers = await page.evaluate(() => window.__flow.runs.trace.config.nLayer);
  const times = [];
  for (const layer of [Math.floor(layers / 2), layers - 1, 1]) {
    const started = Date.now();
    await page.selectOption('select[data-pick=layer]', { index: layer });
    await page.waitForSelector(`[data-view=attention][data-layer="${layer}"]`, { timeout: 600_000 });
    await page.evaluate(() => window.__flow.drawn());
    times.push(Date.now() - started);
  }
  const positions = await page.evaluate(() => window.__flow.computedPositions(window.__flow.runs.trace));
  const memory = await page.evaluate(
    async ({ prompt, tokens }) => {
      const { slot, runs } = window.__flow;
      await runs.generate(prompt, { temperature: 0.8, topK: 0, topP: 1, seed: 5, maxNewTokens: tokens });
      const trace = runs.trace;
      // Rows are views into the buffers the worker sent: each buffer counted once.
      const buffers = new Set();
      for (const rows of Object.values(trace.rows)) for (const row of rows) if (row) buffers.add(row.buffer);
      let traceBytes = 0;
      for (const buffer of buffers) traceBytes += buffer.byteLength;
      for (let i = 0; i < 3; i++) window.gc?.();
      const page = (await performance.measureUserAgentSpecificMemory()).bytes;
      return {
        generated: trace.steps.length,
        positions: window.__flow.computedPositions(trace),
        traceBytes,
        pageBytes: page,
        mode: slot.captureMode,
      };
    },
    { prompt: PROMPT, tokens: model.scale.tokens },
  );
  return { layerOpenMs: times, layerOpenPositions: positions, memory: { ...memory, loadedBytes: loaded } };
}

/** @xenova/transformers 2.17's text-generation pipeline on the same folder, no capture (tools/bench/baseline.mjs). */
async function measureBaseline(browser, base, model) {
  const page = await browser.newPage();
  await page.goto(`${base}bench/baseline.html`);
  await page.waitForFunction(() => window.baselineReady === true);
  const result = await page.evaluate((args) => window.measureBaseline(args), {
    modelRoot: model.root,
    model: model.name,
    prompt: PROMPT,
    tokens: GENERATE_TOKENS,
    repeats: model.generations,
  });
  await page.close();
  return { loadMs: result.loadMs, speed: median(result.speeds), speeds: result.speeds };
}

/** @huggingface/transformers 4.x's text-generation pipeline on the same file, no capture (tools/bench/pipeline.mjs). */
async function measurePipeline(browser, base, model, precision, backend) {
  const tokens = backend === 'webgpu' ? (model.webgpu?.tokens ?? GENERATE_TOKENS) : GENERATE_TOKENS;
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${base}bench/pipeline.html`);
  await page.waitForFunction(() => window.pipelineReady === true);
  const result = await page
    .evaluate((args) => window.measurePipeline(args), {
      modelRoot: model.root,
      model: model.name,
      device: backend,
      dtype: precision.dtype,
      fileName: precision.fileName ?? null,
      prompt: PROMPT,
      tokens,
      repeats: model.generations,
    })
    .catch((error) => ({ error: String(error).split('\n')[0] }));
  await page.close().catch(() => {});
  if (result.error) return { error: result.error, pageErrors: errors };
  const graphs = result.files.filter((file) => file.endsWith('.onnx'));
  if (graphs.length !== 1 || graphs[0] !== precision.file)
    throw new Error(`the pipeline loaded ${graphs.join(', ')}, not ${precision.file}`);
  return {
    loadMs: result.loadMs,
    loadedBytes: result.loadedBytes,
    speed: median(result.speeds),
    speeds: result.speeds,
    tokens,
    files: result.files,
    isolated: result.isolated,
  };
}

/** The adapter headless Chromium gives WebGPU, and whether it is a software one (SwiftShader: a CPU emulation). */
async function inspectAdapter(browser, base) {
  const page = await browser.newPage();
  await page.goto(`${base}bench/pipeline.html`);
  const adapter = await page.evaluate(async () => {
    const gpu = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    if (!gpu) return null;
    const info = gpu.info ?? {};
    return {
      description: `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.description ?? ''}`.trim(),
      fallback: Boolean(info.isFallbackAdapter),
    };
  });
  await page.close();
  if (!adapter) return { description: 'none', software: true, present: false };
  return {
    ...adapter,
    present: true,
    software: adapter.fallback || /swiftshader|llvmpipe|software|microsoft basic render/i.test(adapter.description),
  };
}

/** The whole app as a learner meets it, with the embedded model: first token on screen, the chart's frame rate
 * and long tasks during generation, and memory over many tokens. */
async function measureApp(browser, base, backend) {
  // A fresh profile: nothing cached, no service worker yet.
  const context = await browser.newContext();
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('li.chip.generated')) {
        window.__firstTokenAt = performance.now(); // since navigation start
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  await page.goto(`${base}?debug=1&lang=en&backend=${backend}`);
  await page.waitForFunction(() => window.__firstTokenAt !== undefined, null, { timeout: 120_000 });
  const firstTokenMs = await page.evaluate(() => window.__firstTokenAt);
  await waitForRuns(page, 1, 120_000);
  const figures = await page.evaluate(
    async ({ prompt }) => {
      const run = window.__flow.runs;
      const settings = (maxNewTokens) => ({ temperature: 0.8, topK: 40, topP: 0.95, seed: 1, maxNewTokens });
      // Memory of the page and its workers (the engine's wasm heap included), after a garbage collection.
      const memory = async () => {
        for (let i = 0; i < 3; i++) window.gc?.();
        const result = await performance.measureUserAgentSpecificMemory();
        return result.bytes;
      };
      await run.generate(prompt, settings(1));
      const afterOne = await memory();
      await run.generate(prompt, settings(50));
      const afterFifty = await memory();
      let generated = 51;
      for (let i = 0; i < 9; i++) {
        await run.generate(prompt, settings(50));
        generated += run.trace.steps.length;
      }
      const afterFiveHundred = await memory();

      // The flow chart playing (16×) while the worker generates: frame intervals and main-thread long tasks.
      window.__flow.player.speed = 16;
      const intervals = [];
      const longTasks = [];
      const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => longTasks.push(entry.duration)));
      observer.observe({ type: 'longtask' });
      let animating = true;
      let last = performance.now();
      const frame = (now) => {
        intervals.push(now - last);
        last = now;
        if (animating) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      await run.generate(prompt, settings(64));
      await new Promise((resolve) => setTimeout(resolve, 500));
      animating = false;
      observer.disconnect();
      intervals.sort((a, b) => a - b);
      return {
        backend: window.__flow.slot.model.choice.backend,
        memory: { afterOne, afterFifty, afterFiveHundred, generated },
        fps: 1000 / (intervals.reduce((a, b) => a + b, 0) / intervals.length),
        slowFrame: intervals[Math.floor(intervals.length * 0.95)],
        longestTask: Math.max(0, ...longTasks),
        longTasks: longTasks.length,
      };
    },
    { prompt: PROMPT },
  );
  const adapter = await page.evaluate(async () => {
    const gpu = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    return gpu?.info ? `${gpu.info.vendor} ${gpu.info.architecture} ${gpu.info.description}`.trim() : '';
  });
  await context.close();
  return { ...figures, firstTokenMs, adapter };
}

/** transformers.js' pipeline on the embedded model, timed as the app is: from navigation start, in a fresh context
 * (nothing cached), until its first generated token is in the page (tools/bench/pipeline.mjs, `first-token`). */
async function measurePipelineFirstToken(browser, base, backend) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const query = new URLSearchParams({
      'first-token': 'flow-gpt2-tiny',
      root: '/models/',
      device: backend,
      dtype: FP32_MERGED.dtype,
      file: FP32_MERGED.fileName,
      prompt: PROMPT,
    });
    await page.goto(`${base}bench/pipeline.html?${query}`);
    await page.waitForFunction(() => window.__firstTokenAt !== undefined || window.__firstTokenError !== undefined, null, {
      timeout: 120_000,
    });
    const { at, error } = await page.evaluate(() => ({ at: window.__firstTokenAt, error: window.__firstTokenError }));
    return error === undefined ? { backend, ms: at } : { backend, error };
  } catch (error) {
    return { backend, error: String(error.message ?? error).split('\n')[0] };
  } finally {
    await context.close().catch(() => {});
  }
}

const server = await startServer(0, {
  '/bench/': resolve(ROOT, 'tools/bench'),
  '/bench-lib/': resolve(ROOT, 'node_modules/@xenova/transformers/dist'),
  '/bench-lib4/': resolve(ROOT, 'node_modules/@huggingface/transformers/dist'),
  '/bench-ort4/': resolve(ROOT, 'node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist'),
  '/bench-models/': resolve(ROOT, 'models-bench'),
  '/bench-variants/': variant,
});
const base = `http://127.0.0.1:${server.address().port}/`;
let launched = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const version = launched.version();
const crashes = [];
/** The browser, launched again when the last one crashed (then the row that crashed it says so). */
const live = async () => {
  if (!launched.isConnected()) launched = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  return launched;
};
const library = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/@huggingface/transformers/package.json'), 'utf8')).version;
const legacyLibrary = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/@xenova/transformers/package.json'), 'utf8')).version;
const engineRows = [];
const appRows = [];
let gpu = { description: 'none', software: true, present: false };
try {
  gpu = await inspectAdapter(await live(), base);
  console.log(`WebGPU adapter: ${gpu.description}${gpu.software ? ' (software)' : ''}`);
  // One backend at a time, WASM first, each in a browser of its own: what one backend leaves running (SwiftShader's
  // GPU process was seen keeping a core busy after WebGPU work) cannot slow the other's figures.
  for (const backend of ['wasm', 'webgpu'].filter((b) => backends.includes(b))) {
    await launched.close();
    launched = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    // The whole app first: a big model that exhausted the browser later would leave these figures standing. "auto"
    // goes with WASM: on this machine's software adapter it must pick WASM.
    if ((!chosenModels || chosenModels.includes('flow-gpt2-tiny')) && !process.argv.includes('--no-app')) {
      for (const app of backend === 'wasm' ? ['auto', 'wasm'] : [backend]) {
        // The pipeline's first token just before the app's, on the backend the app is asked for ("auto": WASM here).
        const pipelineFirstToken = await measurePipelineFirstToken(await live(), base, app === 'auto' ? 'wasm' : app);
        appRows.push({ ...(await measureApp(await live(), base, app)), requested: app, pipelineFirstToken });
      }
    }
    for (const model of models) {
      const baseline =
        backend === 'wasm' && model.legacy
          ? await measureBaseline(await live(), base, model).catch((error) => ({ error: String(error.message ?? error).split('\n')[0] }))
          : null;
      if (baseline)
        console.log(`${model.name} transformers.js ${legacyLibrary} (wasm): ${baseline.error ?? `${baseline.speed.toFixed(1)} tokens/s`}`);
      for (const precision of model.precisions.filter((p) => !chosenPrecisions || chosenPrecisions.includes(p.dtype))) {
        const row = {
          model: model.name,
          label: model.label ?? model.name,
          precision: precision.dtype,
          file: precision.file,
          requested: backend,
        };
        if (backend === 'webgpu' && (!gpu.present || (gpu.software && model.hardwareWebgpuOnly))) {
          engineRows.push({
            ...row,
            skipped: gpu.present
              ? `software adapter (${gpu.description}), not measured: minutes a token on this model, and nothing about a GPU`
              : 'no WebGPU adapter',
          });
          console.log(`${model.name} ${precision.dtype} webgpu: skipped (${gpu.description})`);
          continue;
        }
        let engine;
        try {
          engine = await measureEngine(await live(), base, model, precision, backend);
        } catch (error) {
          const crashed = !launched.isConnected();
          if (crashed) crashes.push(`${model.name} ${precision.dtype} ${backend}`);
          engineRows.push({
            ...row,
            skipped: crashed
              ? 'Chromium crashed while the app ran it (the browser was started again for the next row)'
              : `the app failed: ${String(error.message ?? error).split('\n')[0]}`,
          });
          console.log(`${model.name} ${precision.dtype} ${backend}: the app failed: ${error}`);
          continue;
        }
        // Once per model (its first precision): the figures concern the capture plan, not the file. Measured after
        // the engine's page is closed, so that page's model (and its plain copy) is not in memory meanwhile.
        if (model.scale && backend === 'wasm' && precision === model.precisions[0])
          engine.scale = await measureScale(await live(), base, model, precision).catch(
            (error) => (console.log(`${model.name}: the capture-on-demand page failed: ${error}`), null),
          );
        console.log(
          `${model.name} ${precision.dtype} ${engine.backend}: capture ratio ${engine.captureRatio.toFixed(2)}×, ${engine.speed.toFixed(1)} tokens/s${engine.scale ? `, a layer opened in ${engine.scale.layerOpenMs.join(' / ')} ms` : ''}`,
        );
        const pipeline = await measurePipeline(await live(), base, model, precision, backend).catch((error) => ({
          error: String(error.message ?? error).split('\n')[0],
        }));
        console.log(
          `${model.name} ${precision.dtype} ${backend}: transformers.js ${library} ${pipeline.error ? `failed: ${pipeline.error}` : `${pipeline.speed.toFixed(1)} tokens/s`}`,
        );
        const software = backend === 'webgpu' && gpu.software;
        engineRows.push({
          ...row,
          ...engine,
          software,
          pipeline,
          baseline: engine.backend === 'wasm' && !baseline?.error ? baseline : null,
        });
      }
    }
  }
} finally {
  await launched.close();
  server.close();
}
// The tables read model by model, each precision's WebGPU row before its WASM row, whatever order they ran in.
const rowOrder = (r) => [
  models.findIndex((m) => m.name === r.model),
  MODELS.find((m) => m.name === r.model).precisions.findIndex((p) => p.dtype === r.precision),
  r.requested === 'webgpu' ? 0 : 1,
];
engineRows.sort((a, b) => {
  const [x, y] = [rowOrder(a), rowOrder(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
});

const MB = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const ms = (value) => `${value.toFixed(value < 100 ? 1 : 0)} ms`;
const machine = `${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Chromium ${version} headless, WebGPU adapter: ${gpu.description}${gpu.software ? ' (software)' : ''}`;

const label = (r) => r.label;
const backendOf = (r) =>
  r.skipped
    ? r.requested
    : `${r.backend}${r.software ? ' (SwiftShader)' : ''}${r.backend !== r.requested ? ` (asked: ${r.requested})` : ''}`;
const tokensNote = (r, tokens) => (tokens !== GENERATE_TOKENS ? ` (${tokens} tokens)` : '');
/** Generation against the pipeline on the same file: the app at least as fast. */
const SPEED_TARGET = 1.0;
const ratio = (a, b) => `${(a / b).toFixed(2)}×${a / b >= SPEED_TARGET ? '' : ' ✗'}`;
const captureTable = [
  `| model | precision | backend | load | forward ${FORWARD_TOKENS} tokens, all captures | same graph, no captures | capture ratio (target ≤ 1.25×) |`,
  '|---|---|---|---|---|---|---|',
  ...engineRows.map((r) =>
    r.skipped
      ? `| ${label(r)} | ${r.precision} | ${backendOf(r)} | ${r.skipped} | — | — | — |`
      : `| ${label(r)} | ${r.precision} | ${backendOf(r)} | ${ms(r.loadMs)} | ${ms(r.capture)} | ${ms(r.plain)} | ${r.captureRatio.toFixed(2)}× |`,
  ),
].join('\n');
const pipelineCell = (r) => {
  if (!r.pipeline) return '—';
  if (r.pipeline.error) return `failed: ${r.pipeline.error.replace(/\|/g, '/')}`;
  return `${r.pipeline.speed.toFixed(1)} tokens/s${tokensNote(r, r.pipeline.tokens)}`;
};
const generationTable = [
  `| model | precision (file) | backend | capture plan | the app | transformers.js ${library} pipeline, no capture | ratio (target ≥ ${SPEED_TARGET.toFixed(1)}×) | the engine alone (no page) | ratio | transformers.js ${legacyLibrary} pipeline (WASM only) | ratio |`,
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...engineRows.map((r) =>
    r.skipped
      ? `| ${label(r)} | ${r.precision} (\`${r.file}\`) | ${backendOf(r)} | — | ${r.skipped} | — | — | — | — | — | — |`
      : `| ${label(r)} | ${r.precision} (\`${r.file}\`) | ${backendOf(r)} | ${r.captureMode === 'lean' ? 'lean' : 'every capture'} | ${r.speed.toFixed(1)} tokens/s${tokensNote(r, r.tokens)} | ${pipelineCell(r)} | ${r.pipeline && !r.pipeline.error ? ratio(r.speed, r.pipeline.speed) : '—'} | ${r.engineSpeed.toFixed(1)} tokens/s | ${r.pipeline && !r.pipeline.error ? ratio(r.engineSpeed, r.pipeline.speed) : '—'} | ${r.baseline ? `${r.baseline.speed.toFixed(1)} tokens/s` : r.backend === 'wasm' ? '—' : '— (no WebGPU)'} | ${r.baseline ? ratio(r.speed, r.baseline.speed) : '—'} |`,
  ),
].join('\n');
const FIRST_TOKEN_TARGET = 1.2;
/** The pipeline's first token, where it ran on the backend the app picked (on a hardware adapter "auto" may pick
 * WebGPU while the pipeline was asked for WASM: then the two do not compare). */
const pipelineFirst = (r) =>
  r.pipelineFirstToken.error !== undefined
    ? { cell: `failed: ${r.pipelineFirstToken.error}`, ratio: null }
    : r.pipelineFirstToken.backend !== r.backend
      ? { cell: `${ms(r.pipelineFirstToken.ms)} (${r.pipelineFirstToken.backend}; the app picked ${r.backend})`, ratio: null }
      : { cell: ms(r.pipelineFirstToken.ms), ratio: r.firstTokenMs / r.pipelineFirstToken.ms };
const firstTokenRatio = (r) => {
  const { ratio } = pipelineFirst(r);
  return ratio === null ? '—' : `${ratio.toFixed(2)}×${ratio <= FIRST_TOKEN_TARGET ? '' : ' ✗'}`;
};
const appTable = [
  `| backend | first token on screen after page load | transformers.js ${library} pipeline's first token in its page, same model | ratio (target ≤ ${FIRST_TOKEN_TARGET}×) | chart playing during generation | longest main-thread task (target ≤ 50 ms) | memory after 1 / 50 / 500 generated tokens | 500 vs 50 (target ≤ +10 %) |`,
  '|---|---|---|---|---|---|---|---|',
  ...appRows.map(
    (r) =>
      `| ${r.requested === 'auto' ? `auto (picked ${r.backend})` : r.backend} | ${ms(r.firstTokenMs)} | ${pipelineFirst(r).cell} | ${firstTokenRatio(r)} | ${r.fps.toFixed(0)} fps (95th-percentile frame ${r.slowFrame.toFixed(0)} ms) | ${r.longTasks === 0 ? 'none over 50 ms' : `${ms(r.longestTask)} (${r.longTasks} tasks over 50 ms)`} | ${MB(r.memory.afterOne)} / ${MB(r.memory.afterFifty)} / ${MB(r.memory.afterFiveHundred)} | ${(100 * (r.memory.afterFiveHundred / r.memory.afterFifty - 1)).toFixed(1)} % |`,
  ),
].join('\n');

const scaleRows = engineRows.filter((r) => r.scale);
const LAYER_TARGET_MS = 300;
const TRACE_BUDGET_MB = 160;
const scaleTable = [
  `| model | precision | backend | open a layer after ${GENERATE_TOKENS} tokens: middle / last / second (target < ${LAYER_TARGET_MS} ms) | positions | after ${scaleRows[0]?.scale.memory.generated ?? 500} more tokens: the Trace (budget ${TRACE_BUDGET_MB} MB) | the page and its workers: loaded / after those tokens | the transformers.js pipeline's page, loaded (target: the app within 1.3×) |`,
  '|---|---|---|---|---|---|---|---|',
  ...scaleRows.map(
    (r) =>
      `| ${label(r)} | ${r.precision} | ${backendOf(r)} | ${r.scale.layerOpenMs.map((t) => `${t}${t < LAYER_TARGET_MS ? '' : ' ✗'}`).join(' / ')} ms | ${r.scale.layerOpenPositions} | ${MB(r.scale.memory.traceBytes)} (${r.scale.memory.positions} positions)${r.scale.memory.traceBytes / 1e6 <= TRACE_BUDGET_MB ? '' : ' ✗'} | ${MB(r.scale.memory.loadedBytes)} / ${MB(r.scale.memory.pageBytes)} | ${r.pipeline?.loadedBytes ? `${MB(r.pipeline.loadedBytes)} (${(r.scale.memory.loadedBytes / r.pipeline.loadedBytes).toFixed(2)}×${r.scale.memory.loadedBytes / r.pipeline.loadedBytes <= 1.3 ? '' : ' ✗'})` : '— (not isolated)'} |`,
  ),
].join('\n');

const measured = engineRows.filter((r) => !r.skipped);
const rowName = (r) => `${r.label} ${r.precision} on ${backendOf(r)}`;
const list = (rows) => rows.map(rowName).join('; ');
const compared = measured.filter((r) => r.pipeline && !r.pipeline.error);
const slow = compared.filter((r) => r.speed / r.pipeline.speed < SPEED_TARGET);
const heavy = measured.filter((r) => r.captureRatio > 1.25);
const SUMMARY = [
  `**Targets in this run.** Generation with the app's capture plan (every capture for the small models, lean for the big ones) at ≥ ${SPEED_TARGET.toFixed(1)}× transformers.js ${library}'s pipeline: met on ${compared.length - slow.length} of ${compared.length} rows${slow.length ? ` (not on: ${list(slow)})` : ''}.`,
  `The engine alone (the same generation in the worker, the page not adding it to a Trace) at ≥ ${SPEED_TARGET.toFixed(1)}× the pipeline: met on ${compared.filter((r) => r.engineSpeed / r.pipeline.speed >= SPEED_TARGET).length} of ${compared.length} rows.`,
  `Capture ratio ≤ 1.25×: met on ${measured.length - heavy.length} of ${measured.length} rows${heavy.length ? ` (not on: ${list(heavy)})` : ''}.`,
  ...scaleRows.map(
    (r) =>
      `Opening a layer of ${r.label} (${r.precision}, ${backendOf(r)}) in under ${LAYER_TARGET_MS} ms: ${r.scale.layerOpenMs.every((t) => t < LAYER_TARGET_MS) ? 'met' : `not met (${r.scale.layerOpenMs.join(' / ')} ms)`}; its Trace after ${r.scale.memory.generated} more tokens within ${TRACE_BUDGET_MB} MB: ${r.scale.memory.traceBytes / 1e6 <= TRACE_BUDGET_MB ? 'met' : 'not met'} (${MB(r.scale.memory.traceBytes)}).`,
  ),
  ...appRows
    .filter((r) => r.requested === 'auto')
    .map(
      (r) =>
        `The first token on screen within ${FIRST_TOKEN_TARGET}× the pipeline's first token from page load, with "auto" (it picked ${r.backend}): ${pipelineFirst(r).ratio === null ? `not compared (the pipeline: ${pipelineFirst(r).cell})` : `${pipelineFirst(r).ratio <= FIRST_TOKEN_TARGET ? 'met' : 'not met'} (${ms(r.firstTokenMs)} against ${ms(r.pipelineFirstToken.ms)})`}.`,
    ),
  ...(measured.some((r) => r.pipeline?.error) ? [`The pipeline failed on: ${list(measured.filter((r) => r.pipeline?.error))}.`] : []),
  ...(crashes.length ? [`Chromium crashed while the app ran ${crashes.join('; ')}.`] : []),
  ...(engineRows.some((r) => r.skipped)
    ? [
        `Not measured: ${list(engineRows.filter((r) => r.skipped))} (${engineRows.find((r) => r.skipped).skipped}); on a hardware adapter they are measured like the others.`,
      ]
    : []),
].join(' ');

console.log(`\n${machine}\n\n${captureTable}\n\n${generationTable}\n\n${scaleTable}\n\n${appTable}\n`);
if (partial) process.exit(0);
writeFileSync(
  resolve(ROOT, 'docs/benchmarks.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine,
      adapter: gpu,
      libraries: { '@huggingface/transformers': library, '@xenova/transformers': legacyLibrary },
      engine: engineRows,
      app: appRows,
    },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  resolve(ROOT, 'docs/benchmarks.md'),
  `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (raw figures in \`benchmarks.json\`), on
${machine}. Every figure in a table was measured in the same run.${partial || !(chosenModels || option('backends') || chosenPrecisions) ? '' : ` This run was a part: \`npm run bench -- ${process.argv.slice(2).join(' ')}\`${backends.length < 2 ? `, ${backends.join(' and ')} only` : ''}.`}

In headless Chromium here WebGPU runs on SwiftShader, a CPU emulation of a GPU: its figures say how the engine
behaves on that adapter, nothing about a real GPU.

## The engine, model by model

Medians of ${MODELS[0].forwards} forward passes (3 for the big models) and ${MODELS[0].generations} generations (1 for the 124M
model, 2 for the 0.5B model), with the chart paused; the big models on WebGPU only on a hardware adapter. Each row runs one file (precision) on
one backend, the same file on both sides of a comparison: fp32 is the folder's \`onnx/decoder_model_merged.onnx\`
(the KV-cache graph the app exports); q8 is \`onnx/model_quantized.onnx\` (onnxruntime's \`quantize_dynamic\`, uint8
weights, \`MatMulInteger\`) and q4 \`onnx/model_q4.onnx\` (\`MatMulNBits\`, 4-bit blocks of 32, lm_head included), made
as transformers.js' conversion makes them (\`tools/model/bench_qwen.py\`).

### What capturing costs

"All captures" is the graph with every capture point added to its outputs, the graph the app runs; "no captures"
is the same graph as exported.

${captureTable}

Reading the ratios: a tiny model's forward pass takes about 10 ms, so the fixed cost of each captured tensor
(onnxruntime copies each of the 65–80 outputs out of its heap, the worker cuts it into rows and hands it to the
page) weighs far more than on the big models, where the same captures are lost in the matrix products. The
tiny models' forward times are also noisy at this scale (a garbage collection is a few milliseconds).

### Generation: the app next to transformers.js

Tokens per second of a ${GENERATE_TOKENS}-token generation from "${PROMPT}", sampling (temperature 0.8, top-k 40,
top-p 0.95) on both sides. The app's figure is its own \`run.generate\`: it includes sampling, the transfer of
every captured tensor to the page and the page's updates. The baselines are transformers.js' own
\`text-generation\` pipeline on the same file, with no capture and no page to update, each on its own
onnxruntime-web: \`@huggingface/transformers\` ${library} (onnxruntime-web 1.31 dev, WASM or WebGPU, \`dtype\` and
\`device\` as the row says) and \`@xenova/transformers\` ${legacyLibrary} (onnxruntime-web 1.14, WASM only; it cannot
read the q4 file's \`MatMulNBits\` nor the Qwen tokenizer's merges, so it runs only the fp32 rows). Every library
and file is served by the local server; nothing is fetched from the internet. A ratio under ${SPEED_TARGET.toFixed(1)}× is marked ✗.
"The engine alone" is the same generation in the app's worker, with every capture computed, cut into rows and
posted to the page, but with the page only counting the messages instead of adding them to the Trace and updating
its views: the difference between it and the app's figure is the page's own work per token, which on this
2-core machine competes with the worker for the CPU.

These figures come from a machine whose 2 cores were shared with other work during the run: the same row can
differ by a third between two runs, and the ratios (both sides measured minutes apart) are the steadier figures.

${generationTable}

${SUMMARY}

### Capture on demand (large models)

A model whose full capture would exceed 512 KB per position runs the lean capture plan (\`src/engine/capturePlan.ts\`):
as it generates, the page keeps the residual stream at every layer boundary, the embeddings, the final norm, the
logits of the newest 32 positions and every tensor of the layer open in the views; the worker fetches only those
outputs from the one capturing session. Anything else is recomputed in the worker when a view opens it (the tests
check it equals a full capture within 1e-5): the tensors of one or two layers by those layers alone, cut out of the
capturing graph and fed the residual stream the run kept (\`src/engine/probe/segment.ts\`; the worker keeps the
last three layers it cut); anything else by the whole graph from the same ids, with no cache. "Open a layer" is
the time from picking the layer in the attention view until its heatmap is drawn, the recompute of that layer for
every position included (cutting the layer and opening its session the first time: each layer is opened once). The Trace's size counts each buffer the worker sent once; "the page and its workers" is
\`performance.measureUserAgentSpecificMemory()\`, onnxruntime's wasm heap (the weights) included.

${scaleTable}

## The app, with the embedded model

"First token on screen" is the first visit with an empty cache: from navigation start until the first generated
token's chip is in the page (it includes fetching the app, onnxruntime's wasm and the 11 MB model from the local
server, compiling the wasm, creating the session, and the first run of the example prompt). Memory is
\`performance.measureUserAgentSpecificMemory()\` after a garbage collection: the page and its workers, onnxruntime's
wasm heap included; GPU buffers are not reported by the browser. The pipeline's first token is timed the same way on
its own page, in a fresh context just before the app's: transformers.js ${library}, its onnxruntime-web and the same
embedded model (\`onnx/decoder_model_merged.onnx\`, fp32) fetched from the local server, the pipeline made, and
the same prompt run until its first new token is written into the page. "500 tokens" is ten runs of 50 after the first
(each run replaces the Trace of the one before, so the two figures hold a Trace of the same size).

${appTable}
`,
);
