#!/usr/bin/env node
// `npm run bench`: speed and memory figures in headless Chromium, on WebGPU and on WASM, measured side by side in
// one run. Prints tables and writes docs/benchmarks.md and docs/benchmarks.json. Not a test: figures depend on the
// machine.
//
// For each model (the two embedded ones, and GPT-2 small's shapes with random weights from
// `npm run model:bench-export` when models-bench/ has it) and each backend: model load; one forward pass of 64
// tokens with every capture output and without any (the same graph, the ratio); tokens per second of a 64-token
// generation in the app with capture, next to @xenova/transformers' own text-generation pipeline on the same
// folder with no capture (WASM: transformers.js 2.x has no WebGPU). For the app with the embedded model: time from
// page load to the first generated token on screen, the frame rate and longest main-thread task while the flow
// chart plays during generation, and memory after 1, 50 and 500 generated tokens.
//
//   npm run bench                      everything
//   npm run bench -- --models=flow-gpt2-tiny --backends=wasm   a part (the Markdown is not rewritten then)
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../test/browser/server.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
  // performance.measureUserAgentSpecificMemory() answers at once instead of at the next (randomly delayed) GC.
  '--enable-blink-features=ForceEagerMeasureMemory', '--js-flags=--expose-gc',
];
const FORWARD_TOKENS = 64;
const GENERATE_TOKENS = 64;
const PROMPT = 'Once upon a time';
const LONG_TEXT = 'Once upon a time, Lily went to the park with her friend Tom. They played with a red ball until it was time to go home. '.repeat(4);

const MODELS = [
  { name: 'flow-gpt2-tiny', url: '/models/flow-gpt2-tiny', root: '/models/', forwards: 9, generations: 3 },
  { name: 'flow-llama-tiny', url: '/models/flow-llama-tiny', root: '/models/', forwards: 9, generations: 3 },
  // SwiftShader (headless Chromium's WebGPU here) needs minutes for a 124M forward pass: fewer repeats and tokens there.
  { name: 'gpt2-small-random', label: 'GPT-2 small shapes, random weights (124M)', url: '/bench-models/gpt2-small-random', root: '/bench-models/', forwards: 3, generations: 1, big: true, webgpu: { forwards: 1, tokens: 8 } },
];
const option = (name) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1]?.split(',');
const chosenModels = option('models');
const backends = option('backends') ?? ['webgpu', 'wasm'];
const partial = Boolean(chosenModels || option('backends'));

