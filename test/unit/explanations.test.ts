// The teaching text against the architecture on screen: no string shown for a model names a component it lacks,
// every formula renders in KaTeX, and the formulas say what the code computes.
import { describe, expect, it } from 'vitest';
import katex from 'katex';
import type { ModelConfig } from '../../src/engine/models/config';
import { ARCHITECTURES, traitsOf } from '../../src/engine/models/architecture';
import { flowChartFor } from '../../src/flow/chart';
import { variantsOf } from '../../src/flow/architectureDiff';
import { boxTexts, detailNote, textParams, viewWording } from '../../src/flow/wording';
import { NODE_SPECS, boxContext, frameContext, type NodeId } from '../../src/flow/nodes';
import { FORMULA_KEYS, formulaFor } from '../../src/i18n/formulas';
import { en, translator, zhCN, type Locale, type MessageKey } from '../../src/i18n/index.svelte';
import { captionFor } from '../../src/flow/captions';
import { lessonEn } from '../../src/i18n/lesson.en';
import { lessonZhCN } from '../../src/i18n/lesson.zh-CN';
import { termsIn } from '../../src/i18n/glossary';
import type { Frame } from '../../src/flow/timeline';
import { sample } from '../../src/engine/sampling';
import type { Trace } from '../../src/engine/trace';

const catalogs: Record<Locale, Record<string, string>> = { en, 'zh-CN': zhCN };
const LOCALES = Object.keys(catalogs) as Locale[];

/** Every architecture with every config variant its texts depend on: grouped-query attention or not, tied or
 * untied unembedding, rescaled RoPE frequencies or not. */
function sampleConfigs(): ModelConfig[] {
  const configs: ModelConfig[] = [];
  for (const architecture of ARCHITECTURES) {
    const rope = traitsOf({ architecture }).position === 'rope';
    for (const nKvHead of [4, 2]) {
      if (!rope && nKvHead !== 4) continue; // a learned-position (GPT-2) model has one K/V head per query head
      for (const tieWordEmbeddings of [true, false]) {
        for (const ropeScaling of rope ? [null, 'llama3'] : [null]) {
          configs.push({
            architecture,
            nLayer: 2,
            nHead: 4,
            nKvHead,
            dModel: 64,
            dHead: 16,
            dMlp: rope ? 176 : 256,
            nCtx: 128,
            vocabSize: 512,
            eosTokenId: 0,
            stopTokenIds: [0],
            layerNormEpsilon: 1e-5,
            ropeTheta: rope ? 500000 : null,
            ropeScaling,
            tieWordEmbeddings,
          });
        }
      }
    }
  }
  return configs;
}

const describeConfig = (c: ModelConfig) =>
  `${c.architecture} (K/V heads ${c.nKvHead}/${c.nHead}, ${c.tieWordEmbeddings ? 'tied' : 'untied'}${c.ropeScaling ? `, ${c.ropeScaling}` : ''})`;

/** The strings the chart and the detail views choose for this model. */
function shownKeys(config: ModelConfig): Set<string> {
  const keys = new Set<string>();
  for (const node of flowChartFor(config).nodes) {
    const texts = boxTexts(node.key, config);
    for (const key of [texts.label, ...texts.explain, texts.why, texts.caption, texts.legend]) if (key) keys.add(key);
  }
  const words = viewWording(config);
  for (const key of [
    ...Object.values(words.mlp),
    ...Object.values(words.lens),
    ...words.embedding.rows,
    words.embedding.note,
    ...words.attention.worked,
    ...words.cache,
    words.summary,
  ])
    if (key) keys.add(key);
  // Two architectures side by side: each model's own side of every topic, and the topics' titles.
  for (const [topic, { variant }] of Object.entries(variantsOf(config)))
    keys.add(`archDiff.${topic}.${variant}`).add(`archDiff.title.${topic}`);
  // The glossary explains the terms these texts use, beside them (W_pos only where there is a position table).
  for (const locale of LOCALES) {
    const texts = [...keys].map((key) => catalogs[locale][key]).filter((text): text is string => text !== undefined);
    for (const id of termsIn(texts, translator(locale))) keys.add(`term.${id}`).add(`term.${id}.name`);
  }
  return keys;
}

