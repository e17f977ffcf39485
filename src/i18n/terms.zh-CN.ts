import type { termsEn } from './terms.en';

/** 张量各轴的中文名（屏幕上的每个形状都写出各轴的含义），以及页面先用后讲的术语的简短解释。 */
export const termsZhCN: Record<keyof typeof termsEn, string> = {
  'shape.tokens': '{n} 个词元',
  'shape.tokens.one': '1 个词元',
  'shape.positions': '{n} 个位置',
  'shape.positions.one': '1 个位置',
  'shape.queries': '{n} 个查询',
  'shape.queries.one': '1 个查询',
  'shape.keys': '{n} 个键',
  'shape.keys.one': '1 个键',
  'shape.heads': '{n} 个头',
  'shape.heads.one': '1 个头',
  'shape.dims': '{n} 维',
  'shape.dims.one': '1 维',
  'shape.neurons': '{n} 个神经元',
  'shape.neurons.one': '1 个神经元',
  'shape.vocab': '词表中的 {n} 个词元',
  'shape.candidates': '{n} 个候选词元',
  'shape.candidates.one': '1 个候选词元',
  'shape.layers': '{n} 层',
  'shape.layers.one': '1 层',
  'shape.stages': '{n} 个阶段',
  'shape.stages.one': '1 个阶段',
  'shape.title': '形状：{shape}',
  'shape.heatmapName': '{title} {shape}，最大：{best}',
};
