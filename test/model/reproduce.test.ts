// The downloaded Python check (src/export/reproduce.ts): for runs recorded as the page records them (plain, a head
// and an MLP off, a head replaced by its mean, teacher-forced, patched), the script recomputes each with
// transformers on the weights of the ONNX file the app ran and must print that every captured tensor and sampled
// token agrees; a trace with one number changed must make it say where it disagrees, and exit 1. CI has no Python:
// these run where `.venv` exists (README: model tools).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportTrace, type Trace } from '../../src/engine/trace';
import { pythonScript, type ModelFiles } from '../../src/export/reproduce';
import { patchFor, patchHooks } from '../../src/engine/patching';
import { loadLocalFolder } from '../../src/engine/models/folder';
import { probe } from '../../src/engine/probe';
import { ModelSession } from '../../src/engine/runtime';
import { Generator } from '../../src/engine/generate';
import { Tokenizer } from '../../src/engine/tokenizer';
import { dtypeOfFile } from '../../src/engine/models/precision';
import { loadEngine, recordTrace } from './helpers';
import { fixtureDir, openModelFiles, OPEN_TOKENIZERS, type OpenModel } from './openModels';

const ROOT = resolve(__dirname, '../..');
const PYTHON = resolve(ROOT, '.venv/bin/python');
const hasPython = existsSync(PYTHON);
const settings = { temperature: 0.9, topK: 40, topP: 0.95, minNewTokens: 2 };

type Engine = Awaited<ReturnType<typeof loadEngine>>;

/** Writes the trace and its script to a folder of their own and runs the script; returns what it printed. */
type TraceDocument = {
  seed: number;
  captures: Record<string, { data: (number | null)[]; shape: number[] }>;
  steps: { position: number; decision: { chosenId: number; draw: number | null } }[];
  tokens: { id: number }[];
};

function check(trace: Trace, files: ModelFiles, modelDir: string, change?: (document: TraceDocument) => void) {
  const folder = mkdtempSync(join(tmpdir(), 'flow-check-'));
  const document = JSON.parse(exportTrace(trace));
  change?.(document);
  writeFileSync(join(folder, 'trace.json'), JSON.stringify(document));
  writeFileSync(join(folder, 'check.py'), pythonScript(trace, 'trace.json', files, 'en', 'check.py'));
  const ran = spawnSync(PYTHON, ['check.py', '--model-dir', modelDir], { cwd: folder, encoding: 'utf8', timeout: 300_000 });
  return { status: ran.status, output: `${ran.stdout}\n${ran.stderr}` };
}

function agrees(result: { status: number | null; output: string }, tensors: number, steps: number) {
  expect(result.output).toContain(`AGREES: ${tensors} of ${tensors} captured tensors compared`);
  expect(result.output).toContain(`${steps} of ${steps} picked as the app picked them`);
  expect(result.status, result.output).toBe(0);
}

function disagrees(result: { status: number | null; output: string }, ...said: string[]) {
  for (const text of said) expect(result.output).toContain(text);
  expect(result.output).toContain('DISAGREES');
  expect(result.status).toBe(1);
}

