import type { ModelConfig } from '../engine/models/config';
import { isGrouped, traitsOf, type ArchitectureTraits } from '../engine/models/architecture';

/** What a formula depends on: the architecture's traits and a few config values. */
export type FormulaConfig = Pick<ModelConfig, 'architecture' | 'nHead' | 'nKvHead' | 'ropeTheta' | 'tieWordEmbeddings'> &
  Partial<Pick<ModelConfig, 'ropeScaling'>>;

interface Context {
  traits: ArchitectureTraits;
  grouped: boolean;
  /** The norm as written in formulas: LN or RMSNorm. */
  norm: string;
  theta: number;
  /** The config rescales RoPE's frequencies (rope_scaling): the plain θ is what goes in, not what the model uses. */
  ropeScaled: boolean;
}

/** A number in TeX with thin spaces between groups of three digits: 10\,000, 1\,000\,000. */
export function texNumber(value: number): string {
  if (!Number.isInteger(value)) return String(value);
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, '\\,');
}

const bias = (on: boolean, name: string) => (on ? ` + b_{${name}}` : '');
/** The K/V head a query head reads: itself, or its group's under grouped-query attention. */
const kvIndex = (c: Context) => (c.grouped ? 'g' : 'h');
// Heads counted from 1, as on screen: query head h reads key/value head ⌈h · H_kv / H⌉.
const groupNote = (c: Context) => (c.grouped ? ',\\quad g = \\lceil h H_{kv} / H \\rceil' : '');
/** Q and K after the rotary embedding carry a prime. */
const rotated = (c: Context, name: string) => (c.traits.position === 'rope' ? `{${name}'}` : name);

const rmsNorm = '\\mathrm{RMSNorm}(x) = \\gamma \\odot \\frac{x}{\\sqrt{\\tfrac{1}{d_{model}} \\sum_{i=1}^{d_{model}} x_i^2 + \\epsilon}}';
const layerNorm =
  '\\mathrm{LN}(x) = \\gamma \\odot \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}} + \\beta,\\quad \\mu = \\tfrac{1}{d_{model}} \\sum_i x_i,\\; \\sigma^2 = \\tfrac{1}{d_{model}} \\sum_i (x_i - \\mu)^2';

/** Q, K, V from the normalised stream: GPT-2's one fused product, or three projections (H_kv heads for K and V
 * under grouped-query attention); biases where the architecture has them (GPT-2, Qwen2). */
function qkv(c: Context): string {
  const input = `\\hat{x} = \\mathrm{${c.norm}}_1(x)`;
  const kvHeads = c.grouped ? 'H_{kv}' : 'H';
  if (c.traits.fusedQkv) {
    return `[\\,Q \\;\\; K \\;\\; V\\,] = \\hat{x}\\, W_{QKV}${bias(c.traits.qkvBias, 'QKV')},\\quad ${input},\\quad Q, K, V \\in \\mathbb{R}^{T \\times H \\times d_{head}}`;
  }
  return `\\begin{aligned} &Q = \\hat{x} W_Q${bias(c.traits.qkvBias, 'Q')},\\; K = \\hat{x} W_K${bias(c.traits.qkvBias, 'K')},\\; V = \\hat{x} W_V${bias(c.traits.qkvBias, 'V')},\\quad ${input} \\\\ &Q \\in \\mathbb{R}^{T \\times H \\times d_{head}},\\; K, V \\in \\mathbb{R}^{T \\times ${kvHeads} \\times d_{head}} \\end{aligned}`;
}

/** RoPE as Hugging Face's `rotate_half` computes it: coordinate i is paired with i + d_head/2, and the pair of the
 * token at position t turns by t·θ_i, θ_i = base^(−2i/d_head) with the base from the config (`rope_theta`). */
