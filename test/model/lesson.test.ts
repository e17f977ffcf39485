// The lesson's questions on real runs of every embedded model (Node, onnxruntime-web's WASM backend), in both
// languages: each answer is checked against the Trace by a computation written here independently of
// src/lesson/questions.ts, so a wrong answer key or a number that is not the Trace's fails.
import { describe, expect, it } from 'vitest';
import { computedPositions, lackingHooks, type Trace } from '../../src/engine/trace';
import { logitLens } from '../../src/engine/lens';
import { CHAPTERS, chapterById, type Chapter } from '../../src/lesson/chapters';
import { buildQuestion, cacheHooks, lensStages, type Question, type Ref } from '../../src/lesson/questions';
import { normalised, patchSweep, type PatchResult } from '../../src/engine/patching';
import { headRoleScores, headRoleSequence, type HeadRoleScores } from '../../src/engine/headRoles';
import { EMBEDDED_MODELS, loadEngine, recordTrace } from './helpers';

type Engine = Awaited<ReturnType<typeof loadEngine>>;

async function runChapter(engine: Engine, chapter: Chapter, prompt: string, modelName = 'lesson'): Promise<Trace> {
  const { temperature, topK, topP, seed, maxNewTokens } = chapter.settings;
  return (await recordTrace(engine, { modelName, prompt, settings: { temperature, topK, topP }, seed, maxNewTokens })).trace;
}

const argmax = (values: ArrayLike<number>) => Array.from(values).reduce((best, v, i, all) => (v > all[best]! ? i : best), 0);
const value = (ref: Ref | undefined) => (ref && 'value' in ref ? ref.value : NaN);
const euclid = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((sum, v, i) => sum + (v - b[i]!) ** 2, 0));
function weightsOf(trace: Trace, layer: number, head: number, position: number): number[] {
  const row = trace.rows[`blocks.${layer}.attn.hook_pattern`]![position]!;
  const width = row.length / trace.config.nHead;
  return Array.from({ length: position + 1 }, (_, k) => row[head * width + k]!);
}