describe.skipIf(!hasPython).each(['flow-gpt2-tiny', 'flow-llama-tiny'])('%s: the exported Python check', (name) => {
  const files: ModelFiles = { name, url: null, graphFiles: ['onnx/decoder_model_merged.onnx'], dtype: null, rounding: 'float32' };
  const modelDir = resolve(ROOT, 'public/models', name);
  let engine: Engine;
  const record = async (run: Partial<Parameters<typeof recordTrace>[1]> = {}) => {
    engine ??= await loadEngine(name);
    return (await recordTrace(engine, { modelName: name, prompt: 'Once upon a time', settings, seed: 7, maxNewTokens: 6, ...run })).trace;
  };

  it('a plain sampled run: every tensor and token agrees; a changed number, a NaN, a changed token, draw or seed are each found', async () => {
    const trace = await record();
    agrees(check(trace, files, modelDir), trace.points.length, trace.steps.length);
    disagrees(
      check(trace, files, modelDir, (document) => {
        const data = document.captures['blocks.2.hook_resid_mid']!.data;
        data[5] = (data[5] as number) + 0.5;
      }),
      'blocks.2.hook_resid_mid: differs by up to',
      'DISAGREES: 1 tensors',
    );
    // A NaN is written as null: inside a row (not a whole position the run did not keep) it is a fault.
    disagrees(
      check(trace, files, modelDir, (document) => {
        document.captures['blocks.1.attn.hook_z']!.data[3] = null;
      }),
      'blocks.1.attn.hook_z: 1 values are NaN or infinite',
    );
    // The step's token, its draw, the seed: each is checked.
    disagrees(
      check(trace, files, modelDir, (document) => {
        const step = document.steps[1]!;
        step.decision.chosenId = (step.decision.chosenId + 1) % 100;
      }),
      'sampling the trace’s own logits picks token',
    );
    disagrees(
      check(trace, files, modelDir, (document) => {
        document.steps[2]!.decision.draw = 0.5;
      }),
      'random draw',
    );
    disagrees(
      check(trace, files, modelDir, (document) => {
        document.seed += 1;
      }),
      'random draw',
    );
    // A whole position the run did not keep (a lean run's row) is skipped, and said.
    const lean = check(trace, files, modelDir, (document) => {
      const capture = document.captures['blocks.3.mlp.hook_post']!;
      const width = capture.shape[1]!;
      for (let i = 0; i < width; i++) capture.data[2 * width + i] = null;
    });
    expect(lean.output).toContain('and 1 rows of the others');
    expect(lean.status).toBe(0);
  }, 600_000);

  it('heads and an MLP switched off (one head by its mean), and a teacher-forced run', async () => {
    const plain = await record();
    const mean = Array.from({ length: engine.config.dHead }, (_, i) => Math.sin(i) / 4);
    const intervention = { heads: ['0.1', '2.3'], mlps: [1], means: { '2.3': mean } };
    const off = await record({ intervention });
    agrees(check(off, files, modelDir), off.points.length, off.steps.length);
    const forced = await record({ intervention, forced: plain.tokens.slice(plain.promptLength).map((token) => token.id) });
    expect(forced.feeding).toBe('teacher-forced');
    agrees(check(forced, files, modelDir), forced.points.length, forced.steps.length);
  }, 600_000);

  it('a patched run (a residual-stream cell and a head cell)', async () => {
    engine ??= await loadEngine(name);
    const clean = engine.tokenizer.encode('Lily was happy because');
    const corrupted = engine.tokenizer.encode('Tom was happy because');
    expect(corrupted.length).toBe(clean.length);
    const lists = patchHooks(engine.config.nLayer);
    const cleanRun = await engine.generator.capture(clean, lists.clean, null);
    const corruptedRun = await engine.generator.capture(corrupted, lists.corrupted, null);
    for (const cell of [
      { grid: 'resid', layer: 2, index: 0 },
      { grid: 'head', layer: 1, index: 2 },
    ] as const) {
      const made = patchFor(cell, { clean, corrupted }, cleanRun, corruptedRun, engine.config)!;
      // (Neither cell changes the tokens: the patched run reads the corrupted prompt.)
      expect(made.ids).toEqual(corrupted);
      const trace = await record({
        prompt: 'Tom was happy because',
        settings: { temperature: 0, topK: 0, topP: 1, minNewTokens: 0 },
        maxNewTokens: 1,
        intervention: made.intervention,
      });
      expect(trace.intervention?.patch?.cell).toEqual(cell);
      agrees(check(trace, files, modelDir), trace.points.length, 1);
    }
  }, 600_000);
});

/** The open-model fixtures as transformers.js-ready repositories ship them: float32 (GPT-2; Llama 3 and Qwen2 with
 * the weights under exporter names, `onnx::MatMul_…`; Qwen2 with an untied lm_head; Qwen3 with QK-norm), and
 * Qwen3 in fp16, q8 and q4. */
const OPEN_CASES: [OpenModel, string][] = [
  ['gpt2-tiny', 'onnx/model.onnx'],
  ['llama3-tiny', 'onnx/model.onnx'],
  ['qwen2-tiny', 'onnx/model.onnx'],
  ['qwen2-untied-tiny', 'onnx/model.onnx'],
  ['qwen2-untied-tiny', 'onnx/model_q4f16.onnx'],
  ['qwen3-tiny', 'onnx/model.onnx'],
  ['qwen3-tiny', 'onnx/model_fp16.onnx'],
  ['qwen3-tiny', 'onnx/model_quantized.onnx'],
  ['qwen3-tiny', 'onnx/model_q4.onnx'],
];

describe.skipIf(!hasPython).each(OPEN_CASES)('%s %s: the exported Python check', (model, graph) => {
  it('a sampled run with a head off agrees within its precision’s tolerance', async () => {
    const folder = await loadLocalFolder(openModelFiles(model, graph), model);
    const probed = probe(folder.graph.bytes, folder.graph.file, folder.config, folder.graph.externalData);
    const session = await ModelSession.create(probed.bytes, 'wasm', 'forced', folder.graph.externalData);
    const tokenizer = new Tokenizer(JSON.parse(readFileSync(OPEN_TOKENIZERS[model], 'utf8')), {});
    const engine = { config: folder.config, probed, tokenizer, generator: new Generator({ session, probed }, null, folder.config) };
    const trace = (
      await recordTrace(engine, {
        modelName: model,
        prompt: 'The cat sat on',
        settings,
        seed: 3,
        maxNewTokens: 4,
        intervention: { heads: ['1.0'], mlps: [] },
      })
    ).trace;
    const dtype = dtypeOfFile(graph);
    const result = check(trace, { name: model, url: null, graphFiles: [graph], dtype, rounding: probed.rounding }, fixtureDir(model));
    expect(result.output).toContain(`AGREES: ${trace.points.length} of ${trace.points.length} captured tensors compared`);
    expect(result.status, result.output).toBe(0);
    // Where the graph computes in float32 (fp32, q4), every token is the app's; where it rounds, a token may be put
    // on its neighbour by float32 logits only where the app's own sampling checked out.
    if (dtype === null || dtype === 'fp32' || dtype === 'q4')
      expect(result.output).toContain(`${trace.steps.length} of ${trace.steps.length} picked as the app picked them`);
    console.log(`${model} ${graph}: ${result.output.split('\n').find((line) => line.startsWith('AGREES'))}`);
  }, 600_000);
});