const configs = sampleConfigs();
/** A box's texts share its key (`flow.node.<key>`, `flow.explain.<key>`…): every key that has a label is a box. */
const boxKeys = Object.keys(en)
  .filter((key) => key.startsWith('flow.node.'))
  .map((key) => key.slice('flow.node.'.length));
/** The comparison's texts each describe one architecture's side (shown beside that model's name). */
const sideOwned = Object.keys(en).filter((key) => key.startsWith('archDiff.'));
const boxOwned = new Set(boxKeys.flatMap((box) => ['node', 'explain', 'why', 'caption'].map((kind) => `flow.${kind}.${box}`)));
const owned = new Set([...boxOwned, ...sideOwned, ...configs.flatMap((config) => [...shownKeys(config)])]);
/** Strings every model may show (buttons, errors, the sampling boxes…): they must suit every architecture. */
const common = Object.keys(en).filter((key) => !owned.has(key));

/** Words that name a component the model does not have, in either language. */
function forbiddenFor(config: ModelConfig): RegExp[] {
  const traits = traitsOf(config);
  const patterns: RegExp[] = [];
  patterns.push(traits.norm === 'layernorm' ? /RMSNorm|RMS 归一化|root mean square|均方根/ : /LayerNorm|层归一化|\bLN\b/);
  patterns.push(traits.mlp === 'gelu' ? /SiLU|SwiGLU|\bgate\b|门控|“门”|[(（]门/ : /GELU/);
  patterns.push(
    traits.position === 'learned' ? /RoPE|rotary|rotat|旋转|rope_/i : /W_pos|position table|learned position|位置嵌入|位置向量|位置表/,
  );
  if (config.nKvHead === config.nHead) patterns.push(/grouped-query|分组查询|key\/value head|键\/值头/i);
  patterns.push(config.tieWordEmbeddings ? /W_U|lm_head/ : /tied|W_E transposed|W_E 的转置|权重共享/);
  return patterns;
}

/** Strings about the model on screen must not name another family ("does not look like a GPT-2 model" on Llama);
 * the tokenizer lab and the Hub panel name models as examples, on purpose. */
const ABOUT_THE_MODEL = /^(flow|error|model|views\.(embedding|attention|mlp|lens|sampling))\./;
function otherFamilies(config: ModelConfig): RegExp[] {
  return ARCHITECTURES.filter((other) => other !== config.architecture).map(
    (other) => new RegExp(traitsOf({ architecture: other }).family),
  );
}

/** TeX that names a component the model does not have. */
function forbiddenInFormula(config: ModelConfig): RegExp[] {
  const traits = traitsOf(config);
  return [
    traits.norm === 'layernorm' ? /RMSNorm/ : /\\mathrm\{LN\}/,
    traits.mlp === 'gelu' ? /SiLU|W_\{gate\}/ : /GELU/,
    traits.position === 'learned' ? /\\theta/ : /W_\{pos\}|p_t/,
    ...(config.nKvHead === config.nHead ? [/H_\{kv\}/] : []),
    config.tieWordEmbeddings ? /W_U/ : /W_E\^\{\\top\}/,
  ];
}

/** Each string of `keys` that matches a pattern, as "key (locale): text". */
function violations(keys: Iterable<string>, patterns: RegExp[]): string[] {
  const found: string[] = [];
  for (const locale of LOCALES) {
    for (const key of keys) {
      const text = catalogs[locale][key];
      const pattern = patterns.find((p) => text !== undefined && p.test(text));
      if (pattern) found.push(`${key} (${locale}) matches ${pattern}: ${text}`);
    }
  }
  return found;
}

/** Boxes that compute something in the app's own code, outside the model's graph (tokenizer, sampler), and boxes
 * that only pass data along; every box without a capture point is one or the other. */
const COMPUTED_OUTSIDE: NodeId[] = ['tokenize', 'temperature', 'filter', 'probabilities', 'sample'];
const PASSES_DATA: NodeId[] = ['start', 'input', 'moreLayers', 'done', 'append', 'end'];
const MOVES_DATA = /moves data|只传递数据/;

describe('explanations per architecture', () => {
  it('the checks can fail: a GELU sentence is caught on a SwiGLU model, a LayerNorm one on RMSNorm, a position table on RoPE', () => {
    const llama = configs.find((c) => c.architecture === 'llama')!;
    const gpt2 = configs.find((c) => c.architecture === 'gpt2')!;
    const patterns = forbiddenFor(llama);
    expect(patterns.some((p) => p.test(en['flow.explain.mlp']))).toBe(true);
    expect(patterns.some((p) => p.test(zhCN['flow.node.ln1']))).toBe(true);
    expect(patterns.some((p) => p.test(en['flow.explain.posEmbed']))).toBe(true);
    expect(forbiddenFor(gpt2).some((p) => p.test(zhCN['flow.explain.rope']))).toBe(true);
    expect(violations(['error.probe-missing'], otherFamilies(llama))).toEqual([]);
    expect(otherFamilies(llama).some((p) => p.test('This graph does not look like a GPT-2 model'))).toBe(true);
    expect(forbiddenInFormula(llama).some((p) => p.test(formulaFor('mlp', gpt2)!))).toBe(true);
    for (const locale of LOCALES) expect(catalogs[locale]['detail.none']).toMatch(MOVES_DATA);
  });

  for (const config of configs) {
    it(`${describeConfig(config)}: no string or formula names a component the model does not have`, () => {
      const keys = new Set([...common, ...shownKeys(config)]);
      expect(violations(keys, forbiddenFor(config))).toEqual([]);
      expect(
        violations(
          [...keys].filter((key) => ABOUT_THE_MODEL.test(key)),
          otherFamilies(config),
        ),
      ).toEqual([]);
      const formulas = flowChartFor(config).nodes.map((node) => [node.key, formulaFor(node.key, config)] as const);
      const patterns = forbiddenInFormula(config);
      expect(formulas.filter(([, tex]) => tex && patterns.some((p) => p.test(tex))).map(([key]) => key)).toEqual([]);
    });

    it(`${describeConfig(config)}: a box computed outside the graph is never said to only move data, and names the view with its numbers`, () => {
      for (const node of flowChartFor(config).nodes) {
        const note = detailNote(node.id);
        if (NODE_SPECS[node.id].hooks.length > 0) {
          expect(note, node.id).toBeNull();
          continue;
        }
        expect([...COMPUTED_OUTSIDE, ...PASSES_DATA], `${node.id} has no tensor: which is it?`).toContain(node.id);
        if (PASSES_DATA.includes(node.id)) {
          expect(note, node.id).toBe('detail.none');
          continue;
        }
        for (const locale of LOCALES) {
          const text = translator(locale)(note!, { tab: translator(locale)(`views.tab.${NODE_SPECS[node.id].tab}` as MessageKey) });
          expect(text, `${node.id} (${locale})`).not.toMatch(MOVES_DATA);
          expect(text, `${node.id} (${locale})`).toContain(
            catalogs[locale][node.id === 'tokenize' ? 'views.tab.tokens' : 'views.tab.sampling']!,
          );
        }
      }
    });

    it(`${describeConfig(config)}: every box has a label, an explanation, a why and a caption in both languages`, () => {
      const params = textParams(config);
      for (const node of flowChartFor(config).nodes) {
        const texts = boxTexts(node.key, config);
        for (const key of [texts.label, ...texts.explain, texts.why, texts.caption]) {
          for (const locale of LOCALES) {
            const text = catalogs[locale][key];
            expect(text, `${key} (${locale})`).toBeTruthy();
            // Every parameter a label, explanation or why uses is one the config supplies (captions get live values).
            if (key !== texts.caption)
              for (const [, name] of text!.matchAll(/\{(\w+)\}/g))
                expect(params, `${key} (${locale}) uses {${name}}`).toHaveProperty(name!);
          }
        }
      }
    });
  }

  /** What the why texts must teach, box by box, and for which models (a point that needs RoPE or grouped-query
   * attention is also checked to be absent elsewhere): how the weights were learned; that the norm sits on the
   * branch, which keeps the stream a sum the logit lens can read; why the MLP widens and needs a non-linearity;
   * that the cache keeps keys already rotated; that sharing K/V heads saves memory, not attention's arithmetic. */
  const TEACHES: {
    point: string;
    where: (config: ModelConfig) => MessageKey[];
    applies: (config: ModelConfig) => boolean;
    en: RegExp;
    zh: RegExp;
  }[] = [
    {
      point: 'training',
      where: (c) => [boxOf(c, 'start').why],
      applies: () => true,
      en: /next token at every position at once[\s\S]*cross-entropy[\s\S]*gradient descent/,
      zh: /每个位置同时预测下一个词元[\s\S]*交叉熵[\s\S]*梯度下降/,
    },
    {
      point: 'pre-norm',
      where: (c) => [boxOf(c, 'ln1').why],
      applies: () => true,
      en: /on the branch, not on the stream \(pre-norm\)[\s\S]*logit lens/,
      zh: /放在分支上，而不在残差流上（前置归一化，pre-norm）[\s\S]*logit 透镜/,
    },
    {
      point: 'MLP width and non-linearity',
      where: (c) => [boxOf(c, 'mlp').why],
      applies: () => true,
      en: /many neurons that can each detect a pattern[\s\S]*collapse into one linear map/,
      zh: /每个都能识别一种模式[\s\S]*合并成一个线性变换/,
    },
    {
      point: 'rotated keys in the cache',
      where: (c) => [...(flowChartFor(c).nodes.some((n) => n.id === 'rope') ? [boxOf(c, 'rope').why] : []), ...viewWording(c).cache],
      applies: (c) => traitsOf(c).position === 'rope',
      en: /keys? already rotated[\s\S]*depends only on its own position/,
      zh: /旋转后的键[\s\S]*只取决于它自己的位置/,
    },
    {
      point: 'memory, not arithmetic',
      where: (c) => [boxOf(c, 'qkv').why, ...viewWording(c).cache],
      applies: (c) => c.nKvHead < c.nHead,
      en: /not the work of attention itself|scores and weighted sums cost the same/,
      zh: /不是注意力本身的计算|打分和加权求和的计算量并没有减少/,
    },
  ];
  function boxOf(config: ModelConfig, id: NodeId) {
    return boxTexts(flowChartFor(config).nodes.find((node) => node.id === id)!.key, config);
  }

  for (const config of configs) {
    it(`${describeConfig(config)}: the why texts teach what this architecture needs, in both languages`, () => {
      for (const teach of TEACHES) {
        const keys = teach.where(config);
        for (const locale of LOCALES) {
          const taught = keys.some((key) => (locale === 'en' ? teach.en : teach.zh).test(catalogs[locale][key]!));
          expect(taught, `${teach.point} (${locale}) in ${keys.join(', ') || 'no key'}`).toBe(teach.applies(config));
        }
      }
    });
  }

  it('the teaching check can fail: no point is found in a text that does not make it', () => {
    for (const teach of TEACHES) {
      expect(teach.en.test(en['flow.why.input']), teach.point).toBe(false);
      expect(teach.zh.test(zhCN['flow.why.input']), teach.point).toBe(false);
    }
    expect(
      TEACHES.find((t) => t.point === 'MLP width and non-linearity')!.en.test(
        en['flow.why.mlpSwiglu'].replace('collapse into one linear map', 'merge'),
      ),
    ).toBe(false);
  });

  it('the view strings exist in both languages', () => {
    for (const config of configs)
      for (const key of shownKeys(config))
        for (const locale of LOCALES) expect(catalogs[locale][key as MessageKey], `${key} (${locale})`).toBeTruthy();
  });
});

describe('formulas', () => {
  for (const config of configs) {
    it(`${describeConfig(config)}: every box’s formula renders in KaTeX in both languages, with no prose inside`, () => {
      const keys = new Set([...flowChartFor(config).nodes.map((node) => node.key), ...FORMULA_KEYS]);
      for (const locale of LOCALES) {
        for (const key of keys) {
          const tex = formulaFor(key, config);
          if (!tex) continue;
          // strict: a Unicode character or an unknown command in math mode is an error, not a warning.
          expect(
            () => katex.renderToString(tex, { throwOnError: true, strict: 'error', displayMode: true, output: 'html' }),
            `${key} (${locale})`,
          ).not.toThrow();
          // Formulas are word-free, so the Chinese page gets no English sentence inside one.
          expect(tex, key).not.toMatch(/\\text\{/);
        }
      }
    });
  }

  it('a broken formula does fail to render (the check above can fail)', () => {
    expect(() => katex.renderToString('\\frac{q \\cdot k', { throwOnError: true, strict: 'error' })).toThrow();
  });

  it('RoPE uses the base θ from the config and d_head, with the range of i', () => {
    const llama = configs.find((c) => c.architecture === 'llama')!;
    expect(formulaFor('rope', { ...llama, ropeTheta: 1000000 })).toContain('\\theta_i = 1\\,000\\,000^{-2i/d_{head}}');
    expect(formulaFor('rope', { ...llama, ropeTheta: 10000 })).toContain('10\\,000^{-2i/d_{head}}');
    expect(formulaFor('rope', llama)).toContain('i = 0, 1, \\dots, d_{head}/2 - 1');
    // Rescaled frequencies: the power is θ before rope_scaling, not the θ the model turns by.
    expect(formulaFor('rope', llama)).not.toContain('rope\\_scaling');
    expect(formulaFor('rope', { ...llama, ropeScaling: 'llama3' })).toContain(
      '\\theta_i = \\mathrm{rope\\_scaling}\\big(\\theta^{0}_i\\big),\\quad \\theta^{0}_i = 500\\,000^{-2i/d_{head}}',
    );
    // d is never used bare: d_head for the head size, d_model for the norms.
    for (const key of FORMULA_KEYS) expect(formulaFor(key, llama) ?? '', key).not.toMatch(/[^_]\bd\b|\{d\}|\/d[^_]/);
  });

  it('the scores and the weighted sum name the K/V head ⌈h·H_kv/H⌉ (heads counted from 1) only under grouped-query attention', () => {
    const grouped = configs.find((c) => c.architecture === 'llama' && c.nKvHead < c.nHead)!;
    expect(formulaFor('scores', grouped)).toContain('g = \\lceil h H_{kv} / H \\rceil');
    expect(formulaFor('weightedSum', grouped)).toContain('v^{g}_j');
    expect(formulaFor('scores', { ...grouped, nKvHead: grouped.nHead })).not.toContain('H_{kv}');
    // QK-norm writes k^g too, so it says what g is.
    expect(formulaFor('qkNorm', grouped)).toContain('\\hat{k}^{g}_t');
    expect(formulaFor('qkNorm', grouped)).toContain('g = \\lceil h H_{kv} / H \\rceil');
  });

  it('attention’s output is a function of the normalised x̂ it read; top-k 0 means the whole vocabulary', () => {
    for (const config of configs) expect(formulaFor('outProj', config)).toMatch(/^\\mathrm\{attn\}\(\\hat\{x\}\) = /);
    expect(formulaFor('filter', configs[0]!)).toContain('(k = 0 \\Rightarrow k = V)');
  });
});

describe('captions', () => {
  const llama = configs.find((c) => c.architecture === 'llama' && c.nKvHead < c.nHead)!;
  /** A run of one step on a 3-token prompt, sampled for real from made-up logits: top-k 3 leaves .4/.9 = .44 on
   * top, enough for top-p 0.44 alone (on the whole vocabulary .4 would not be). */
  function run(config: ModelConfig, temperature: number): Trace {
    const decision = sample([Math.log(0.4), Math.log(0.3), Math.log(0.2), Math.log(0.1)], { temperature, topK: 3, topP: 0.44 }, () => 0.3);
    return {
      config,
      prompt: 'abc',
      promptLength: 3,
      tokens: [],
      rows: {},
      points: [],
      steps: [{ position: 2, decision, token: { id: decision.chosenId }, candidateTokens: [] }],
      stopReason: 'max-tokens',
    } as unknown as Trace;
  }
  /** As the flow panel shows a caption: parameters that are message keys (answers, reasons) resolved first. */
  function shown(locale: Locale, trace: Trace, node: Frame['node'], layer: number | null = null): string {
    const key = flowChartFor(trace.config).nodes.find((n) => n.id === node)!.key;
    const { key: captionKey, params } = captionFor(trace, { node, layer, step: 0 }, (id) => `#${id}`, false, key, translator(locale));
    const fill = (template: string, values: Record<string, string | number>) =>
      template.replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
    const resolved = Object.fromEntries(
      Object.entries(params).map(([name, value]) => [
        name,
        typeof value === 'string' && value in catalogs[locale] ? fill(catalogs[locale][value]!, params) : value,
      ]),
    );
    return fill(catalogs[locale][captionKey]!, resolved);
  }

  it('greedy decoding is not “divided by T = 0”, and sampling names its temperature', () => {
    for (const locale of LOCALES) {
      expect(shown(locale, run(llama, 0), 'temperature')).toContain('T = 1');
      expect(shown(locale, run(llama, 0), 'temperature')).not.toContain('T = 0.');
      expect(shown(locale, run(llama, 0.7), 'temperature')).toContain('T = 0.7');
    }
  });

  it('greedy decoding is not narrated as filtered or softmaxed over kept logits: the filter and softmax say it needs neither', () => {
    for (const locale of LOCALES) {
      for (const node of ['filter', 'probabilities'] as const) {
        const greedy = shown(locale, run(llama, 0), node);
        expect(greedy, `${node} (${locale})`).toContain('T = 1');
        expect(greedy, `${node} (${locale})`).not.toMatch(/[Tt]op-[kp]|kept|保留/);
        expect(shown(locale, run(llama, 0.7), node), `${node} (${locale})`).toMatch(/[Tt]op-k|kept|保留/);
      }
    }
    expect(shown('en', run(llama, 0), 'filter')).toBe(
      'Greedy decoding applies no filter: no token is cut (the bars: softmax at T = 1 over the whole vocabulary).',
    );
    // Two boxes in a row are not read out with the same sentence.
    for (const locale of LOCALES) expect(shown(locale, run(llama, 0), 'filter')).not.toBe(shown(locale, run(llama, 0), 'probabilities'));
  });

  it('greedy decoding’s thumbnails after the temperature show softmax at T = 1 over the whole vocabulary, not filtered bars', () => {
    for (const temperature of [0, 0.7]) {
      const trace = run(llama, temperature);
      const box = boxContext(frameContext(trace, { node: 'filter', layer: null, step: 0 }, 0, (id) => `#${id}`, false))!;
      const { candidates } = trace.steps[0]!.decision;
      for (const node of ['filter', 'probabilities', 'sample'] as const) {
        const picture = NODE_SPECS[node].picture!(box) as { title: string; items: { value: number }[] };
        const size = NODE_SPECS[node].size!(box);
        if (temperature === 0) {
          expect(picture.title, node).toBe('softmax T=1');
          expect(
            picture.items.map((item) => item.value),
            node,
          ).toEqual(candidates.slice(0, 5).map((c) => c.scaledProbability));
          expect(JSON.stringify(size), node).toContain(String(llama.vocabSize));
        } else {
          expect(picture.title, node).toMatch(/^top-[kp] T=0.7$/);
          expect(
            picture.items.map((item) => item.value),
            node,
          ).toEqual(candidates.slice(0, 5).map((c) => (node === 'filter' ? c.afterTopK : c.afterTopP)));
        }
      }
    }
  });

  it('the filter caption gives top-k’s count, then top-p’s on the renormalised survivors', () => {
    const trace = run(llama, 1);
    const { keptAfterTopK, keptAfterTopP } = trace.steps[0]!.decision;
    expect([keptAfterTopK, keptAfterTopP]).toEqual([3, 1]);
    expect(shown('en', trace, 'filter')).toBe(
      `Top-k keeps 3 of ${llama.vocabSize} candidates; top-p, applied to their renormalised probabilities, keeps 1.`,
    );
  });

  it('Q and K/V shapes go into the sentences about Q and about K/V; no placeholder is left unfilled', () => {
    const trace = run(llama, 1);
    expect(shown('en', trace, 'qkv', 0)).toContain(
      `Q [3 positions × ${llama.nHead} heads × ${llama.dHead} dims]; keys and values for only ${llama.nKvHead} heads, K and V [3 positions × ${llama.nKvHead} heads × ${llama.dHead} dims] each`,
    );
    expect(shown('zh-CN', trace, 'qkv', 0)).toContain(`[3 个位置 × ${llama.nHead} 个头 × ${llama.dHead} 维]`);
    for (const locale of LOCALES) {
      for (const config of configs) {
        for (const node of flowChartFor(config).nodes) {
          if (node.id === 'start' || node.id === 'input') continue;
          expect(shown(locale, run(config, 1), node.id, node.region === 'layer' ? 0 : null), `${node.key} (${locale})`).not.toMatch(
            /\{\w+\}/,
          );
        }
      }
    }
  });

  it('without a KV cache, a later step’s embedding says every token ran again, and that the chart shows the new one', () => {
    const one = run(llama, 0.7);
    const step = { ...one.steps[0]!, position: 3 };
    const trace = {
      ...one,
      rows: { hook_embed: Array.from({ length: 4 }, () => new Float32Array(llama.dModel)) },
      points: [{ hook: 'hook_embed', tensor: 'e', layer: null, layout: 'tokens' }],
      steps: [one.steps[0]!, step],
    } as unknown as Trace;
    const caption = (stepIndex: number, cached: boolean) =>
      captionFor(trace, { node: 'embed', layer: null, step: stepIndex }, (id) => `#${id}`, false, 'embed', translator('en'), cached);
    // With a cache a later step looks up one token: "the new token", never "each of the 1 new tokens".
    const cachedStep = caption(1, true);
    expect(cachedStep.key).toBe('flow.caption.embedNew');
    expect(translator('en')(cachedStep.key, cachedStep.params)).toMatch(/^Step 2: the new token looks up its row/);
    expect(caption(0, false).key).toBe('flow.caption.embed');
    const full = caption(1, false);
    expect(full.key).toBe('flow.caption.embedFull');
    for (const locale of LOCALES) {
      const text = translator(locale)(full.key, full.params);
      expect(text, locale).toContain('4');
      expect(text, locale).toMatch(/no KV cache|没有 KV 缓存/);
      expect(text, locale).not.toMatch(/\{\w+\}/);
    }
  });

  it('a teacher-forced run appends the token it is fed and says what its own draw picked', () => {
    const sampled = run(llama, 1);
    const chosen = sampled.steps[0]!.decision.chosenId;
    expect(shown('en', sampled, 'append')).toBe(`“#${chosen}” is appended to the sequence.`);
    const fed = chosen + 1;
    const forced = { ...sampled, feeding: 'teacher-forced', steps: [{ ...sampled.steps[0]!, token: { id: fed } }] } as unknown as Trace;
    expect(shown('en', forced, 'append')).toBe(
      `“#${fed}” is appended to the sequence: run A’s token, fed to this teacher-forced run; its own draw picked “#${chosen}”.`,
    );
    expect(shown('zh-CN', forced, 'append')).toContain(`它自己采样选的是“#${chosen}”`);
  });

  it('the end caption states its reason once', () => {
    expect(shown('en', run(llama, 1), 'end')).toBe('The program ends: it reached the maximum number of new tokens you set (1).');
    expect(shown('zh-CN', run(llama, 1), 'end')).toBe('程序结束：已生成 1 个新词元，达到设定的上限。');
  });
});

describe('claims a causal decoder does not bear out', () => {
  const texts = [en, zhCN, lessonEn, lessonZhCN].flatMap((catalog) => Object.entries(catalog as Record<string, string>));
  const claims = [
    // The causal mask gives each position another prefix: only the order within a prefix is lost without position.
    /as a set|无序集合/,
    // After layer 1 the stream holds what attention read by position.
    /carries no position|不带位置/,
    // With a cache, attention still reads every earlier key at each step: only projections and MLP become linear.
    /work grows with the square of its length instead of linearly|随长度的平方增长，而不是线性增长/,
    // A SentencePiece vocabulary starts from characters, with bytes only as a fallback.
    /byte-level BPE tokenizer starts from the 256 bytes|字节级 BPE 分词器从 256 个字节出发|BPE starts from bytes|BPE 从字节出发/,
    // Chat models are tuned further, on other losses.
    /Every weight in it was learned the same way|每个权重都是用同一种方法学出来的/,
  ];
  it('no string makes them, in either language', () => {
    expect(texts.filter(([, text]) => claims.some((claim) => claim.test(text))).map(([key]) => key)).toEqual([]);
  });
});

describe('wording', () => {
  const texts = [en, zhCN, lessonEn, lessonZhCN].flatMap((catalog) => Object.entries(catalog as Record<string, string>));
  const found = (pattern: RegExp) => texts.filter(([, text]) => pattern.test(text)).map(([key]) => key);

  it('heads and positions count from 1 in sentences and formulas, as on screen', () => {
    expect(found(/\b0…|tokens 0\b|词元 0/)).toEqual([]);
    for (const config of configs) expect(formulaFor('outProj', config)).toContain('z^{1}; \\dots; z^{H}');
  });

  it('says what it means: no calques, no “letters” for bytes, no learning while running, A’s first new token', () => {
    expect(found(/被暂缓|门让它们|省到|一开始就相当于恒等/)).toEqual([]);
    expect(found(/printable letter|start out as the identity|each position learns|让每个位置记住/)).toEqual([]);
    expect(en['views.compare.rankTitle']).toContain('first new token');
    expect(zhCN['views.compare.rankTitle']).toContain('生成的第一个词元');
  });

  it('no claim wider than the facts: kept keys come from the pass that first computed them, fp16 graphs keep some parts in float32, 8-bit graphs round their inputs too', () => {
    // The prompt's positions come from the prompt's pass, where only the last one was newest.
    expect(found(/step in which it was newest|step where it was newest|还是最新位置/)).toEqual([]);
    expect(found(/every intermediate result in float16|每个中间结果都存成 float16/)).toEqual([]);
    expect(found(/一点顺序，但很有限|only where its input changed, that is where/)).toEqual([]);
    for (const dtype of ['q8', 'int8', 'uint8']) {
      expect(catalogs.en[`term.dtype.${dtype}`]).toContain('each product with these weights rounds its input to 8 bits too');
      expect(catalogs['zh-CN'][`term.dtype.${dtype}`]).toContain('与这些 8 位权重相乘的输入也舍入到 8 位');
      expect(catalogs.en[`hub.dtype.${dtype}`]).toContain('rounds its input to 8 bits');
      expect(catalogs['zh-CN'][`hub.dtype.${dtype}`]).toContain('输入也舍入到 8 位');
    }
  });

  it('one description of what a large model keeps as it generates, and the clicker’s paging said in the key list', () => {
    const kept = {
      en: 'only the residual stream between layers, with the embeddings, the final norm’s output and the newest positions’ logits, and the layers open in the views',
      zh: '只保留各层之间的残差流，外加词嵌入、最终归一化的输出和最新几个位置的 logits，以及视图中打开的层',
    };
    for (const [catalog, phrase] of [
      [en, kept.en],
      [zhCN, kept.zh],
    ] as const) {
      expect(catalog['detail.computing']).toContain(phrase);
      expect(catalog['views.capturingLayer']).toContain(phrase);
      expect(catalog['playback.keys']).toMatch(/PageDown \/ PageUp (first page|先翻完)/);
    }
  });
});

describe('zh-CN wording', () => {
  it('says 词元 for token (the title says so once), logits and logit 透镜, never 逻辑值 / 逻辑透镜', () => {
    const english = Object.entries(zhCN).filter(
      ([key, text]) => key !== 'tokens.title' && /\btokens?\b/i.test(text.replace(/\{\w+\}|tokenizer\.json/g, '')),
    );
    expect(english).toEqual([]);
    expect(zhCN['tokens.title']).toContain('词元（token）');
    expect(Object.entries(zhCN).filter(([, text]) => /逻辑值|逻辑透镜/.test(text))).toEqual([]);
    // The lens table's column is a noun (阶段), its rows say after what.
    expect(zhCN['views.lens.stage']).toBe('阶段');
    expect(zhCN['views.lens.layer']).toBe('第 {layer} 层之后');
    // One name for W_U: 输出层, glossed as 反嵌入 (unembedding) where it is introduced, never alone.
    expect(Object.entries(zhCN).filter(([, text]) => text.replaceAll('（反嵌入，unembedding）', '').includes('反嵌入'))).toEqual([]);
    // 步 is a generation step wherever it labels one; the two end boxes differ by more than a question mark.
    expect(zhCN['views.cache.step']).toBe(zhCN['next.step']);
    expect(zhCN['flow.node.done'].replace(/？$/, '')).not.toBe(zhCN['flow.node.end']);
    expect(zhCN['flow.node.posEmbed']).toContain('位置嵌入（可学习）');
  });

  it('the end caption states its reason once, in both languages', () => {
    for (const reason of ['eos', 'max-tokens', 'context-full', 'stopped']) {
      for (const locale of LOCALES) {
        const text = catalogs[locale]['flow.caption.end']!.replace('{reason}', catalogs[locale][`flow.reason.${reason}`]!);
        expect(text).not.toMatch(/Stopped|已停止/);
      }
    }
  });
});