/** Checks one question against the Trace; returns nothing, fails loudly. */
function check(question: Question, trace: Trace, engine: Engine) {
  const keys = question.options.map((o) => o.key);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys).toContain(question.answer);
  expect(keys.length).toBeGreaterThanOrEqual(2);
  const last = trace.promptLength - 1;
  const fact = question.reveal[0]!.params;
  switch (question.id) {
    case 'tokens.count':
      expect(question.answer).toBe(`n${trace.promptLength}`);
      expect(keys.length).toBe(4);
      break;
    case 'embedding.same': {
      const x = trace.rows['blocks.0.hook_resid_pre']!;
      // The two positions are counted from 1, as on screen.
      const [a, b] = [value(question.ask.params['a']) - 1, value(question.ask.params['b']) - 1];
      expect(trace.tokens[a]!.id).toBe(trace.tokens[b]!.id);
      // RoPE adds nothing to the residual stream; a learned position table makes the two inputs differ.
      expect(question.answer).toBe(trace.config.architecture === 'gpt2' ? 'different' : 'same');
      expect(euclid(x[a]!, x[b]!) > 1e-6).toBe(question.answer === 'different');
      break;
    }
    case 'attention.look': {
      const layer = value(question.ask.params['layer']) - 1;
      const head = value(question.ask.params['head']) - 1;
      const weights = weightsOf(trace, layer, head, last);
      expect(question.answer).toBe(`p${argmax(weights)}`);
      expect(value(fact['weight'])).toBe(weights[argmax(weights)]);
      expect(question.bars!.items.map((bar) => bar.value)).toEqual(weights);
      // The habit named in the reveal is where the head looks: the earlier copy of the last token, the token after
      // it, or the one just before.
      const top = argmax(weights);
      let earlier = -1;
      for (let p = last - 1; p >= 0 && earlier < 0; p--) if (trace.tokens[p]!.id === trace.tokens[last]!.id) earlier = p;
      const habit =
        earlier >= 0 && top === earlier
          ? 'lesson.attention.look.asDuplicate'
          : earlier >= 0 && top === earlier + 1 && top !== last - 1
            ? 'lesson.attention.look.asInduction'
            : top === last - 1
              ? 'lesson.attention.look.asPrevious'
              : undefined;
      expect(question.reveal[1]?.key).toBe(habit);
      // Both prompts say a name twice, so the why points at the token after its first mention.
      expect(earlier, 'the prompt repeats its last token').toBeGreaterThanOrEqual(0);
      expect(question.why[0]!.params['next']).toEqual({ kind: 'position', position: earlier + 1 });
      break;
    }
    case 'heads.total': {
      const total = new Array(last + 1).fill(0);
      for (let l = 0; l < trace.config.nLayer; l++)
        for (let h = 0; h < trace.config.nHead; h++) weightsOf(trace, l, h, last).forEach((w, p) => (total[p] += w));
      expect(question.answer).toBe(`p${argmax(total)}`);
      const split = question.reveal[1]!.params;
      expect(['first', 'previous', 'self', 'other'].reduce((sum, k) => sum + value(split[k]), 0)).toBe(
        trace.config.nLayer * trace.config.nHead,
      );
      break;
    }
    case 'mlp.depth': {
      // Each MLP's output length over the length of the stream it was added to (the stream after the layer's attention).
      const zero = new Float32Array(trace.config.dModel);
      const final = trace.config.nLayer - 1;
      const ratios = Array.from({ length: trace.config.nLayer }, (_, l) => {
        const out = trace.rows[`blocks.${l}.hook_mlp_out`]![last]!;
        const mid = trace.rows[`blocks.${l}.hook_resid_mid`]![last]!;
        // That stream plus the MLP's output is the layer's output: the MLP adds to the stream measured here.
        expect(
          euclid(
            mid.map((v, i) => v + out[i]!),
            trace.rows[`blocks.${l}.hook_resid_post`]![last]!,
          ),
        ).toBeLessThan(1e-3 * euclid(mid, zero));
        return { mlp: euclid(out, zero), stream: euclid(mid, zero) };
      });
      const ratio = (l: number) => ratios[l]!.mlp / ratios[l]!.stream;
      expect(question.answer).toBe(ratio(0) >= ratio(final) ? 'first' : 'last');
      expect(value(fact['firstMlp'])).toBeCloseTo(ratios[0]!.mlp, 4);
      expect(value(fact['firstStream'])).toBeCloseTo(ratios[0]!.stream, 4);
      expect(value(fact['lastStream'])).toBeCloseTo(ratios[final]!.stream, 4);
      expect(value(fact['firstRatio'])).toBeCloseTo(ratio(0), 6);
      expect(value(fact['lastRatio'])).toBeCloseTo(ratio(final), 6);
      expect(question.bars!.items.map((bar) => bar.value)).toEqual(ratios.map((_, l) => expect.closeTo(ratio(l), 6)));
      // The why follows the answer: the first MLP as a second embedding, or the exception.
      expect(question.why[1]!.key).toBe(question.answer === 'first' ? 'lesson.mlp.depth.whyFirst' : 'lesson.mlp.depth.whyLast');
      // What the why says of the stream holds on this run: it is longer where the last MLP adds to it.
      expect(ratios[final]!.stream).toBeGreaterThan(ratios[0]!.stream);
      break;
    }
    case 'lens.first': {
      const lens = engine.probed.lens!;
      const final = argmax(trace.rows['logits']![last]!);
      const stages = ['blocks.0.hook_resid_pre', ...Array.from({ length: trace.config.nLayer }, (_, l) => `blocks.${l}.hook_resid_post`)];
      const first = stages.findIndex((hook) => argmax(logitLens(trace.rows[hook]![last]!, lens)) === final);
      expect(question.answer).toBe(`s${first}`);
      break;
    }
    case 'sampling.top':
      expect(question.answer).toBe(`t${argmax(trace.rows['logits']![last]!)}`);
      expect(keys.length).toBe(4);
      break;
    case 'sampling.temperature': {
      const logits = Array.from(trace.rows['logits']![last]!);
      const p = (t: number) => {
        const m = Math.max(...logits);
        const e = logits.map((v) => Math.exp((v - m) / t));
        return e[argmax(logits)]! / e.reduce((a, b) => a + b, 0);
      };
      expect(value(fact['p1'])).toBeCloseTo(p(1), 6);
      expect(value(fact['p2'])).toBeCloseTo(p(2), 6);
      expect(question.answer).toBe(p(2) < p(1) ? 'flatter' : 'sharper');
      break;
    }
    case 'generation.cache': {
      expect(question.answer).toBe('same');
      expect(value(fact['difference'])).toBeLessThan(1e-3);
      // Under grouped-query attention: the numbers a cache with one K/V head per query head would hold.
      const { nLayer, nHead, nKvHead, dHead } = trace.config;
      const gqa = question.reveal.find((s) => s.key === 'lesson.generation.cache.gqa');
      expect(gqa !== undefined).toBe(nKvHead < nHead);
      if (gqa) expect(value(gqa.params['full'])).toBe(2 * nLayer * nHead * dHead * computedPositions(trace));
      break;
    }
  }
}