if (!existsSync(resolve(ROOT, 'dist/index.html')) || process.argv.includes('--build')) {
  spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
const benchModel = resolve(ROOT, 'models-bench/gpt2-small-random');
if (!existsSync(resolve(benchModel, 'tokenizer.json')) && (!chosenModels || chosenModels.includes('gpt2-small-random'))) {
  console.log('models-bench/gpt2-small-random is missing: exporting it (npm run model:bench-export)…');
  spawnSync('npm', ['run', 'model:bench-export'], { cwd: ROOT, stdio: 'inherit' });
}
const models = MODELS.filter((m) => (chosenModels ? chosenModels.includes(m.name) : true))
  .filter((m) => !m.big || existsSync(resolve(benchModel, 'tokenizer.json')));

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const waitForRuns = (page, count, timeout) =>
  page.waitForFunction((n) => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-runs')) >= n, count, { timeout });

/** The engine in the app: load, forward with and without captures, generation with capture. */
async function measureEngine(browser, base, model, backend) {
  const limits = { forwards: model.forwards, tokens: GENERATE_TOKENS, ...(backend === 'webgpu' ? model.webgpu : {}) };
  const page = await browser.newPage();
  const query = new URLSearchParams({ debug: '1', lang: 'en', backend, model: model.url, max: '1' });
  await page.goto(`${base}?${query}`);
  await waitForRuns(page, 1, model.big ? 900_000 : 120_000);
  const figures = await page.evaluate(async ({ forwardTokens, generateTokens, forwards, generations, prompt, longText }) => {
    const run = window.__flow.run;
    // The chart would otherwise replay the first run meanwhile and share the CPU with the engine.
    window.__flow.player.pause();
    const { ids } = await run.client.call({ type: 'tokenize', text: longText });
    const forward = [];
    for (let i = 0; i < forwards; i++) forward.push(await run.client.call({ type: 'recompute', ids: ids.slice(0, forwardTokens) }));
    const settings = { temperature: 0.8, topK: 40, topP: 0.95, seed: 1, maxNewTokens: generateTokens };
    const speeds = [];
    for (let i = 0; i < generations; i++) {
      const started = performance.now();
      await run.generate(prompt, settings);
      speeds.push(run.trace.steps.length / ((performance.now() - started) / 1000));
    }
    return {
      backend: run.model.choice.backend, loadMs: run.model.loadMs,
      captureMs: forward.map((f) => f.captureMs), plainMs: forward.map((f) => f.plainMs), tokensPerSecond: speeds,
    };
  }, { forwardTokens: FORWARD_TOKENS, generateTokens: limits.tokens, forwards: limits.forwards, generations: model.generations, prompt: PROMPT, longText: LONG_TEXT });
  await page.close();
  const capture = median(figures.captureMs);
  const plain = median(figures.plainMs);
  return { ...figures, capture, plain, captureRatio: capture / plain, speed: median(figures.tokensPerSecond), tokens: limits.tokens };
}

/** @xenova/transformers' text-generation pipeline on the same folder, no capture (tools/bench/baseline.mjs). */
async function measureBaseline(browser, base, model) {
  const page = await browser.newPage();
  await page.goto(`${base}bench/baseline.html`);
  await page.waitForFunction(() => window.baselineReady === true);
  const result = await page.evaluate((args) => window.measureBaseline(args), {
    modelRoot: model.root, model: model.name, prompt: PROMPT, tokens: GENERATE_TOKENS, repeats: model.generations,
  });
  await page.close();
  return { loadMs: result.loadMs, speed: median(result.speeds), speeds: result.speeds };
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
  const figures = await page.evaluate(async ({ prompt }) => {
    const run = window.__flow.run;
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
      backend: run.model.choice.backend,
      memory: { afterOne, afterFifty, afterFiveHundred, generated },
      fps: 1000 / (intervals.reduce((a, b) => a + b, 0) / intervals.length),
      slowFrame: intervals[Math.floor(intervals.length * 0.95)],
      longestTask: Math.max(0, ...longTasks),
      longTasks: longTasks.length,
    };
  }, { prompt: PROMPT });
  const adapter = await page.evaluate(async () => {
    const gpu = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    return gpu?.info ? `${gpu.info.vendor} ${gpu.info.architecture} ${gpu.info.description}`.trim() : '';
  });
  await context.close();
  return { ...figures, firstTokenMs, adapter };
}

const server = await startServer(0, {
  '/bench/': resolve(ROOT, 'tools/bench'),
  '/bench-lib/': resolve(ROOT, 'node_modules/@xenova/transformers/dist'),
  '/bench-models/': resolve(ROOT, 'models-bench'),
});
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const version = browser.version();
const engineRows = [];
const appRows = [];
try {
  for (const model of models) {
    const baseline = await measureBaseline(browser, base, model);
    console.log(`${model.name} baseline (transformers.js, wasm): ${baseline.speed.toFixed(1)} tokens/s`);
    for (const backend of backends) {
      const engine = await measureEngine(browser, base, model, backend);
      const row = { model: model.name, label: model.label ?? model.name, requested: backend, ...engine, baseline: engine.backend === 'wasm' ? baseline : null };
      engineRows.push(row);
      console.log(`${model.name} ${engine.backend}: capture ratio ${engine.captureRatio.toFixed(2)}×, ${engine.speed.toFixed(1)} tokens/s`);
    }
  }
  if (!chosenModels || chosenModels.includes('flow-gpt2-tiny')) {
    for (const backend of backends) appRows.push(await measureApp(browser, base, backend));
  }
} finally {
  await browser.close();
  server.close();
}

const MB = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const ms = (value) => `${value.toFixed(value < 100 ? 1 : 0)} ms`;
const backendName = (row) => `${row.backend}${row.adapter ? ` (${row.adapter})` : ''}`;
const adapter = appRows.find((row) => row.adapter)?.adapter ?? '';
const machine = `${cpus().length} × ${cpus()[0]?.model?.trim() ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Chromium ${version} headless${adapter ? `, WebGPU adapter: ${adapter}` : ''}`;

const engineTable = [
  `| model | backend | load | forward ${FORWARD_TOKENS} tokens, all captures | same graph, no captures | capture ratio (target ≤ 1.25×) | generation with capture | transformers.js pipeline, no capture | generation ratio (target ≥ 0.8×) |`,
  '|---|---|---|---|---|---|---|---|---|',
  ...engineRows.map((r) => `| ${r.label} | ${r.backend} | ${ms(r.loadMs)} | ${ms(r.capture)} | ${ms(r.plain)} | ${r.captureRatio.toFixed(2)}× | ${r.speed.toFixed(1)} tokens/s${r.tokens !== GENERATE_TOKENS ? ` (${r.tokens} tokens)` : ''} | ${r.baseline ? `${r.baseline.speed.toFixed(1)} tokens/s` : '— (2.x has no WebGPU)'} | ${r.baseline ? `${(r.speed / r.baseline.speed).toFixed(2)}×` : '—'} |`),
].join('\n');
const appTable = [
  '| backend | first token on screen after page load (target ≤ 1.5 s on WASM) | chart playing during generation | longest main-thread task (target ≤ 50 ms) | memory after 1 / 50 / 500 generated tokens | 500 vs 50 (target ≤ +10 %) |',
  '|---|---|---|---|---|---|',
  ...appRows.map((r) => `| ${r.backend} | ${ms(r.firstTokenMs)} | ${r.fps.toFixed(0)} fps (95th-percentile frame ${r.slowFrame.toFixed(0)} ms) | ${r.longTasks === 0 ? 'none over 50 ms' : `${ms(r.longestTask)} (${r.longTasks} tasks over 50 ms)`} | ${MB(r.memory.afterOne)} / ${MB(r.memory.afterFifty)} / ${MB(r.memory.afterFiveHundred)} | ${(100 * (r.memory.afterFiveHundred / r.memory.afterFifty - 1)).toFixed(1)} % |`),
].join('\n');

console.log(`\n${machine}\n\n${engineTable}\n\n${appTable}\n`);
if (partial) process.exit(0);
writeFileSync(resolve(ROOT, 'docs/benchmarks.json'), JSON.stringify({ date: new Date().toISOString(), machine, engine: engineRows, app: appRows }, null, 2) + '\n');
writeFileSync(resolve(ROOT, 'docs/benchmarks.md'), `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (raw figures in \`benchmarks.json\`), on
${machine}. Every figure in a table was measured in the same run.

In headless Chromium here WebGPU runs on SwiftShader, a CPU emulation of a GPU: its figures say how the engine
behaves on that adapter, nothing about a real GPU.

## The engine, model by model

Medians of ${MODELS[0].forwards} forward passes (3 for the 124M model, 1 on WebGPU) and ${MODELS[0].generations} generations
(1 for the 124M model, of 8 tokens on WebGPU), with the chart paused. "All captures" is the graph with every capture point added to its outputs, the graph the app
runs; "no captures" is the same graph as exported. Generation is the app's own (\`run.generate\`): it includes
sampling, the transfer of every captured tensor to the page and the page's updates. The baseline is
\`@xenova/transformers\`' \`text-generation\` pipeline on the same model folder with sampling, with no capture and
no page to update, on its own onnxruntime-web (1.14, WASM only).

${engineTable}

Reading the ratios: a tiny model's forward pass takes about 10 ms, so the fixed cost of each captured tensor
(onnxruntime copies each of the 65–80 outputs out of its heap, the worker cuts it into rows and hands it to the
page) weighs far more than on the 124M model, where the same captures are lost in the matrix products. The
tiny models' forward times are also noisy at this scale (a garbage collection is a few milliseconds).

## The app, with the embedded model

"First token on screen" is the first visit with an empty cache: from navigation start until the first generated
token's chip is in the page (it includes fetching the app, onnxruntime's wasm and the 11 MB model from the local
server, compiling the wasm, creating the session, and the first run of the example prompt). Memory is
\`performance.measureUserAgentSpecificMemory()\` after a garbage collection: the page and its workers, onnxruntime's
wasm heap included; GPU buffers are not reported by the browser. "500 tokens" is ten runs of 50 after the first
(each run replaces the Trace of the one before, so the two figures hold a Trace of the same size).

${appTable}
`);