function rope(c: Context): string {
  // Qwen3 rotates the QK-normed vectors (the qkNorm box's \hat{q}, \hat{k}).
  const q = c.traits.qkNorm ? '\\hat{q}' : 'q';
  const k = c.traits.qkNorm ? '\\hat{k}' : 'k';
  return [
    '\\begin{aligned}',
    `&\\begin{pmatrix} u'_{i} \\\\ u'_{i + d_{head}/2} \\end{pmatrix} = \\begin{pmatrix} \\cos t\\theta_i & -\\sin t\\theta_i \\\\ \\sin t\\theta_i & \\cos t\\theta_i \\end{pmatrix} \\begin{pmatrix} u_{i} \\\\ u_{i + d_{head}/2} \\end{pmatrix},\\quad u \\in \\{${q}_t, ${k}_t\\} \\\\`,
    c.ropeScaled
      ? `&\\theta_i = \\mathrm{rope\\_scaling}\\big(\\theta^{0}_i\\big),\\quad \\theta^{0}_i = ${texNumber(c.theta)}^{-2i/d_{head}},\\quad i = 0, 1, \\dots, d_{head}/2 - 1 \\\\`
      : `&\\theta_i = ${texNumber(c.theta)}^{-2i/d_{head}},\\quad i = 0, 1, \\dots, d_{head}/2 - 1 \\\\`,
    `&{q'_t} \\cdot {k'_s} = ${q}_t^{\\top} R\\big((s - t)\\,\\theta\\big)\\, ${k}_s`,
    '\\end{aligned}',
  ].join(' ');
}

