// The lesson's pure half: questions built from synthetic Traces of every architecture (answers planted in the
// tensors), the texts each architecture is shown, both languages, the stored progress and the chapter link.
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/engine/models/config';
import type { LensParameters } from '../../src/engine/lens';
import { logitLens } from '../../src/engine/lens';
import { sample } from '../../src/engine/sampling';
import { SeededRandom } from '../../src/engine/random';
import type { Trace, TraceStep } from '../../src/engine/trace';
import { coarseLayers, layersLeftOut, layersToRefine, mergePatchResults, type PatchResult } from '../../src/engine/patching';
import { ARCHITECTURES, traitsOf } from '../../src/engine/models/architecture';
import { flowChartFor } from '../../src/flow/chart';
import { buildTimeline } from '../../src/flow/timeline';
import { CHAPTERS, CHAPTER_IDS, chapterById, nextChapter } from '../../src/lesson/chapters';
import {
  buildQuestion,
  cacheHooks,
  headWeights,
  frameFor,
  lensStages,
  pickOptions,
  type Question,
  type Ref,
  type Sentence,
} from '../../src/lesson/questions';
import { chapterIntro } from '../../src/lesson/texts';
import { chapterState, loadProgress, PROGRESS_KEY, recordAnswer, resumeChapter } from '../../src/lesson/progress';
import { lessonEn } from '../../src/i18n/lesson.en';
import { lessonZhCN } from '../../src/i18n/lesson.zh-CN';
import { readUrlState } from '../../src/app/urlState';

const catalogs = { en: lessonEn as Record<string, string>, 'zh-CN': lessonZhCN as Record<string, string> };

function configFor(architecture: ModelConfig['architecture'], nKvHead: number): ModelConfig {
  const rope = traitsOf({ architecture }).position === 'rope';
  return {
    architecture,
    nLayer: 2,
    nHead: 4,
    nKvHead,
    dModel: 8,
    dHead: 2,
    dMlp: rope ? 22 : 32,
    nCtx: 64,
    vocabSize: 16,
    eosTokenId: null,
    stopTokenIds: [],
    layerNormEpsilon: 1e-5,
    ropeTheta: rope ? 10000 : null,
    ropeScaling: null,
    tieWordEmbeddings: true,
  };
}

const PROMPT_IDS = [3, 5, 7, 5, 9, 11];
const CLEAR = { layer: 1, head: 2, key: 2 };

/** A Trace with the shapes the engine records, filled with seeded numbers, and a few answers planted: head 3 of
 * layer 2 looks at position 2, layer 1's MLP writes the longest vector, the logits are the lens of the last layer.
 * Six prompt tokens (id 5 twice), two generated; seven positions computed. */
function syntheticTrace(config: ModelConfig): { trace: Trace; lens: LensParameters } {
  const random = new SeededRandom(7);
  const vector = (size: number, scale = 1) => Float32Array.from({ length: size }, () => (random.next() * 2 - 1) * scale);
  const rope = traitsOf(config).position === 'rope';
  const { nLayer, nHead, nKvHead, dModel, dHead, vocabSize } = config;
  const ids = [...PROMPT_IDS, 13, 2];
  const n = ids.length - 1;
  const embedding = vector(vocabSize * dModel);
  const lens: LensParameters = {
    norm: traitsOf(config).norm,
    lnWeight: new Float32Array(dModel).fill(1),
    lnBias: new Float32Array(dModel),
    epsilon: 1e-5,
    embedding,
    vocabSize,
    dModel,
  };
  const rows: Record<string, Float32Array[]> = {};
  const put = (hook: string, p: number, row: Float32Array) => ((rows[hook] ??= [])[p] = row);
  for (let p = 0; p < n; p++) {
    const embed = embedding.slice(ids[p]! * dModel, (ids[p]! + 1) * dModel);
    const position = vector(dModel, 0.5);
    put('hook_embed', p, embed);
    if (!rope) put('hook_pos_embed', p, position);
    const x = rope ? embed : embed.map((v, i) => v + position[i]!);
    put('blocks.0.hook_resid_pre', p, x);
    for (let l = 0; l < nLayer; l++) {
      // Layer 1's query is a function of the token alone (as W_Q·norm(x) is), RoPE's rotation one of the position.
      const q = Float32Array.from({ length: nHead * dHead }, (_, i) => x[i % dModel]! * 0.5);
      put(`blocks.${l}.attn.hook_q`, p, q);
      if (rope)
        put(
          `blocks.${l}.attn.hook_rot_q`,
          p,
          q.map((v, i) => v * Math.cos(p + i)),
        );
      put(`blocks.${l}.attn.hook_k`, p, vector(nKvHead * dHead));
      if (rope) put(`blocks.${l}.attn.hook_rot_k`, p, vector(nKvHead * dHead));
      put(`blocks.${l}.attn.hook_v`, p, vector(nKvHead * dHead));
      const scores = new Float32Array(nHead * (p + 1));
      const pattern = new Float32Array(nHead * (p + 1));
      for (let h = 0; h < nHead; h++) {
        for (let k = 0; k <= p; k++)
          scores[h * (p + 1) + k] = l === CLEAR.layer && h === CLEAR.head && p === 5 && k === CLEAR.key ? 20 : random.next() * 2;
        const row = scores.subarray(h * (p + 1), (h + 1) * (p + 1));
        const max = Math.max(...row);
        const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
        row.forEach((v, k) => (pattern[h * (p + 1) + k] = Math.exp(v - max) / sum));
      }
      put(`blocks.${l}.attn.hook_attn_scores`, p, scores);
      put(`blocks.${l}.attn.hook_pattern`, p, pattern);
      put(`blocks.${l}.hook_attn_out`, p, vector(dModel));
      const mlpOut = vector(dModel, l === 0 ? 10 : 1);
      const post = vector(dModel, 3);
      put(`blocks.${l}.hook_mlp_out`, p, mlpOut);
      put(`blocks.${l}.hook_resid_post`, p, post);
      // The stream the MLP added to, as in a real run: the layer's output minus the MLP's.
      put(
        `blocks.${l}.hook_resid_mid`,
        p,
        post.map((v, i) => v - mlpOut[i]!),
      );
    }
    put('logits', p, logitLens(rows[`blocks.${nLayer - 1}.hook_resid_post`]![p]!, lens));
  }
  const token = (id: number) => ({ id, piece: `t${id}`, bytes: [97], text: `t${id}`, character: null });
  const steps: TraceStep[] = [5, 6].map((position) => {
    const decision = sample(rows['logits']![position]!, { temperature: 0.8, topK: 40, topP: 0.95 }, () => 0.3);
    return { position, decision, token: token(decision.chosenId), candidateTokens: [] };
  });
  const trace: Trace = {
    runId: 1,
    intervention: null,
    feeding: 'sampled',
    recomputedHooks: [],
    modelName: 'synthetic',
    config,
    points: [],
    backend: 'wasm',
    fallbackReason: null,
    settings: { temperature: 0.8, topK: 40, topP: 0.95 },
    seed: 1,
    prompt: 'a b c',
    truncatedTokens: 0,
    promptLength: PROMPT_IDS.length,
    tokens: ids.map(token),
    rows,
    steps,
    stopReason: 'max-tokens',
  };
  return { trace, lens };
}

