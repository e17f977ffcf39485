#!/usr/bin/env node
// `npm run bench`: speed figures of the embedded model in headless Chromium, on WebGPU and on WASM, measured
// side by side in one run. Prints a table and writes docs/benchmarks.md. Not a test: figures depend on the machine.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../test/browser/server.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const FORWARD_TOKENS = 64;
const GENERATE_TOKENS = 64;
const REPEATS = 5;

if (!existsSync(resolve(ROOT, 'dist/index.html')) || process.argv.includes('--build')) {
  spawnSync('npx', ['vite', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(browser, base, backend) {
  const page = await browser.newPage();
  await page.goto(`${base}?debug=1&lang=en&backend=${backend}`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-runs')) >= 1, null, { timeout: 120_000 });
  const figures = await page.evaluate(async ({ forwardTokens, generateTokens, repeats }) => {
    const run = window.__flow.run;
    const gpu = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    const adapter = gpu?.info ? `${gpu.info.vendor} ${gpu.info.architecture} ${gpu.info.description}`.trim() : '';
    const { ids } = await run.client.call({ type: 'tokenize', text: 'Once upon a time, Lily went to the park with her friend Tom. They played with a red ball until it was time to go home. '.repeat(4) });
    const forward = [];
    for (let i = 0; i < repeats; i++) forward.push(await run.client.call({ type: 'recompute', ids: ids.slice(0, forwardTokens) }));
    const settings = { temperature: 0.8, topK: 40, topP: 0.95, seed: 1, maxNewTokens: generateTokens };
    const speeds = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await run.generate('Once upon a time', settings);
      const seconds = (performance.now() - started) / 1000;
      speeds.push(run.trace.steps.length / seconds);
    }
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
    await run.generate('Once upon a time', settings);
    await new Promise((resolve) => setTimeout(resolve, 500));
    animating = false;
    observer.disconnect();
    intervals.sort((a, b) => a - b);
    return {
      fps: 1000 / (intervals.reduce((a, b) => a + b, 0) / intervals.length),
      slowFrame: intervals[Math.floor(intervals.length * 0.95)],
      longestTask: Math.max(0, ...longTasks),
      backend: run.model.choice.backend,
      loadMs: run.model.loadMs,
      captureMs: forward.map((f) => f.captureMs),
      plainMs: forward.map((f) => f.plainMs),
      tokensPerSecond: speeds,
      adapter,
    };
  }, { forwardTokens: FORWARD_TOKENS, generateTokens: GENERATE_TOKENS, repeats: REPEATS });
  await page.close();
  const capture = median(figures.captureMs);
  const plain = median(figures.plainMs);
  return { ...figures, capture, plain, ratio: capture / plain, speed: median(figures.tokensPerSecond) };
}

const server = await startServer();
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const version = browser.version();
const rows = [];
try {
  for (const backend of ['webgpu', 'wasm']) rows.push(await measure(browser, base, backend));
} finally {
  await browser.close();
  server.close();
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Chromium ${version} headless`;
const table = [
  `| backend | model load | forward ${FORWARD_TOKENS} tokens, all captures | same, no captures | capture ratio | generation (${GENERATE_TOKENS} tokens, with capture) | chart playing during generation | longest main-thread task |`,
  '|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.backend}${r.backend === 'webgpu' && r.adapter ? ` (${r.adapter})` : ''} | ${r.loadMs.toFixed(0)} ms | ${r.capture.toFixed(1)} ms | ${r.plain.toFixed(1)} ms | ${r.ratio.toFixed(2)}× | ${r.speed.toFixed(1)} tokens/s | ${r.fps.toFixed(0)} fps (95th-percentile frame ${r.slowFrame.toFixed(0)} ms) | ${r.longestTask.toFixed(0)} ms |`),
].join('\n');
console.log(`\nflow-gpt2-tiny on ${machine} (medians of ${REPEATS} forward passes and 3 generations)\n\n${table}\n`);
writeFileSync(resolve(ROOT, 'docs/benchmarks.md'), `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: the embedded model \`flow-gpt2-tiny\` in
${machine}. Medians of ${REPEATS} forward passes and 3 generations; both backends measured in the same run.
"All captures" is the graph with every capture point as an output (what the app runs); "no captures" is the
plain \`onnx/model.onnx\`. Generation includes sampling, the transfer of every captured tensor to the page and
the page's updates. In headless Chromium here, WebGPU runs on SwiftShader (a CPU emulation of a GPU), so its
figures say nothing about a real GPU.

${table}
`);
