/** One fixed colour per kind of data, shared by the flow chart and the detail views (Tableau 10: distinguishable
 * for the common forms of colour blindness, and each box also carries a text label). */
export const FAMILY_COLORS: Record<string, string> = {
  io: '#9c755f',
  embedding: '#76b7b2',
  residual: '#59a14f',
  norm: '#b07aa1',
  attention: '#4e79a7',
  mlp: '#f28e2b',
  output: '#e15759',
  sampling: '#edc948',
  control: '#bab0ac',
};