/** The two embedded models side by side: GPT-2 adds a learned position row to each token, so one token at two
 * positions enters layer 1 as two vectors, and gives each head its own keys and values; the Llama adds nothing there
 * (RoPE turns Q and K inside attention) and shares each key/value head among query heads. */
function checkArchitectures(question: Question, first: Trace, second: Trace) {
  const which = (inFirst: boolean, inSecond: boolean) => (inFirst ? (inSecond ? 'both' : 'first') : inSecond ? 'second' : 'neither');
  const isGpt2 = (trace: Trace) => trace.config.architecture === 'gpt2';
  expect(first.tokens.slice(0, first.promptLength).map((t) => t.id)).toEqual(second.tokens.slice(0, second.promptLength).map((t) => t.id));
  if (question.id === 'architectures.position') {
    const [a, b] = [value(question.ask.params['a']) - 1, value(question.ask.params['b']) - 1];
    expect(first.tokens[a]!.id).toBe(first.tokens[b]!.id);
    const gap = (trace: Trace) => euclid(trace.rows['blocks.0.hook_resid_pre']![a]!, trace.rows['blocks.0.hook_resid_pre']![b]!);
    expect(question.answer).toBe(which(isGpt2(first), isGpt2(second)));
    for (const trace of [first, second]) expect(gap(trace) > 1e-4, trace.modelName).toBe(isGpt2(trace));
    // Each reveal's length is its run's.
    const gaps = question.reveal.filter((sentence) => 'gap' in sentence.params).map((sentence) => value(sentence.params['gap']));
    expect(gaps.map((g, i) => Math.abs(g - gap([first, second][i]!)))).toEqual([0, 0]);
  } else {
    expect(question.id).toBe('architectures.kv');
    const grouped = (trace: Trace) => trace.config.nKvHead < trace.config.nHead;
    expect(grouped(first) || grouped(second)).toBe(true); // the embedded Llama shares its key/value heads
    expect(question.answer).toBe(which(grouped(first), grouped(second)));
    const kv = question.reveal.map((sentence) => value(sentence.params['kv']));
    expect(kv).toEqual([first.config.nKvHead, second.config.nKvHead]);
    const bytes = question.reveal.map((sentence) => value(sentence.params['bytes']));
    expect(bytes).toEqual([first, second].map((trace) => 2 * trace.config.nLayer * trace.config.nKvHead * trace.config.dHead * 4));
  }
}

/** The layer asked for is the first whose stream, copied at the last position, brings back half the clean answer;
 * the bars are those shares, layer by layer. */