const FORMULAS: Record<string, (c: Context) => string> = {
  embed: () => 'e_t = W_E[\\,\\mathrm{id}_t\\,]',
  posEmbed: () => 'p_t = W_{pos}[\\,t\\,]',
  residual: () => 'x_t^{(0)} = e_t + p_t',
  residualRope: () => 'x_t^{(0)} = e_t',
  ln1: () => layerNorm,
  ln2: () => layerNorm,
  ln1Rms: () => rmsNorm,
  ln2Rms: () => rmsNorm,
  qkv,
  qkvSplit: qkv,
  qkvGqa: qkv,
  // Qwen3's QK-norm: an RMSNorm over each head's d_head numbers, before RoPE.
  qkNorm: (c) =>
    `\\hat{q}^{h}_t = \\mathrm{RMSNorm}_q\\big(q^{h}_t\\big),\\quad \\hat{k}^{${kvIndex(c)}}_t = \\mathrm{RMSNorm}_k\\big(k^{${kvIndex(c)}}_t\\big),\\quad q^{h}_t, k^{${kvIndex(c)}}_t \\in \\mathbb{R}^{d_{head}}${groupNote(c)}`,
  rope,
  scores: (c) =>
    `S^{h}_{ij} = \\frac{${rotated(c, 'q')}^{h}_{i} \\cdot ${rotated(c, 'k')}^{${kvIndex(c)}}_{j}}{\\sqrt{d_{head}}}${groupNote(c)}`,
  mask: () => 'S_{ij} = -\\infty \\quad (j > i)',
  softmax: () => 'A_{ij} = \\frac{e^{S_{ij}}}{\\sum_{m \\le i} e^{S_{im}}}',
  weightedSum: (c) => `z^{h}_i = \\sum_{j \\le i} A^{h}_{ij}\\, v^{${kvIndex(c)}}_j${groupNote(c)}`,
  outProj: (c) => `\\mathrm{attn}(\\hat{x}) = [\\,z^{1}; \\dots; z^{H}\\,]\\, W_O${bias(c.traits.linearBias, 'O')}`,
  residAdd1: (c) => `x \\leftarrow x + \\mathrm{attn}\\big(\\mathrm{${c.norm}}_1(x)\\big)`,
  mlp: (c) =>
    `\\mathrm{mlp}(\\hat{x}) = \\mathrm{GELU}(\\hat{x} W_{in}${bias(c.traits.linearBias, 'in')})\\, W_{out}${bias(c.traits.linearBias, 'out')},\\quad \\mathrm{GELU}(u) \\approx \\tfrac{u}{2}\\Big(1 + \\tanh\\Big[\\sqrt{2/\\pi}\\,\\big(u + 0.044715\\, u^3\\big)\\Big]\\Big)`,
  mlpSwiglu: (c) =>
    `\\mathrm{mlp}(\\hat{x}) = \\big(\\mathrm{SiLU}(\\hat{x} W_{gate}) \\odot \\hat{x} W_{up}\\big)\\, W_{down}${bias(c.traits.linearBias, 'down')},\\quad \\mathrm{SiLU}(u) = \\frac{u}{1 + e^{-u}}`,
  residAdd2: (c) => `x \\leftarrow x + \\mathrm{mlp}\\big(\\mathrm{${c.norm}}_2(x)\\big)`,
  moreLayers: () => 'l \\leftarrow l + 1 \\quad (l < N)',
  lnFinal: () => '\\hat{x} = \\mathrm{LN}_f\\big(x^{(N)}\\big)',
  lnFinalRms: () => '\\hat{x} = \\mathrm{RMSNorm}_f\\big(x^{(N)}\\big)',
  unembed: () => '\\mathrm{logits}_t = \\hat{x}_t\\, W_E^{\\top} \\in \\mathbb{R}^{V}',
  unembedUntied: () => '\\mathrm{logits}_t = \\hat{x}_t\\, W_U \\in \\mathbb{R}^{V}',
  temperature: () => 'z_i = \\begin{cases} \\mathrm{logit}_i / T & T > 0 \\\\ \\mathrm{logit}_i & T = 0 \\end{cases}',
  // As src/engine/sampling.ts computes it: top-p runs on the distribution renormalised over the top-k survivors.
  filter: () =>
    [
      '\\begin{aligned}',
      '&z_{(1)} \\ge z_{(2)} \\ge \\dots \\ge z_{(V)},\\quad K_k = \\{(1), \\dots, (k)\\}\\quad (k = 0 \\Rightarrow k = V) \\\\',
      '&\\pi_{(r)} = \\frac{e^{z_{(r)}}}{\\sum_{s=1}^{k} e^{z_{(s)}}},\\quad r \\le k \\\\',
      '&m = \\min\\Big\\{\\, r \\le k : \\sum_{s=1}^{r} \\pi_{(s)} \\ge p \\,\\Big\\},\\quad K = \\{(1), \\dots, (m)\\}',
      '\\end{aligned}',
    ].join(' '),
  probabilities: () => 'P_i = \\begin{cases} \\dfrac{e^{z_i}}{\\sum_{j \\in K} e^{z_j}} & i \\in K \\\\ 0 & i \\notin K \\end{cases}',
  sample: () =>
    'i^{*} = \\begin{cases} (r^{*}),\\; r^{*} = \\min\\big\\{\\, r : \\sum_{s=1}^{r} P_{(s)} > u \\,\\big\\},\\; u \\sim U[0, 1) & T > 0 \\\\ \\arg\\max_i \\mathrm{logit}_i & T = 0 \\end{cases}',
  append: () => '\\mathrm{ids} \\leftarrow [\\,\\mathrm{ids};\\; i^{*}\\,]',
};

/** The TeX formula of a box (its chart key), written for this model: its norm, its biases, grouped-query
 * attention, the RoPE base from its config. Word-free, so the same in both languages. Null for a box without one. */
export function formulaFor(key: string, config: FormulaConfig): string | null {
  const build = FORMULAS[key];
  if (!build) return null;
  const traits = traitsOf(config);
  return build({
    traits,
    grouped: isGrouped(config),
    norm: traits.norm === 'rmsnorm' ? 'RMSNorm' : 'LN',
    theta: config.ropeTheta ?? 10000,
    ropeScaled: Boolean(config.ropeScaling),
  });
}

/** Every box key that has a formula (for tests). */
export const FORMULA_KEYS = Object.keys(FORMULAS);
