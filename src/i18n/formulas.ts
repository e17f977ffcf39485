import type { NodeId } from '../flow/chart';

/** The formula of each box, in TeX (rendered with KaTeX); the same in both languages. */
export const FORMULAS: Partial<Record<NodeId, string>> = {
  embed: 'e_t = W_E[\\,\\mathrm{id}_t\\,]',
  posEmbed: 'p_t = W_{pos}[\\,t\\,]',
  residual: 'x_t^{(0)} = e_t + p_t',
  ln1: '\\mathrm{LN}(x) = \\gamma \\odot \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}} + \\beta',
  qkv: 'Q = \\mathrm{LN}(x) W_Q,\\; K = \\mathrm{LN}(x) W_K,\\; V = \\mathrm{LN}(x) W_V',
  scores: 'S_{ij} = \\frac{q_i \\cdot k_j}{\\sqrt{d_{head}}}',
  mask: 'S_{ij} = -\\infty \\quad \\text{for } j > i',
  softmax: 'A_{ij} = \\frac{e^{S_{ij}}}{\\sum_{k \\le i} e^{S_{ik}}}',
  weightedSum: 'z_i = \\sum_{j \\le i} A_{ij}\\, v_j',
  outProj: '\\mathrm{attn}(x) = [z^{1}; \\dots; z^{H}]\\, W_O',
  residAdd1: 'x \\leftarrow x + \\mathrm{attn}(\\mathrm{LN}_1(x))',
  ln2: '\\mathrm{LN}(x) = \\gamma \\odot \\frac{x - \\mu}{\\sqrt{\\sigma^2 + \\epsilon}} + \\beta',
  mlp: '\\mathrm{mlp}(x) = \\mathrm{GELU}(x W_{in} + b_{in})\\, W_{out} + b_{out}',
  residAdd2: 'x \\leftarrow x + \\mathrm{mlp}(\\mathrm{LN}_2(x))',
  lnFinal: '\\hat{x} = \\mathrm{LN}_f(x^{(N)})',
  unembed: '\\mathrm{logits} = \\hat{x}_{T}\\, W_E^{\\top}',
  temperature: 'z_i = \\mathrm{logit}_i / T',
  filter: 'K = \\text{top-}k(z) \\cap \\text{top-}p(z)',
  probabilities: 'P_i = \\frac{e^{z_i}}{\\sum_{j \\in K} e^{z_j}}',
  sample: '\\text{choose the first } i \\text{ with } \\sum_{j \\le i} P_j > u,\\; u \\sim U[0, 1)',
};