function checkPatching(
  question: Question,
  patch: { result: PatchResult; differing: number[]; answers: { clean: number; corrupted: number } },
) {
  const { result } = patch;
  const shares = Array.from({ length: result.layers }, (_, layer) =>
    normalised(result.resid![layer * result.positions + result.positions - 1]!, result),
  );
  const found = shares.findIndex((share) => share >= 0.5);
  expect(question.answer).toBe(found >= 0 ? `l${found}` : 'never');
  expect(question.options.map((option) => option.key)).toContain(question.answer);
  expect(question.bars!.items.map((bar) => bar.value)).toEqual(shares);
}

/** The head-role test's scores, as the page measures them (headRoleSequence, a capture of every pattern). */
async function headRolesOf(engine: Engine): Promise<HeadRoleScores> {
  const { config, generator, tokenizer } = engine;
  const { ids, half } = await headRoleSequence(config, async (drawn) => tokenizer.describe(drawn));
  const hooks = Array.from({ length: config.nLayer }, (_, layer) => `blocks.${layer}.attn.hook_pattern`);
  return headRoleScores(await generator.capture(ids, hooks, null, 0), config.nLayer, config.nHead, half);
}

/** The induction questions, worked out here from the run: the prompt's last token and its earlier copy, the best
 * induction head's weights from it, and the model's likeliest next token. */
function checkInduction(question: Question, trace: Trace, scores: HeadRoleScores) {
  const last = trace.promptLength - 1;
  const ids = trace.tokens.map((token) => token.id);
  const earlier = ids.slice(0, last).lastIndexOf(ids[last]!);
  expect(earlier, 'the prompt repeats its last token').toBeGreaterThanOrEqual(0);
  if (question.id === 'induction.look') {
    let best = 0;
    for (let i = 1; i < scores.scores.induction.length; i++) if (scores.scores.induction[i]! > scores.scores.induction[best]!) best = i;
    const [layer, head] = [Math.floor(best / scores.heads), best % scores.heads];
    expect([value(question.ask.params['layer']) - 1, value(question.ask.params['head']) - 1]).toEqual([layer, head]);
    const weights = weightsOf(trace, layer, head, last);
    const top = argmax(weights);
    const place =
      top === earlier + 1 ? 'next' : top === earlier ? 'same' : top === last - 1 ? 'previous' : top === 0 ? 'start' : 'elsewhere';
    expect(question.answer).toBe(place);
    expect(value(question.reveal[0]!.params['weight'])).toBe(weights[top]);
    // A model whose best head is under the naming threshold is told it has none.
    expect(question.reveal.some((s) => s.key === 'lesson.induction.look.noneEmbedded')).toBe(scores.scores.induction[best]! < 0.4);
  } else {
    const logits = trace.rows['logits']![last]!;
    expect(question.answer).toBe(`t${argmax(logits)}`);
    expect(question.options.map((o) => o.key)).toContain(`t${ids[earlier + 1]}`);
  }
}