/** The recompute of a synthetic Trace: its own K and V rows, position-major, optionally with one value changed. */
function recomputeOf(trace: Trace, change = 0): Record<string, { data: Float32Array }> {
  const out: Record<string, { data: Float32Array }> = {};
  for (const hook of cacheHooks(trace)) {
    const rows = trace.rows[hook]!;
    const data = new Float32Array(rows.length * rows[0]!.length);
    rows.forEach((row, p) => data.set(row, p * row.length));
    out[hook] = { data };
  }
  if (change) out[cacheHooks(trace)[0]!]!.data[3]! += change;
  return out;
}

/** Words naming a component the model does not have, in either language (as test/unit/explanations.test.ts). */
function forbiddenFor(config: ModelConfig): RegExp[] {
  const traits = traitsOf(config);
  const patterns = [
    traits.norm === 'layernorm' ? /RMSNorm|RMS 归一化|root mean square|均方根/ : /LayerNorm|层归一化|\bLN\b/,
    traits.mlp === 'gelu' ? /SiLU|SwiGLU|\bgate\b|门控/ : /GELU/,
    traits.position === 'learned' ? /RoPE|rotary|rotat|旋转/i : /W_pos|position table|learned position|位置嵌入|位置向量|位置表/,
  ];
  if (config.nKvHead === config.nHead) patterns.push(/grouped-query|分组查询|key\/value head|键\/值头/i);
  return patterns;
}

const nested = (ref: Ref): Sentence[] =>
  ref.kind === 'text' ? [{ key: ref.key, params: ref.params ?? {} }, ...Object.values(ref.params ?? {}).flatMap(nested)] : [];
/** A sentence and every text it names through its parameters (a norm's name, an option). */
const withNested = (sentence: Sentence): Sentence[] => [sentence, ...Object.values(sentence.params).flatMap(nested)];

