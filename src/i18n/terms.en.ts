/** English names of tensor axes (every shape on screen names its axes) and the glossary of terms the page uses
 * before explaining them. An axis name with `.one` is its singular. */
export const termsEn = {
  'shape.tokens': '{n} tokens',
  'shape.tokens.one': '1 token',
  'shape.positions': '{n} positions',
  'shape.positions.one': '1 position',
  'shape.queries': '{n} queries',
  'shape.queries.one': '1 query',
  'shape.keys': '{n} keys',
  'shape.keys.one': '1 key',
  'shape.heads': '{n} heads',
  'shape.heads.one': '1 head',
  'shape.dims': '{n} dims',
  'shape.dims.one': '1 dim',
  'shape.neurons': '{n} neurons',
  'shape.neurons.one': '1 neuron',
  'shape.vocab': '{n} vocabulary tokens',
  'shape.candidates': '{n} candidates',
  'shape.candidates.one': '1 candidate',
  'shape.layers': '{n} layers',
  'shape.layers.one': '1 layer',
  'shape.stages': '{n} stages',
  'shape.stages.one': '1 stage',
  'shape.title': 'Shape: {shape}',
  'shape.heatmapName': '{title} {shape}, largest: {best}',
  // The glossary: `.name` is how the page writes the term, the key alone its short explanation.
  'term.logits.name': 'logits',
  'term.logits':
    'The model’s raw scores, one for each token of the vocabulary, before softmax turns them into probabilities: the higher the score, the likelier the token.',
  'term.logitLens.name': 'logit lens',
  'term.logitLens':
    'Reading the residual stream after an earlier layer as if it were the last: the final norm and the unembedding applied there show which tokens the model already leans towards.',
  'term.dModel.name': 'd_model',
  'term.dModel': 'The width of the residual stream: how many numbers stand for each token between the layers.',
  'term.dHead.name': 'd_head',
  'term.dHead': 'How many numbers each attention head’s query, key and value have for one token.',
  'term.W_E.name': 'W_E',
  'term.W_E':
    'The token embedding matrix: one learned row of d_model numbers for each token of the vocabulary; a token’s id picks its row.',
  'term.W_pos.name': 'W_pos',
  'term.W_pos': 'The learned position table: one row of d_model numbers for each position, added to the token’s row.',
  'term.W_O.name': 'W_O',
  'term.W_O':
    'The output projection of attention: a learned matrix that turns the heads’ joined results back into the residual stream’s width.',
  'term.W_U.name': 'W_U',
  'term.W_U': 'The unembedding matrix: it turns the last vector into one logit for each token of the vocabulary.',
  'term.u.name': 'u',
  'term.u':
    'The random draw: a number between 0 and 1 from the seeded generator. Lay the kept tokens’ probabilities end to end from 0 to 1: the token whose stretch holds u is chosen.',
  'term.dtype.fp32': 'fp32: every weight a 32-bit floating-point number, the full precision (the largest file).',
  'term.dtype.fp16': 'fp16: 16-bit floating-point numbers, half the size of fp32, with nearly the same results.',
  'term.dtype.q8':
    'q8: weights quantized to 8-bit integers with a scale, a quarter of fp32’s size; as it runs, each product with these weights rounds its input to 8 bits too (attention’s own products stay in floating point), so the results differ slightly.',
  'term.dtype.int8':
    'int8: weights quantized to signed 8-bit integers with a scale, a quarter of fp32’s size; as it runs, each product with these weights rounds its input to 8 bits too (attention’s own products stay in floating point), so the results differ slightly.',
  'term.dtype.uint8':
    'uint8: weights quantized to unsigned 8-bit integers with a scale, a quarter of fp32’s size; as it runs, each product with these weights rounds its input to 8 bits too (attention’s own products stay in floating point), so the results differ slightly.',
  'term.dtype.q4':
    'q4: weights quantized to 4-bit integers, a scale for each block of them, about an eighth of fp32’s size; the rest stays fp32.',
  'term.dtype.q4f16': 'q4f16: 4-bit weights, the rest in 16-bit floating point: the smallest file; the results differ a little more.',
  'term.dtype.bnb4': 'bnb4: 4-bit weights in the bitsandbytes format (NF4 or FP4).',
  'term.list': 'Terms:',
} as const;