for (const model of EMBEDDED_MODELS) {
  describe(`lesson questions on ${model}`, async () => {
    const engine = await loadEngine(model);
    for (const chapter of CHAPTERS) {
      for (const locale of ['en', 'zh-CN'] as const) {
        it(`${chapter.id} (${locale}): every question is built from the run and its answer is the Trace’s`, async () => {
          const trace = await runChapter(engine, chapter, chapter.prompt[locale]);
          let recomputed: Record<string, { data: Float32Array }> | null = null;
          if (chapter.questions.includes('generation.cache')) {
            engine.generator.reset();
            recomputed = (await engine.generator.forward(trace.tokens.slice(0, computedPositions(trace)).map((t) => t.id))).record.tensors;
            for (const hook of cacheHooks(trace)) expect(recomputed[hook], hook).toBeDefined();
          }
          // The patching chapter's sweep, as the lab runs it: the answers are each run's top token (two different ones).
          let patch: { result: PatchResult; differing: number[]; answers: { clean: number; corrupted: number } } | null = null;
          const corruptedPrompt = chapter.corrupted?.[locale];
          if (corruptedPrompt) {
            const clean = engine.tokenizer.encode(chapter.prompt[locale]);
            const corrupted = engine.tokenizer.encode(corruptedPrompt);
            const top = async (ids: number[]) => {
              const logits = (await engine.generator.capture(ids, ['logits'], null, ids.length - 1)).tensors['logits']!.data;
              return [...logits.keys()].sort((a, b) => logits[b]! - logits[a]!);
            };
            const cleanAnswer = (await top(clean))[0]!;
            const corruptedAnswer = (await top(corrupted)).find((id) => id !== cleanAnswer)!;
            const result = await patchSweep(engine.generator, engine.config, engine.probed.points, {
              clean,
              corrupted,
              answers: { clean: cleanAnswer, corrupted: corruptedAnswer },
              sites: ['resid'],
            });
            patch = {
              result,
              differing: clean.flatMap((id, p) => (id === corrupted[p] ? [] : [p])),
              answers: { clean: cleanAnswer, corrupted: corruptedAnswer },
            };
          }
          // The architectures chapter's run of the same prompt, seed and settings by the embedded model of the other
          // architecture (the model trained to copy is a GPT-2).
          const other = model === 'flow-llama-tiny' ? 'flow-gpt2-tiny' : 'flow-llama-tiny';
          const beside =
            chapter.id === 'architectures' ? await runChapter(await loadEngine(other), chapter, chapter.prompt[locale], other) : null;
          // The induction chapter's head: the head-role test run on this model, as the page runs it.
          const headRoles = chapter.id === 'induction' ? await headRolesOf(engine) : null;
          for (const id of chapter.questions) {
            const question = buildQuestion(id, trace, {
              headRoles,
              embedded: true,
              lensStages: lensStages(trace, engine.probed.lens!),
              recomputed,
              cached: true,
              patch,
              beside,
              cacheValueBytes: 4,
              besideCacheValueBytes: 4,
            });
            expect(question, `${id} on “${chapter.prompt[locale]}”`).not.toBeNull();
            check(question!, trace, engine);
            if (id === 'patching.where') checkPatching(question!, patch!);
            if (id.startsWith('induction.')) checkInduction(question!, trace, headRoles!);
            if (beside) checkArchitectures(question!, trace, beside);
          }
        });
      }
    }
  });
}

/** A large model's lean run (capturePlan.ts), here forced on an embedded model: as it generated it kept the residual
 * stream at every layer boundary and every point of the layers open in the views; the lesson then had the rest
 * recomputed from the ids (as `LessonState.prepare` does through `RunController.need`) before asking. The KV-cache question
 * must compare what the cached run itself kept against a recompute, not those recomputed rows with a second
 * recompute of themselves. */