function sentencesOf(question: Question): Sentence[] {
  const sentences = [question.ask, ...question.reveal, ...question.why, ...(question.bars ? [question.bars.title] : [])].flatMap(
    withNested,
  );
  return [
    ...sentences,
    ...question.options.flatMap((option) => nested(option.ref)),
    ...(question.bars?.items.flatMap((bar) => nested(bar.ref)) ?? []),
  ];
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

/** The model beside a run of `config` in the architectures chapter: a run of the same tokens by the other family
 * (GPT-2 beside any RoPE model, a grouped-query Llama beside GPT-2), under another name. */
function besideOf(config: ModelConfig): Trace {
  const other = traitsOf(config).position === 'learned' ? configFor('llama', 2) : configFor('gpt2', 4);
  return { ...syntheticTrace(other).trace, modelName: 'beside' };
}

/** The config of the model a sentence of the architectures chapter names (`{model}`): each reveal describes one. */
function namedConfig(sentence: Sentence, config: ModelConfig): ModelConfig | null {
  const model = sentence.params['model'];
  if (model?.kind !== 'model') return null;
  return model.name === 'beside' ? besideOf(config).config : config;
}

const CONFIGS = ARCHITECTURES.flatMap((architecture) =>
  traitsOf({ architecture }).position === 'rope' ? [configFor(architecture, 4), configFor(architecture, 2)] : [configFor(architecture, 4)],
);

/** A patching sweep's result for `trace`'s prompt, one token changed at position 0, with the clean run 1 and the
 * corrupted run 0 (raw = share): the changed token's column holds the difference up to layer `moved`, the last
 * position's from it on (null: never). */
function patchOf(
  trace: Trace,
  moved: number | null,
): { result: PatchResult; differing: number[]; answers: { clean: number; corrupted: number } } {
  const { nLayer: layers, nHead: heads } = trace.config;
  const positions = trace.promptLength;
  const resid = new Float32Array(layers * positions);
  for (let layer = 0; layer < layers; layer++) {
    const there = moved !== null && layer >= moved;
    resid[layer * positions] = there ? 0.2 : 0.9;
    resid[layer * positions + positions - 1] = there ? 0.8 : 0.1;
  }
  return {
    result: {
      positions,
      layers,
      patchedLayers: Array.from({ length: layers }, (_, l) => l),
      heads,
      cleanDiff: 1,
      corruptedDiff: 0,
      resid,
      head: null,
      attn: null,
      mlp: null,
      passes: 0,
    },
    differing: [0],
    answers: { clean: 1, corrupted: 2 },
  };
}

/** `trace` with the induction chapter's shape: its last prompt token (position 5) repeats position 3's. */
function repeatedLast(trace: Trace): Trace {
  return { ...trace, tokens: trace.tokens.map((token, i) => (i === 5 ? { ...token, id: trace.tokens[3]!.id } : token)) };
}

/** Head-role scores for `config`'s shape: layer 2's head 3 the strongest induction head, layer 1's head 2 the strongest
 * previous-token head. */
function headRolesOf(config: ModelConfig) {
  const { nLayer: layers, nHead: heads } = config;
  const planted = (layer: number, head: number, value: number) => {
    const values = new Float32Array(layers * heads).fill(0.05);
    values[layer * heads + head] = value;
    return values;
  };
  return {
    layers,
    heads,
    half: 3,
    scores: { previous: planted(0, 1, 0.8), duplicate: new Float32Array(layers * heads), induction: planted(CLEAR.layer, CLEAR.head, 0.6) },
  };
}

describe('a coarse patching sweep', () => {
  it('takes about eight layers, evenly spread, the last one always; every layer of a small model', () => {
    expect(coarseLayers(24)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 23]);
    expect(coarseLayers(28)).toEqual([0, 4, 8, 12, 16, 20, 24, 27]);
    expect(coarseLayers(6)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  /** A coarse result over 24 layers, two positions: the second position's value jumps between layers 12 and 15. */
  const coarse = (): PatchResult => {
    const patchedLayers = coarseLayers(24);
    const resid = Float32Array.from(patchedLayers.flatMap((layer) => [layer < 15 ? 0.9 : 0.1, layer < 15 ? 0.1 : 0.8]));
    const mlp = Float32Array.from(patchedLayers, (layer) => layer / 100);
    const result = { positions: 2, layers: patchedLayers.length, patchedLayers, heads: 1, cleanDiff: 1, corruptedDiff: 0 };
    return { ...result, resid, head: null, attn: null, mlp, passes: 10 };
  };

  it('is refined where its picture steps most, and every layer left is the rest', () => {
    expect(layersToRefine(coarse(), 24)).toEqual([13, 14]);
    expect(layersLeftOut(coarse(), 24)).toEqual([1, 2, 4, 5, 7, 8, 10, 11, 13, 14, 16, 17, 19, 20, 22]);
    // With no step anywhere, the first gap.
    expect(layersToRefine({ ...coarse(), resid: new Float32Array(18) }, 24)).toEqual([1, 2]);
    expect(layersToRefine({ ...coarse(), patchedLayers: Array.from({ length: 24 }, (_, l) => l) }, 24)).toEqual([]);
  });

  it('merges a refinement by layer, keeping the rows it had', () => {
    const base = coarse();
    const added: PatchResult = {
      ...base,
      layers: 2,
      patchedLayers: [13, 14],
      resid: Float32Array.from([0.5, 0.4, 0.3, 0.6]),
      mlp: Float32Array.from([0.13, 0.14]),
      passes: 4,
    };
    const merged = mergePatchResults(base, added);
    expect(merged.patchedLayers).toEqual([0, 3, 6, 9, 12, 13, 14, 15, 18, 21, 23]);
    expect(merged.layers).toBe(11);
    expect(Array.from(merged.resid!.subarray(8, 16))).toEqual([0.9, 0.1, 0.5, 0.4, 0.3, 0.6, 0.1, 0.8].map(Math.fround));
    expect(Array.from(merged.mlp!)).toEqual([0, 3, 6, 9, 12, 13, 14, 15, 18, 21, 23].map((l) => Math.fround(l / 100)));
    expect(merged.head).toBeNull();
    expect(merged.passes).toBe(14);
    expect(() => mergePatchResults(base, { ...added, positions: 3 })).toThrow();
  });
});

describe('the patching question', () => {
  const { trace } = syntheticTrace(configFor('gpt2', 4));
  it('asks from which layer the last position holds half the answer; before it the changed token still held it', () => {
    const question = buildQuestion('patching.where', trace, { patch: patchOf(trace, 1) })!;
    expect(question.answer).toBe('l1');
    expect(question.reveal.map((s) => s.key)).toEqual(['lesson.patching.where.reveal', 'lesson.patching.where.before']);
    expect(question.bars!.items.map((bar) => Number(bar.value.toFixed(3)))).toEqual(
      Array.from({ length: trace.config.nLayer }, (_, l) => (l >= 1 ? 0.8 : 0.1)),
    );
  });
  it('answers “none” when even the last layer’s input at the last position holds too little, and says where it is', () => {
    const question = buildQuestion('patching.where', trace, { patch: patchOf(trace, null) })!;
    expect(question.answer).toBe('never');
    expect(question.reveal[0]!.key).toBe('lesson.patching.where.revealNever');
  });
  it('is not asked without a sweep, without a changed token, or when both runs give the answers the same difference', () => {
    expect(buildQuestion('patching.where', trace, {})).toBeNull();
    expect(buildQuestion('patching.where', trace, { patch: { ...patchOf(trace, 1), differing: [] } })).toBeNull();
    const flat = patchOf(trace, 1);
    expect(buildQuestion('patching.where', trace, { patch: { ...flat, result: { ...flat.result, corruptedDiff: 1 } } })).toBeNull();
  });
});

describe('lesson questions from a Trace', () => {
  for (const config of CONFIGS) {
    const name = `${config.architecture} (K/V heads ${config.nKvHead}/${config.nHead})`;
    it(`${name}: every chapter’s questions build, and nothing they or the intros say names a component the model lacks`, () => {
      const { trace: plain, lens } = syntheticTrace(config);
      const repeated = repeatedLast(plain);
      for (const chapter of CHAPTERS) {
        const trace = chapter.id === 'induction' ? repeated : plain;
        const sentences: Sentence[] = withNested(chapterIntro(chapter.id, config));
        for (const id of chapter.questions) {
          const question = buildQuestion(id, trace, {
            headRoles: headRolesOf(config),
            lensStages: lensStages(trace, lens),
            recomputed: recomputeOf(trace),
            cached: true,
            patch: patchOf(trace, 1),
            beside: besideOf(config),
          });
          expect(question, id).not.toBeNull();
          expect(question!.options.map((o) => o.key)).toContain(question!.answer);
          sentences.push(...sentencesOf(question!));
        }
        for (const sentence of sentences) {
          // The chapter about two architectures names both in its intro, questions and why; each of its reveals
          // describes one model, and must not name what that model lacks.
          const described = chapter.id === 'architectures' ? namedConfig(sentence, config) : config;
          const forbidden = described ? forbiddenFor(described) : [];
          for (const [locale, catalog] of Object.entries(catalogs)) {
            const text = catalog[sentence.key]!;
            expect(text, `${sentence.key} (${locale})`).toBeDefined();
            // Every placeholder gets a value from the question (none is left for the learner to see as {name}).
            for (const placeholder of placeholders(text))
              expect(sentence.params, `${sentence.key}: {${placeholder}}`).toHaveProperty(placeholder);
            for (const pattern of forbidden) expect(text, `${sentence.key} (${locale}) on ${name}`).not.toMatch(pattern);
          }
        }
      }
    });
  }

  it('the architecture check can fail: a GELU intro is caught on a SwiGLU model, a position table on RoPE', () => {
    const llama = configFor('llama', 2);
    expect(forbiddenFor(llama).some((p) => p.test(lessonEn['lesson.mlp.introGelu']))).toBe(true);
    expect(forbiddenFor(llama).some((p) => p.test(lessonZhCN['lesson.embedding.same.position']))).toBe(true);
    expect(forbiddenFor(configFor('gpt2', 4)).some((p) => p.test(lessonEn['lesson.generation.cache.whyRope']))).toBe(true);
    expect(forbiddenFor(configFor('gpt2', 4)).some((p) => p.test(lessonZhCN['lesson.norm.rmsnorm']))).toBe(true);
    expect(forbiddenFor(configFor('gpt2', 4)).some((p) => p.test(lessonZhCN['lesson.lens.introRms']))).toBe(true);
  });

  it('finds the planted answers: the clear head and where it looks, the MLP that changes its stream most, the lens stage', () => {
    for (const config of CONFIGS) {
      const { trace, lens } = syntheticTrace(config);
      const look = buildQuestion('attention.look', trace)!;
      expect(look.answer).toBe(`p${CLEAR.key}`);
      expect(look.ask.params['layer']).toEqual({ kind: 'count', value: CLEAR.layer + 1 });
      expect(look.ask.params['head']).toEqual({ kind: 'count', value: CLEAR.head + 1 });
      expect(look.options.map((o) => o.key)).toEqual(['p0', 'p2', 'p4', 'p5']);
      expect(look.bars!.items.find((bar) => bar.highlight)!.value).toBeGreaterThan(0.99);
      expect(look.focus).toMatchObject({ node: 'softmax', tab: 'attention', layer: CLEAR.layer, head: CLEAR.head, position: 5 });
      expect(buildQuestion('mlp.depth', trace)!.answer).toBe('first');
      // The logits are the last layer's lens here, so the lens must rank the final token first by that stage.
      const first = buildQuestion('lens.first', trace, { lensStages: lensStages(trace, lens) })!;
      expect(Number(first.answer.slice(1))).toBeLessThanOrEqual(config.nLayer);
      expect(first.bars!.items).toHaveLength(config.nLayer + 1);
      expect(buildQuestion('lens.first', trace, { lensStages: null })).toBeNull();
      expect(buildQuestion('tokens.count', trace)!.answer).toBe(`n${PROMPT_IDS.length}`);
    }
  });

  it('embedding: one token at two positions is the same input with RoPE and a different one with a position table', () => {
    for (const config of CONFIGS) {
      const question = buildQuestion('embedding.same', syntheticTrace(config).trace)!;
      // The token repeats at indexes 1 and 3 of the prompt: positions 2 and 4, counted from 1 as on screen.
      expect(question.ask.params).toMatchObject({ a: { kind: 'count', value: 2 }, b: { kind: 'count', value: 4 } });
      expect(question.answer).toBe(traitsOf(config).position === 'rope' ? 'same' : 'different');
      expect(question.focus.node).toBe(traitsOf(config).position === 'rope' ? 'rope' : 'posEmbed');
    }
    const { trace } = syntheticTrace(configFor('gpt2', 4));
    const repeated = { ...trace, tokens: trace.tokens.map((token, i) => (i === 3 ? { ...token, id: 15 } : token)) };
    expect(buildQuestion('embedding.same', repeated)).toBeNull();
  });

  it('architectures: which model’s two inputs of one token differ, and which keeps fewer key/value heads, read from both runs', () => {
    const gpt2 = syntheticTrace(configFor('gpt2', 4)).trace;
    const llama = { ...syntheticTrace(configFor('llama', 2)).trace, modelName: 'beside' };
    const fullLlama = { ...syntheticTrace(configFor('llama', 4)).trace, modelName: 'beside' };
    const ask = (id: 'architectures.position' | 'architectures.kv', first: Trace, second: Trace | null) =>
      buildQuestion(id, first, { beside: second, cacheValueBytes: 4, besideCacheValueBytes: 2 });
    expect(ask('architectures.position', gpt2, llama)!.answer).toBe('first');
    expect(ask('architectures.position', llama, gpt2)!.answer).toBe('second');
    expect(ask('architectures.position', llama, fullLlama)!.answer).toBe('neither');
    expect(ask('architectures.position', gpt2, { ...gpt2, modelName: 'beside' })!.answer).toBe('both');
    const kv = ask('architectures.kv', gpt2, llama)!;
    expect(kv.answer).toBe('second');
    expect(ask('architectures.kv', gpt2, fullLlama)!.answer).toBe('neither');
    // The counts and the cache's bytes per token come from the rows' widths: GPT-2 4 heads of 2 numbers, K and V,
    // 2 layers, 4 bytes; the Llama beside 2 key/value heads, 2 bytes a number.
    expect(kv.reveal.map((sentence) => [sentence.key, sentence.params['kv'], sentence.params['bytes']])).toEqual([
      ['lesson.architectures.kv.full', { kind: 'count', value: 4 }, { kind: 'count', value: 2 * 8 * 2 * 4 }],
      ['lesson.architectures.kv.grouped', { kind: 'count', value: 2 }, { kind: 'count', value: 2 * 4 * 2 * 2 }],
    ]);
    // Nothing to compare: no run beside, or one that read the prompt as other tokens.
    expect(ask('architectures.position', gpt2, null)).toBeNull();
    const otherTokens = { ...llama, tokens: llama.tokens.map((token, i) => (i === 0 ? { ...token, id: 14 } : token)) };
    expect(ask('architectures.kv', gpt2, otherTokens)).toBeNull();
  });

  it('embedding: the intro does not give the answer away: one text for every architecture, naming no way of adding the position', () => {
    const intros = CONFIGS.map((config) => chapterIntro('embedding', config).key);
    expect(new Set(intros)).toEqual(new Set(['lesson.embedding.intro']));
    const learned = forbiddenFor(configFor('llama', 4)).slice(2, 3);
    const rope = forbiddenFor(configFor('gpt2', 4)).slice(2, 3);
    for (const catalog of Object.values(catalogs))
      for (const pattern of [...learned, ...rope]) expect(catalog['lesson.embedding.intro']).not.toMatch(pattern);
    // How this model brings in the position is said in the reveal instead.
    const gpt2 = buildQuestion('embedding.same', syntheticTrace(configFor('gpt2', 4)).trace)!;
    expect(gpt2.reveal.map((s) => s.key)).toContain('lesson.embedding.same.position');
    expect(gpt2.reveal.find((s) => s.key === 'lesson.embedding.same.position')!.params['context']).toEqual({ kind: 'count', value: 64 });
    expect(buildQuestion('embedding.same', syntheticTrace(configFor('llama', 2)).trace)!.reveal.map((s) => s.key)).toContain(
      'lesson.embedding.same.resid',
    );
  });

  it('attention: the why names the repeated token and the one after its earlier copy; the reveal names the habit the look matches', () => {
    const { trace } = syntheticTrace(configFor('gpt2', 4));
    const withIds = (ids: Record<number, number>) => ({
      ...trace,
      tokens: trace.tokens.map((token, i) => (i in ids ? { ...token, id: ids[i]! } : token)),
    });
    // No repeat: the general why, and the clear head's look at position 2 (neither one back nor a copy) has no habit named.
    const plain = buildQuestion('attention.look', trace)!;
    expect(plain.why[0]!.key).toBe('lesson.attention.look.whyHeads');
    expect(plain.reveal.map((s) => s.key)).toEqual(['lesson.attention.look.reveal']);
    // The last token repeats position 2's, where the head looks: the earlier copy itself.
    const duplicate = buildQuestion('attention.look', withIds({ 5: 7 }))!;
    expect(duplicate.why[0]).toEqual({
      key: 'lesson.attention.look.whyRepeat',
      params: { token: { kind: 'token', id: 7 }, next: { kind: 'position', position: 3 } },
    });
    expect(duplicate.reveal[1]!.key).toBe('lesson.attention.look.asDuplicate');
    // The last token repeats position 1's (and nothing after it): the head looks at the token after it.
    const induction = buildQuestion('attention.look', withIds({ 3: 13, 5: 5 }))!;
    expect(induction.why[0]!.params['next']).toEqual({ kind: 'position', position: 2 });
    expect(induction.reveal[1]).toEqual({ key: 'lesson.attention.look.asInduction', params: { token: { kind: 'token', id: 5 } } });
  });

  it('induction: the strongest induction head’s look from the repeated token, named by habit; the copy question from the run’s own ranking', () => {
    const { trace: plain } = syntheticTrace(configFor('llama', 2));
    // Position 5 repeats position 1 (id 5); what followed it then, at position 2, is where the clear head looks.
    const trace = {
      ...plain,
      tokens: plain.tokens.map((token, i) => (i === 3 ? { ...token, id: 13 } : i === 5 ? { ...token, id: 5 } : token)),
    };
    const scores = headRolesOf(trace.config);
    const look = buildQuestion('induction.look', trace, { headRoles: scores })!;
    expect(look.answer).toBe('next');
    expect(look.options.map((o) => o.key)).toEqual(['previous', 'same', 'next', 'start', 'elsewhere']);
    expect(look.ask.params).toMatchObject({
      layer: { kind: 'count', value: CLEAR.layer + 1 },
      head: { kind: 'count', value: CLEAR.head + 1 },
    });
    expect(look.reveal.map((sentence) => sentence.key)).toEqual([
      'lesson.induction.look.reveal',
      'lesson.induction.look.asInduction',
      'lesson.induction.look.test',
    ]);
    expect(look.reveal[2]!.params).toMatchObject({ score: { kind: 'percent', value: expect.closeTo(0.6, 6) } });
    // The previous-token head sits in an earlier layer: the circuit is named.
    expect(look.why.map((sentence) => sentence.key)).toEqual(['lesson.induction.look.why', 'lesson.induction.look.whyCircuit']);
    expect(look.focus).toMatchObject({ node: 'softmax', tab: 'attention', layer: CLEAR.layer, head: CLEAR.head, position: 5 });
    // Another head named strongest: the answer is where that head looks, whatever it is.
    const induction = new Float32Array(scores.scores.induction.length).fill(0.05);
    induction[0] = 0.5;
    const other = { ...scores, scores: { ...scores.scores, induction } };
    const elsewhere = buildQuestion('induction.look', trace, { headRoles: other })!;
    const weights = headWeights(trace, 0, 0, 5);
    const top = weights.indexOf(Math.max(...weights));
    expect(elsewhere.answer).toBe(top === 2 ? 'next' : top === 1 ? 'same' : top === 4 ? 'previous' : top === 0 ? 'start' : 'elsewhere');
    if (elsewhere.answer !== 'next') expect(elsewhere.reveal[1]!.key).toBe('lesson.induction.look.notInduction');
    // A model whose best head is under the bar: told so, and offered the embedded model trained to copy, if any.
    const weak = { ...scores, scores: { ...scores.scores, induction: scores.scores.induction.map((value) => value / 4) } };
    const offered = buildQuestion('induction.look', trace, { headRoles: weak, embedded: true, copyModel: 'flow-copy' })!;
    expect(offered.offer).toEqual({ model: 'flow-copy' });
    expect(offered.reveal.slice(-2).map((sentence) => sentence.key)).toEqual([
      'lesson.induction.look.noneEmbedded',
      'lesson.induction.look.offer',
    ]);
    expect(offered.reveal.at(-1)!.params).toEqual({ model: { kind: 'model', name: 'flow-copy' } });
    // On a model from the Hub too, after the sentence for a model the lesson knows nothing of.
    const fromHub = buildQuestion('induction.look', trace, { headRoles: weak, embedded: false, copyModel: 'flow-copy' })!;
    expect(fromHub.offer).toEqual({ model: 'flow-copy' });
    expect(fromHub.reveal.slice(-2).map((sentence) => sentence.key)).toEqual(['lesson.induction.look.none', 'lesson.induction.look.offer']);
    const notOffered = buildQuestion('induction.look', trace, { headRoles: weak, copyModel: null })!;
    expect(notOffered.offer).toBeUndefined();
    expect(notOffered.reveal.at(-1)!.key).toBe('lesson.induction.look.none');
    // A head that passes needs no other model.
    expect(buildQuestion('induction.look', trace, { headRoles: scores, copyModel: 'flow-copy' })!.offer).toBeUndefined();
    // Nothing to ask without a repeat, without the test's scores, or with another model's.
    expect(buildQuestion('induction.look', plain, { headRoles: scores })).toBeNull();
    expect(buildQuestion('induction.look', trace, {})).toBeNull();
    expect(buildQuestion('induction.look', trace, { headRoles: { ...scores, layers: 3 } })).toBeNull();

    const copy = buildQuestion('induction.copy', trace)!;
    const candidates = trace.steps[0]!.decision.candidates;
    expect(copy.answer).toBe(`t${candidates[0]!.id}`);
    expect(copy.options.map((o) => o.key)).toContain(`t${trace.tokens[2]!.id}`);
    expect(copy.options.map((o) => Number(o.key.slice(1)))).toEqual(
      [...copy.options.map((o) => Number(o.key.slice(1)))].sort((a, b) => a - b),
    );
    const copied = candidates.findIndex((candidate) => candidate.id === trace.tokens[2]!.id);
    expect(copy.reveal[0]!.key).toBe(
      copied === 0
        ? 'lesson.induction.copy.reveal'
        : copied > 0
          ? 'lesson.induction.copy.revealOther'
          : 'lesson.induction.copy.revealAbsent',
    );
    expect(buildQuestion('induction.copy', plain)).toBeNull();
  });

  it('MLP: first or last layer, by the output’s length over the stream’s, with the run’s lengths in the reveal and the bars', () => {
    for (const config of CONFIGS) {
      const { trace } = syntheticTrace(config);
      const last = config.nLayer - 1;
      const length = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
      const ratio = (l: number) =>
        length(trace.rows[`blocks.${l}.hook_mlp_out`]![5]!) / length(trace.rows[`blocks.${l}.hook_resid_mid`]![5]!);
      const question = buildQuestion('mlp.depth', trace)!;
      expect(question.options.map((o) => o.key)).toEqual(['first', 'last']);
      expect(question.answer).toBe(ratio(0) >= ratio(last) ? 'first' : 'last');
      expect(question.reveal[0]!.params['firstRatio']).toEqual({ kind: 'number', value: expect.closeTo(ratio(0), 9) });
      expect(question.reveal[0]!.params['lastRatio']).toEqual({ kind: 'number', value: expect.closeTo(ratio(last), 9) });
      expect(question.bars!.items.map((bar) => bar.value)).toEqual(
        Array.from({ length: config.nLayer }, (_, l) => expect.closeTo(ratio(l), 9)),
      );
      expect(question.why.map((s) => s.key)).toEqual([
        'lesson.mlp.depth.whyNorm',
        'lesson.mlp.depth.whyFirst',
        traitsOf(config).mlp === 'swiglu' ? 'lesson.mlp.depth.whySwiglu' : 'lesson.mlp.depth.whyGelu',
      ]);
      expect(question.why[0]!.params['norm']).toEqual({
        kind: 'text',
        key: traitsOf(config).norm === 'rmsnorm' ? 'lesson.norm.rmsnorm' : 'lesson.norm.layernorm',
      });
      // A graph without a capture point after attention: the stream is the layer's output minus the MLP's, the same numbers.
      const { [`blocks.0.hook_resid_mid`]: _0, [`blocks.${last}.hook_resid_mid`]: _last, ...rest } = trace.rows;
      const derived = buildQuestion('mlp.depth', { ...trace, rows: rest })!;
      expect(derived.answer).toBe(question.answer);
      expect((derived.reveal[0]!.params['lastStream'] as { value: number }).value).toBeCloseTo(
        (question.reveal[0]!.params['lastStream'] as { value: number }).value,
        5,
      );
      // The last layer's MLP rewriting its stream: the answer and the why follow the numbers.
      const loud = trace.rows[`blocks.${last}.hook_mlp_out`]!.map((row) => row.map((v) => v * 100));
      const reversed = buildQuestion('mlp.depth', { ...trace, rows: { ...trace.rows, [`blocks.${last}.hook_mlp_out`]: loud } })!;
      expect(reversed.answer).toBe('last');
      expect(reversed.why[1]!.key).toBe('lesson.mlp.depth.whyLast');
      expect(reversed.focus.layer).toBe(last);
    }
  });

  it('sampling: the four options are the four highest logits, and T = 2 flattens the distribution', () => {
    const { trace } = syntheticTrace(configFor('gpt2', 4));
    const logits = Array.from(trace.rows['logits']![5]!);
    const order = logits
      .map((v, i) => [v, i] as const)
      .sort((a, b) => b[0] - a[0])
      .map(([, i]) => i);
    const top = buildQuestion('sampling.top', trace)!;
    expect(top.answer).toBe(`t${order[0]}`);
    expect(top.options.map((o) => o.key).sort()).toEqual(
      order
        .slice(0, 4)
        .map((i) => `t${i}`)
        .sort(),
    );
    const hot = buildQuestion('sampling.temperature', trace)!;
    expect(hot.answer).toBe('flatter');
    const p = (t: number) =>
      Math.exp((logits[order[0]!]! - logits[order[0]!]!) / t) / logits.reduce((s, v) => s + Math.exp((v - logits[order[0]!]!) / t), 0);
    expect(hot.reveal[0]!.params['p1']).toEqual({ kind: 'percent', value: expect.closeTo(p(1), 9) });
    expect(hot.reveal[0]!.params['p2']).toEqual({ kind: 'percent', value: expect.closeTo(p(2), 9) });
    // Equal logits: dividing them by T changes nothing.
    const flat = trace.rows['logits']!.map((row, p) => (p === 5 ? new Float32Array(16).fill(1.5) : row));
    expect(buildQuestion('sampling.temperature', { ...trace, rows: { ...trace.rows, logits: flat } })!.answer).toBe('unchanged');
  });

  it('KV cache: a recompute equal to the cached rows says “same”; one that differs says “changed”; none, no question', () => {
    const { trace } = syntheticTrace(configFor('llama', 2));
    expect(cacheHooks(trace)).toContain('blocks.0.attn.hook_rot_k');
    expect(buildQuestion('generation.cache', trace, { recomputed: recomputeOf(trace) })!.answer).toBe('same');
    expect(buildQuestion('generation.cache', trace, { recomputed: recomputeOf(trace, 0.5) })!.answer).toBe('changed');
    expect(buildQuestion('generation.cache', trace, {})).toBeNull();
    const reveal = buildQuestion('generation.cache', trace, { recomputed: recomputeOf(trace) })!.reveal;
    // 2 (K and V) × 2 layers × 2 K/V heads × 2 numbers × 7 positions, 4 bytes each unless the cache is float16.
    const size = reveal.find((s) => s.key === 'lesson.generation.cache.size')!;
    expect(size.params).toMatchObject({
      floats: { kind: 'count', value: 112 },
      bytes: { kind: 'count', value: 4 },
      kib: { kind: 'number', value: (112 * 4) / 1024 },
    });
    const half = buildQuestion('generation.cache', trace, { recomputed: recomputeOf(trace), cacheValueBytes: 2 })!.reveal;
    expect(half.find((s) => s.key === 'lesson.generation.cache.size')!.params).toMatchObject({
      bytes: { kind: 'count', value: 2 },
      kib: { kind: 'number', value: (112 * 2) / 1024 },
    });
    // Where the rounding comes from, with the tolerance the answer was held to, by how the graph rounds.
    expect(reveal[1]).toEqual({ key: 'lesson.generation.cache.roundingFloat32', params: { tolerance: { kind: 'percent', value: 1e-3 } } });
    expect(buildQuestion('generation.cache', trace, { recomputed: recomputeOf(trace), rounding: 'int8' })!.reveal[1]!.key).toBe(
      'lesson.generation.cache.roundingInt8',
    );
    expect(reveal.map((s) => s.key)).toContain('lesson.generation.cache.gqa');
    // Without sharing: one K/V head per query head, 4 instead of 2, twice the numbers.
    expect(reveal.find((s) => s.key === 'lesson.generation.cache.gqa')!.params).toMatchObject({
      full: { kind: 'count', value: 224 },
      fullKib: { kind: 'number', value: (224 * 4) / 1024 },
    });
    // The keys the cache keeps are rotated ones: said where the model rotates them, and only there.
    expect(buildQuestion('generation.cache', trace, { recomputed: recomputeOf(trace) })!.why.map((s) => s.key)).toEqual([
      'lesson.generation.cache.why',
      'lesson.generation.cache.whyRope',
    ]);
    const gpt2 = syntheticTrace(configFor('gpt2', 4)).trace;
    expect(buildQuestion('generation.cache', gpt2, { recomputed: recomputeOf(gpt2) })!.why.map((s) => s.key)).toEqual([
      'lesson.generation.cache.why',
    ]);
    // Without a KV cache: the run kept each position's K and V from the pass that first computed it; the sizes are
    // what a cache would hold.
    const full = buildQuestion('generation.cache', trace, { recomputed: recomputeOf(trace), cached: false })!;
    expect(full.ask.key).toBe('lesson.generation.cache.askFull');
    expect(full.reveal.map((s) => s.key)).toEqual(
      expect.arrayContaining(['lesson.generation.cache.keysFull', 'lesson.generation.cache.sizeFull']),
    );
    expect(full.reveal.map((s) => s.key)).not.toContain('lesson.generation.cache.size');
  });

  it('the revealed box is a frame of the chart at its layer', () => {
    for (const config of CONFIGS) {
      const { trace: plain } = syntheticTrace(config);
      const frames = buildTimeline(flowChartFor(config), plain.steps.length);
      for (const chapter of CHAPTERS) {
        const trace = chapter.id === 'induction' ? repeatedLast(plain) : plain;
        for (const id of chapter.questions) {
          const focus = buildQuestion(id, trace, {
            headRoles: headRolesOf(config),
            lensStages: lensStages(trace, syntheticTrace(config).lens),
            recomputed: recomputeOf(trace),
            patch: patchOf(trace, 1),
            beside: besideOf(config),
          })!.focus;
          const index = frameFor(frames, focus);
          expect(index, `${id} on ${config.architecture}`).toBeGreaterThanOrEqual(0);
          expect(frames[index]).toMatchObject({ node: focus.node, step: focus.step });
        }
      }
    }
  });

  it('options: the answer, the distractors asked for, then the next best; four, in order', () => {
    expect(pickOptions(7, [0, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], (v) => v)).toEqual([0, 7, 8, 9]);
    expect(pickOptions(3, [0, 3], [0, 1, 2, 3, 4], (v) => -v)).toEqual([0, 1, 2, 3]);
    expect(pickOptions(1, [0, 9], [0, 1], (v) => v)).toEqual([0, 1]);
  });
});

describe('lesson texts, chapters, progress and links', () => {
  it('every string exists in both languages with the same parameters, in the course’s terms', () => {
    expect(Object.keys(lessonZhCN).sort()).toEqual(Object.keys(lessonEn).sort());
    for (const key of Object.keys(lessonEn) as (keyof typeof lessonEn)[]) {
      expect(placeholders(lessonZhCN[key]), key).toEqual(placeholders(lessonEn[key]));
      expect(lessonZhCN[key].replace(/\{\w+\}/g, ''), key).not.toMatch(/逻辑值|逻辑透镜|\btokens?\b/i);
    }
    for (const id of CHAPTER_IDS) expect(lessonEn).toHaveProperty(`lesson.chapter.${id}`);
  });

  it('chapters: eleven, in teaching order, each with a prompt in both languages and its own questions', () => {
    expect(CHAPTER_IDS).toEqual([
      'tokens',
      'embedding',
      'attention',
      'heads',
      'mlp',
      'lens',
      'sampling',
      'generation',
      'patching',
      'induction',
      'architectures',
    ]);
    for (const chapter of CHAPTERS) {
      expect(chapter.prompt.en.trim()).not.toBe('');
      expect(chapter.prompt['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      for (const question of chapter.questions) expect(question.startsWith(`${chapter.id}.`)).toBe(true);
    }
    expect(nextChapter('attention')!.id).toBe('heads');
    expect(nextChapter('generation')!.id).toBe('patching');
    expect(nextChapter('patching')!.id).toBe('induction');
    expect(nextChapter('induction')!.id).toBe('architectures');
    expect(nextChapter('architectures')).toBeNull();
    // The patching chapter's two prompts, in both languages, differ (they must tokenize to the same length: the
    // model tests check that on the embedded models).
    const patching = chapterById('patching')!;
    for (const locale of ['en', 'zh-CN'] as const) expect(patching.corrupted![locale]).not.toBe(patching.prompt[locale]);
    expect(chapterById('nope')).toBeNull();
  });

  it('progress is stored, read back, survives bad data and blocked storage, and tells where to resume', () => {
    const memory = new Map<string, string>();
    const store = {
      getItem: (key: string) => memory.get(key) ?? null,
      setItem: (key: string, value: string) => void memory.set(key, value),
    };
    expect(loadProgress(store)).toEqual({});
    let progress = recordAnswer(store, {}, 'tokens.count', false);
    progress = recordAnswer(store, progress, 'sampling.top', true);
    expect(loadProgress(store)).toEqual({ 'tokens.count': 'wrong', 'sampling.top': 'right' });
    // A later wrong answer does not undo a right one.
    expect(recordAnswer(store, progress, 'sampling.top', false)['sampling.top']).toBe('right');
    expect(chapterState(progress, 'tokens')).toBe('done');
    expect(chapterState(progress, 'sampling')).toBe('started');
    expect(chapterState(progress, 'attention')).toBe('new');
    expect(resumeChapter(progress)).toBe('embedding');
    memory.set(PROGRESS_KEY, '{"tokens.count":"maybe","unknown.q":"right","lens.first":"right"}');
    expect(loadProgress(store)).toEqual({ 'lens.first': 'right' });
    memory.set(PROGRESS_KEY, 'not json');
    expect(loadProgress(store)).toEqual({});
    const blocked = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadProgress(blocked)).toEqual({});
    expect(recordAnswer(blocked, {}, 'mlp.depth', true)).toEqual({ 'mlp.depth': 'right' });
    const all = Object.fromEntries(CHAPTERS.flatMap((c) => c.questions).map((q) => [q, 'right']));
    expect(resumeChapter(all)).toBe('tokens');
  });

  it('?lesson= names a chapter; anything else is ignored', () => {
    const origin = 'http://localhost:5173';
    expect(readUrlState('?lesson=attention', origin).lesson).toBe('attention');
    expect(readUrlState('?lesson=generation&lang=zh', origin).lesson).toBe('generation');
    expect(readUrlState('?lesson=%3Cscript%3E', origin).lesson).toBeNull();
    expect(readUrlState('', origin).lesson).toBeNull();
  });
});