for (const model of EMBEDDED_MODELS) {
  describe(`the KV-cache question on a lean run of ${model}`, async () => {
    const engine = await loadEngine(model);
    const chapter = chapterById('generation')!;
    const { temperature, topK, topP, seed, maxNewTokens } = chapter.settings;

    async function leanLesson(open: number[]) {
      const { trace: kept, recorder } = await recordTrace(engine, {
        modelName: 'lesson',
        prompt: chapter.prompt.en,
        settings: { temperature, topK, topP },
        seed,
        maxNewTokens,
        plan: { mode: 'lean', layers: open },
      });
      const n = computedPositions(kept);
      const ids = kept.tokens.slice(0, n).map((t) => t.id);
      const lacking = lackingHooks(
        kept,
        kept.points.map((point) => point.hook),
      );
      expect(lacking.length).toBeGreaterThan(0);
      recorder.addCaptured(await engine.generator.capture(ids, lacking, null));
      const trace = recorder.snapshot();
      expect(
        lackingHooks(
          trace,
          trace.points.map((point) => point.hook),
        ),
      ).toEqual([]);
      // The lesson's recompute: the whole sequence from the ids, no cache (the worker's `recompute`).
      engine.generator.reset();
      const recomputed = (await engine.generator.forward(ids)).record.tensors;
      return { trace, recomputed, n };
    }

    /** The rows the run kept as it generated, by hook: K (after RoPE where the model rotates it) and V of the open
     * layers, and the residual stream after every layer. Written here, apart from the lesson's code. */
    function keptHooks(open: number[]): string[] {
      const k = engine.config.architecture === 'gpt2' ? 'hook_k' : 'hook_rot_k';
      return [
        ...open.flatMap((l) => [`blocks.${l}.attn.${k}`, `blocks.${l}.attn.hook_v`]),
        ...Array.from({ length: engine.config.nLayer }, (_, l) => `blocks.${l}.hook_resid_post`),
      ];
    }

    function largestDifference(trace: Trace, recomputed: Record<string, { data: Float32Array }>, hooks: string[]): number {
      let max = 0;
      for (const hook of hooks) {
        const full = recomputed[hook]!.data;
        trace.rows[hook]!.forEach((row, p) => row.forEach((v, i) => (max = Math.max(max, Math.abs(v - full[p * row.length + i]!)))));
      }
      return max;
    }

    /** The trace with one value of one row moved by `delta` (a copy: the recorded rows stay as they are). */
    function corrupted(trace: Trace, hook: string, position: number, delta: number): Trace {
      const rows = [...trace.rows[hook]!];
      const row = Float32Array.from(rows[position]!);
      row[0]! += delta;
      rows[position] = row;
      return { ...trace, rows: { ...trace.rows, [hook]: rows } };
    }

    it('with a layer open: compares that layer’s K and V and the residual stream the run kept, and a corrupted kept value fails it', async () => {
      const open = [1];
      const { trace, recomputed, n } = await leanLesson(open);
      const question = buildQuestion('generation.cache', trace, { recomputed, cached: true })!;
      expect(question.answer).toBe('same');
      const fact = question.reveal[0]!;
      expect(fact.key).toBe('lesson.generation.cache.revealLean');
      expect(value(fact.params['kvLayers'])).toBe(1);
      expect(value(fact.params['rows'])).toBe((2 * open.length + engine.config.nLayer) * n);
      expect(value(fact.params['difference'])).toBe(largestDifference(trace, recomputed, keptHooks(open)));
      // The closed layers' K and V were recomputed for the lesson, and are left out: moving one changes nothing.
      const recomputedK = keptHooks([0])[0]!;
      expect(trace.recomputedHooks).toContain(recomputedK);
      expect(
        buildQuestion('generation.cache', corrupted(trace, recomputedK, n - 1, 1), { recomputed, cached: true })!.reveal[0]!.params[
          'difference'
        ],
      ).toEqual(fact.params['difference']);
      // A kept K of the open layer and a kept residual row, each moved by 1 % of the values' size: “changed”.
      const delta = 0.01 * Math.max(1, value(fact.params['largest']));
      for (const hook of [keptHooks(open)[0]!, `blocks.${engine.config.nLayer - 1}.hook_resid_post`]) {
        const broken = buildQuestion('generation.cache', corrupted(trace, hook, n - 1, delta), { recomputed, cached: true })!;
        expect(broken.answer, hook).toBe('changed');
        expect(value(broken.reveal[0]!.params['difference']), hook).toBeCloseTo(delta, 4);
      }
    });

    it('with no layer open: compares the residual stream the run kept, and a corrupted residual row fails it', async () => {
      const { trace, recomputed, n } = await leanLesson([]);
      const question = buildQuestion('generation.cache', trace, { recomputed, cached: true })!;
      expect(question.answer).toBe('same');
      const fact = question.reveal[0]!;
      expect(fact.key).toBe('lesson.generation.cache.revealResidual');
      expect(value(fact.params['rows'])).toBe(engine.config.nLayer * n);
      expect(value(fact.params['difference'])).toBe(largestDifference(trace, recomputed, keptHooks([])));
      const delta = 0.01 * Math.max(1, value(fact.params['largest']));
      const broken = buildQuestion('generation.cache', corrupted(trace, 'blocks.0.hook_resid_post', 2, delta), {
        recomputed,
        cached: true,
      })!;
      expect(broken.answer).toBe('changed');
    });
  });
}
