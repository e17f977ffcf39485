/** English labels, captions and explanations of the flow chart's boxes. Captions are read aloud in class: one
 * sentence with the live numbers. `explain` says what a box computes, `why` why it is there; both quote the config
 * through the parameters of `textParams` (src/flow/wording.ts). A box that differs by architecture has its own key. */
export const flowEn = {
  'flow.node.start': 'Start',
  'flow.node.input': 'Input text',
  'flow.node.tokenize': 'Tokenize → token IDs',
  'flow.node.embed': 'Token embedding W_E',
  'flow.node.posEmbed': 'Pos. embedding W_pos',
  'flow.node.residual': 'Residual stream x',
  'flow.node.ln1': 'LayerNorm 1',
  'flow.node.qkv': 'Q, K, V · {heads} heads',
  'flow.node.scores': 'Scores Q·Kᵀ / √d_head',
  'flow.node.mask': 'Causal mask',
  'flow.node.softmax': 'Softmax → pattern',
  'flow.node.weightedSum': 'Weighted sum z = A·V',
  'flow.node.outProj': 'Output projection W_O',
  'flow.node.residAdd1': 'Residual add x + attn',
  'flow.node.ln2': 'LayerNorm 2',
  'flow.node.mlp': 'MLP: up → GELU → down',
  'flow.node.residAdd2': 'Residual add x + mlp',
  'flow.node.moreLayers': 'More layers?',
  'flow.node.lnFinal': 'Final LayerNorm',
  'flow.node.unembed': 'Unembed → logits',
  'flow.node.unembedUntied': 'Unembed W_U → logits',
  'flow.node.temperature': 'Temperature: logits / T',
  'flow.node.filter': 'Top-k, then top-p',
  'flow.node.probabilities': 'Softmax → probabilities',
  'flow.node.sample': 'Sample',
  'flow.node.append': 'Append the token',
  'flow.node.done': 'Finished?',
  'flow.node.end': 'End',
  'flow.node.residualRope': 'Residual stream x',
  'flow.node.ln1Rms': 'RMSNorm 1',
  'flow.node.qkvGqa': 'Q ({heads} heads), K, V ({kvHeads})',
  'flow.node.qkvSplit': 'Q, K, V · {heads} heads',
  'flow.node.rope': 'Rotary position RoPE',
  'flow.node.ln2Rms': 'RMSNorm 2',
  'flow.node.mlpSwiglu': 'SwiGLU: SiLU(gate) · up',
  'flow.node.lnFinalRms': 'Final RMSNorm',
  'flow.yes': 'yes',
  'flow.no': 'no',
  'flow.counter.layer': 'layer {layer} / {layers}',
  'flow.counter.token': 'token {token} / {tokens}',
  'flow.caption.start': 'The program starts.',
  'flow.caption.loading': 'Once the model has loaded, this line explains each box as it computes.',
  'flow.caption.input': 'The input is the text “{text}”.',
  'flow.caption.tokenize': 'The tokenizer cuts the text into {count} tokens and looks up their IDs.',
  'flow.caption.embed': 'Step {step}: each of the {positions} new tokens looks up its row of the embedding matrix: {shape}.',
  'flow.caption.embedNew': 'Step {step}: the new token looks up its row of the embedding matrix: {shape}.',
  'flow.caption.embedFull':
    'Step {step}: this graph has no KV cache, so all {keys} tokens run through the model again, each looking up its row of the embedding matrix; the chart shows the new token’s: {shape}.',
  'flow.caption.posEmbed': 'Each position looks up its row of the learned position table, the same size: {shape}.',
  'flow.caption.residual': 'Token vector plus position vector starts the residual stream: {shape}.',
  'flow.caption.residualRope': 'The token vectors alone start the residual stream: {shape}. Positions enter later, inside attention.',
  'flow.caption.ln1':
    'Layer {layer} of {layers}: LayerNorm centres each token’s vector and scales it to variance 1, then applies the learned γ and β (the values shown).',
  'flow.caption.ln1Rms':
    'Layer {layer} of {layers}: RMSNorm divides each token’s vector by its root mean square, then multiplies it by the learned γ.',
  'flow.caption.qkv': 'Layer {layer}: one matrix product gives every head its queries, keys and values: Q, K and V are {qShape} each.',
  'flow.caption.qkvSplit':
    'Layer {layer}: three matrix products give every head its queries, keys and values: Q, K and V are {qShape} each.',
  'flow.caption.qkvGqa':
    'Layer {layer}: queries for all {heads} heads, Q {qShape}; keys and values for only {kvHeads} heads, K and V {kvShape} each, every K/V head serving {group} query heads.',
  'flow.caption.rope':
    'Layer {layer}: Q {qShape} and K {kvShape} are rotated by angles t·θ_i (base {theta}), so a query–key score depends on the two positions only through their offset.',
  'flow.caption.scores': 'Layer {layer}: each query is compared with every key by a dot product, divided by √d_head = √{dHead}: {shape}.',
  'flow.caption.mask': 'Layer {layer}: the causal mask sets every score for a later token to −∞, so no token sees the future.',
  'flow.caption.softmax': 'Layer {layer}: softmax turns each row of scores into attention weights that sum to 1: {shape}.',
  'flow.caption.weightedSum': 'Layer {layer}: each head sums the value vectors, weighted by its attention: {shape}.',
  'flow.caption.outProj': 'Layer {layer}: the heads are joined and projected back to the residual width: {shape}.',
  'flow.caption.residAdd1': 'Layer {layer}: the attention output is added to the residual stream.',
  'flow.caption.ln2': 'Layer {layer}: LayerNorm again, before the MLP.',
  'flow.caption.ln2Rms': 'Layer {layer}: RMSNorm again, before the MLP.',
  'flow.caption.mlp': 'Layer {layer}: the MLP widens each vector to {dMlp}, applies GELU, and projects it back to {dModel}.',
  'flow.caption.mlpSwiglu': 'Layer {layer}: a gate (SiLU) times a linear branch, both {dMlp} wide, projected back to {dModel}.',
  'flow.caption.residAdd2': 'Layer {layer}: the MLP output is added to the residual stream: {shape}.',
  'flow.caption.moreLayers': 'Layer {layer} of {layers} done. More layers? {answer}.',
  'flow.caption.lnFinal': 'After the last layer, a final LayerNorm.',
  'flow.caption.lnFinalRms': 'After the last layer, a final RMSNorm.',
  'flow.caption.unembed':
    'The last position’s vector times the unembedding (W_E transposed) gives one logit per vocabulary token: {vocab} logits.',
  'flow.caption.unembedUntied':
    'The last position’s vector times the unembedding W_U gives one logit per vocabulary token: {vocab} logits.',
  'flow.caption.temperature': 'The logits are divided by the temperature T = {temperature}; the bars show softmax at that temperature.',
  'flow.caption.temperatureGreedy':
    'T = 0 means greedy decoding: the logits are not divided, and the largest will be taken. The bars show softmax at T = 1.',
  'flow.caption.filter': 'Top-k keeps {keptK} of {vocab} candidates; top-p, applied to their renormalised probabilities, keeps {kept}.',
  'flow.caption.filterGreedy': 'Greedy decoding applies no filter: no token is cut (the bars: softmax at T = 1 over the whole vocabulary).',
  'flow.caption.probabilities': 'Softmax turns the kept logits into probabilities; the top one is “{top}” at {probability}.',
  'flow.caption.probabilitiesGreedy': 'Taking the largest logit needs no probabilities; the bars show softmax at T = 1.',
  'flow.caption.sample': 'The draw {draw} picks “{token}”.',
  'flow.caption.sampleGreedy': 'Greedy decoding picks the most likely token, “{token}”.',
  'flow.caption.append': '“{token}” is appended to the sequence.',
  'flow.caption.appendForced':
    '“{token}” is appended to the sequence: run A’s token, fed to this teacher-forced run; its own draw picked “{own}”.',
  'flow.caption.done': 'Finished? {answer}.',
  'flow.caption.end': 'The program ends: {reason}',
  'flow.caption.endRunning': 'The model is still generating.',
  'flow.reason.eos': 'the model wrote its end-of-text token.',
  'flow.reason.max-tokens': 'it reached the maximum number of new tokens you set ({count}).',
  'flow.reason.context-full': 'the context of {context} tokens is full.',
  'flow.reason.stopped': 'you stopped it.',
  'flow.explain.start':
    'A decoder-only Transformer is a program with two loops: one over its {layers} layers, one over the tokens it generates.',
  'flow.explain.input': 'The prompt is plain text. The model never sees letters: the next box turns text into numbers.',
  'flow.explain.tokenize':
    'A BPE tokenizer splits the text into pieces from a fixed vocabulary; each piece has an integer ID. A character the vocabulary has no piece for is spelled with byte tokens, so one Chinese character can take several tokens.',
  'flow.explain.embed':
    'Each token ID selects one row of the embedding matrix W_E: a learned vector of d_model = {dModel} numbers that stands for the token.',
  'flow.explain.posEmbed':
    'Each position t adds its own learned vector, row t of W_pos; the table has {context} rows, one per position the model can read.',
  'flow.explain.residual': 'The sum is the residual stream: every layer reads from it and adds its result back into it.',
  'flow.explain.residualRope':
    'The residual stream starts as the token vector alone. Position enters inside every attention layer, where Q and K are rotated by an angle that depends on the position (RoPE).',
  'flow.explain.ln1':
    'LayerNorm subtracts each vector’s mean, divides by its standard deviation, then scales and shifts each dimension with the learned γ and β.',
  'flow.explain.ln1Rms':
    'RMSNorm divides each vector by its root mean square and multiplies each dimension by a learned γ. It neither subtracts the mean nor adds a bias.',
  'flow.explain.qkv':
    'One learned matrix turns each normalised vector into a query (what it looks for), a key (what it offers) and a value (what it passes on), each cut into {heads} heads of d_head = {dHead} numbers.',
  'flow.explain.qkvSplit':
    'Three learned matrices turn each normalised vector into a query (what it looks for), a key (what it offers) and a value (what it passes on), each cut into {heads} heads of d_head = {dHead} numbers.',
  'flow.explain.qkvGqa':
    'Three learned matrices turn each normalised vector into queries for {heads} heads, but keys and values for only {kvHeads} heads, d_head = {dHead} numbers each: grouped-query attention, where {group} query heads share one key/value head.',
  'flow.explain.rope':
    'Rotary position embedding (RoPE): the d_head = {dHead} coordinates of q and of k form {half} pairs (i, i + d_head/2). For the token at position t, pair i is turned by the angle t·θ_i, with θ_i = {theta}^(−2i/d_head) for i = 0 … d_head/2 − 1; V is not rotated.',
  'flow.explain.ropeScaled':
    'This model’s config also rescales the frequencies (rope_scaling “{scaling}”): that power is the frequency before rescaling (θ⁰_i in the formula), and the model turns each pair by t·θ_i with the rescaled θ_i.',
  'flow.explain.scores': 'The score of query i for key j is their dot product, divided by √d_head = √{dHead}.',
  'flow.explain.mask':
    'A language model predicts the next token, so token i may only look at tokens 1…i. Scores above the diagonal become −∞, whose softmax weight is 0.',
  'flow.explain.softmax':
    'Softmax exponentiates each row of scores and divides by the row’s sum: the attention pattern, weights between 0 and 1 that sum to 1.',
  'flow.explain.weightedSum':
    'Each head mixes the value vectors of the tokens it attends to, weighted by its pattern; the {heads} results, d_head numbers each, are then concatenated.',
  'flow.explain.outProj':
    'W_O projects the concatenated heads back to d_model = {dModel}, so the result can be added to the residual stream.',
  'flow.explain.residAdd1':
    'The residual connection adds attention’s output back to the residual stream it read from (x, before the norm): the layer only has to learn a change.',
  'flow.explain.ln2': 'A second LayerNorm prepares the stream for the MLP.',
  'flow.explain.ln2Rms': 'A second RMSNorm prepares the stream for the MLP.',
  'flow.legend.mlp': 'W_in: the linear map up to d_mlp; W_out: the linear map back down to d_model.',
  'flow.legend.mlpSwiglu': 'W_gate: the gate; W_up: the up projection; W_down: the down projection.',
  'flow.explain.mlp':
    'The MLP works on each token separately: a linear map up to d_mlp = {dMlp} neurons, the GELU non-linearity, and a linear map back down to d_model = {dModel}.',
  'flow.explain.mlpSwiglu':
    'SwiGLU: two linear maps widen each token’s vector to d_mlp = {dMlp}, a gate passed through SiLU and a linear “up” branch; their element-wise product goes through a third linear map back down to d_model = {dModel}.',
  'flow.explain.residAdd2': 'The MLP’s output is added to the residual stream; this is the layer’s output and the next layer’s input.',
  'flow.explain.moreLayers':
    'The same program runs once per layer, each layer with its own weights. This decision is the layer loop’s counter.',
  'flow.explain.lnFinal': 'A last LayerNorm after the final layer.',
  'flow.explain.lnFinalRms': 'A last RMSNorm after the final layer.',
  'flow.explain.unembed':
    'The unembedding scores every vocabulary token against the final vector: here it is W_E transposed (tied weights), so the {vocab} logits are dot products with the token embeddings. Every position gets logits; the last position’s pick the next token.',
  'flow.explain.unembedUntied':
    'The unembedding W_U (the model’s lm_head, a matrix of its own) scores every vocabulary token against the final vector: {vocab} logits. Every position gets logits; the last position’s pick the next token.',
  'flow.explain.temperature':
    'Dividing the logits by T > 1 flattens the distribution, so unlikely tokens are picked more often; T < 1 sharpens it. T = 0 is greedy decoding: nothing is divided and the largest logit is taken, the limit of ever smaller T.',
  'flow.explain.filter':
    'Top-k keeps the k highest logits and renormalises their probabilities (at temperature T) to sum to 1. Top-p then takes those renormalised probabilities from the largest down and keeps the shortest run whose sum reaches p: p is a share of what top-k left, not of the whole vocabulary. k = 0 or p = 1 switches a filter off.',
  'flow.explain.probabilities':
    'Softmax over the surviving logits (at temperature T) gives the distribution that is actually sampled; every cut token gets probability 0.',
  'flow.explain.sample':
    'A seeded random number u between 0 and 1 is laid on the survivors’ probabilities, stacked from the most likely down; the token whose segment contains u is chosen. The same seed gives the same text.',
  'flow.explain.append':
    'The chosen token joins the sequence. With a KV cache the next step computes only this new position; a graph without one recomputes the whole sequence.',
  'flow.explain.done': 'The loop ends at the end-of-text token, at the maximum number of new tokens, or when the context is full.',
  'flow.explain.end': 'The generated text is the prompt plus every appended token.',
  'flow.why.start':
    'Read as a program, a forward pass is the same few steps repeated once per layer, then a choice of one token; generation runs that program again for every new token. Most of what its weights hold was learned this way (pre-training): on a large body of text the model predicted the next token at every position at once, the loss was the cross-entropy −log p (p: the probability it gave the token that really came next), and gradient descent moved every weight a little in the direction that lowers it, over and over. Chat models, such as the “Instruct” suggestions, are then tuned further on example conversations and on which answers people prefer. Generating only reads the weights: running the model never changes them.',
  'flow.why.input':
    'Nothing in the model knows letters or characters: everything it does starts from the numbers the next box makes, and how many numbers a sentence becomes depends on the tokenizer’s vocabulary (which pieces of text it has a token for). That is why the same sentence can cost a different number of tokens in Chinese and in English.',
  'flow.why.tokenize':
    'Whole words would need a huge table and still miss new words; single bytes would make every sequence long. BPE starts from small pieces (bytes, or characters with bytes as a fallback) and repeatedly merges the most frequent pair of pieces in its training text, so common words become one token, rare text falls back to bytes, and no input is ever out of vocabulary.',
  'flow.why.embed':
    'An ID is only a name: its size means nothing. Looking up a learned row turns it into a vector the network can compute with, and training places tokens used in similar ways near each other (see the nearest tokens in the embedding view).',
  'flow.why.posEmbed':
    'Attention’s weighted sum does not care in which order the earlier tokens stand: without position information, at “man” the first layer would see “dog bites man” and “bites dog man” alike (the causal mask leaks some order, since each position sees a different prefix, but only indirectly). A learned table is the simplest fix, but it knows only the {context} positions it was trained on.',
  'flow.why.residual':
    'One running sum lets each layer read what it needs and write a small correction instead of rebuilding the representation. It also gives the gradient a direct path through every layer, which is what makes deep stacks trainable.',
  'flow.why.residualRope':
    'Nothing is added to the residual stream for the position, so it starts out holding content alone; position enters exactly where it matters, in how a query scores the keys, and attention’s outputs then carry it into the stream. Rotations make that score depend on the offset between the two tokens (how far back the key is), not on where they stand.',
  'flow.why.ln1':
    'Each layer adds to the residual stream, so its scale drifts; without normalisation the next matrix products would see ever larger or smaller inputs. Before γ and β, LayerNorm gives every token’s vector mean 0 and variance 1, which keeps training stable; γ and β then let each dimension keep a useful scale and offset. The norm sits on the branch, not on the stream (pre-norm): attention reads a normalised copy of x, and its output is added to x as it was. So the stream is never rescaled: it stays a plain sum of the embedding and every layer’s outputs, which is what lets the logit lens read it after any layer.',
  'flow.why.ln1Rms':
    'Only the rescaling is kept: the vector gets root mean square 1 (then γ), without centring and without a bias. Models train about as well as with centring, and it is cheaper, so many recent models use it. The norm sits on the branch, not on the stream (pre-norm): attention reads a normalised copy of x, and its output is added to x as it was. So the stream is never rescaled: it stays a plain sum of the embedding and every layer’s outputs, which is what lets the logit lens read it after any layer.',
  'flow.why.qkv':
    'Splitting attention into {heads} heads of d_head = {dHead} lets each head learn its own notion of relevance: one may follow the previous token, another a name mentioned earlier. Separate query and key maps let “what I look for” differ from “what I offer”, so attention need not be symmetric.',
  'flow.why.qkvSplit':
    'Splitting attention into {heads} heads of d_head = {dHead} lets each head learn its own notion of relevance: one may follow the previous token, another a name mentioned earlier. Separate query and key maps let “what I look for” differ from “what I offer”, so attention need not be symmetric.',
  'flow.why.qkvGqa':
    'Several heads let the model attend to different things at once. Query head h reads key/value head ⌈h · {kvHeads} / {heads}⌉ (both counted from 1), so each group of {group} query heads shares one: the KV cache, which grows with every token, is {group}× smaller, and quality barely suffers. It saves memory, not the work of attention itself: each of the {heads} query heads still scores every key and sums the values on its own, so scores and weighted sums cost the same; only the K and V projections and the cache shrink. When generating, reading the cache from memory at every step is often what limits the speed, so the smaller cache helps there too.',
  'flow.why.rope':
    'Turning q at position t and k at position s by angles proportional to t and s makes their dot product depend on the positions only through the offset s − t: shift both tokens by the same amount and the score does not change. Fast-turning pairs tell near neighbours apart, slow ones still change over long distances; the base {theta} comes from this model’s config (rope_theta). It is also why the KV cache can keep keys already rotated: a key’s rotation depends only on its own position, which appending tokens never changes, so each key is rotated once, when it is computed, and each step rotates only the new position’s query and key.',
  'flow.why.scores':
    'If the d_head = {dHead} coordinates of q and k are roughly independent, with mean 0 and variance 1, their dot product has variance d_head: its typical size grows like √d_head. Dividing by √d_head = {sqrtDHead} brings the variance back to 1; without it softmax would pile almost all weight on the largest score, and its gradients would vanish.',
  'flow.why.mask':
    'At generation time the future does not exist yet, so training must not let a token see it; with the mask, every position of a training text is an honest prediction at once. It is also what makes the KV cache valid: an earlier token’s keys and values never depend on later tokens, so once computed they stay right for every later step.',
  'flow.why.softmax':
    'Softmax turns arbitrary scores into positive weights that sum to 1, so the output is a weighted average of values; the exponential lets the highest scores dominate without being all-or-nothing. Because it is smooth, where to look can be learned by gradient descent.',
  'flow.why.weightedSum':
    'This is where information moves between positions: the only step of the layer in which a token’s vector takes in other tokens’ content. Every other step acts on each position separately.',
  'flow.why.outProj':
    'Each head works in its own small space of d_head numbers; W_O maps all of them into the shared residual space, where their contributions simply add up. That is why heads can be studied one at a time: attention’s output is a sum of per-head terms.',
  'flow.why.residAdd1':
    'Adding instead of replacing lets the layer start out close to the identity and learn only a change; whatever it does not touch passes through unchanged. That is what lets later layers, and the logit lens, read what earlier ones wrote.',
  'flow.why.ln2':
    'The MLP gets an input of controlled scale, whatever attention just added to the stream: the same reason as for LayerNorm 1.',
  'flow.why.ln2Rms':
    'The MLP gets an input of controlled scale, whatever attention just added to the stream: the same reason as for RMSNorm 1.',
  'flow.why.mlp':
    'Attention moves information between tokens; the MLP then works on each token alone, and is where much of what a model “knows” seems to be stored. Widening to d_mlp = {dMlp} ({ratio}× d_model) gives many neurons that can each detect a pattern, and GELU, x·Φ(x), a smooth ReLU, lets them switch on and off: without a non-linearity the two matrices would collapse into one linear map.',
  'flow.why.mlpSwiglu':
    'After attention has moved information between tokens, the MLP works on each token alone, and is where much of what a model “knows” seems to be stored. Widening to d_mlp = {dMlp} gives many neurons that can each detect a pattern. The gate makes them non-linear: the linear branch is multiplied element by element by SiLU(gate) = gate·σ(gate), so near 0 it blocks, large values amplify and small negative values flip the sign. Without the gate, W_up and W_down would collapse into one linear map; gating also trains better than a plain activation. With three matrices instead of two, SwiGLU’s original design narrowed the width from 4× to about 8/3× d_model to keep the parameter count; this model uses {ratio}× d_model.',
  'flow.why.residAdd2':
    'After this addition the stream holds the layer’s whole contribution and becomes the next layer’s input. Every layer writes into the same space, so the stream accumulates the evidence for the next token.',
  'flow.why.moreLayers':
    'Every layer runs the same program with its own weights; stacking them lets later layers build on what earlier ones found, as when a copying head uses what a previous-token head wrote. The logit lens view shows the prediction forming layer by layer.',
  'flow.why.lnFinal':
    'The unembedding was trained on normalised vectors, so the stream is normalised one last time. The logit lens applies this same final LayerNorm to earlier layers’ streams.',
  'flow.why.lnFinalRms':
    'The unembedding was trained on normalised vectors, so the stream is normalised one last time. The logit lens applies this same final RMSNorm to earlier layers’ streams.',
  'flow.why.unembed':
    'With tied weights a token’s logit is the dot product of the final vector with that token’s own embedding: the model predicts the tokens its vector points towards, and saves a second {vocab}-row matrix. Logits are unnormalised scores; only their differences matter to softmax.',
  'flow.why.unembedUntied':
    'A matrix of its own lets output scores differ from input meanings: a token’s logit is the dot product of the final vector with that token’s row of W_U. Logits are unnormalised scores; only their differences matter to softmax.',
  'flow.why.temperature':
    'Everything after the logits is decoding: no weights, only a rule that turns the logits into one token, which can be changed without touching the model. Dividing by T scales every difference between logits, so the order of the candidates stays the same and only how spread out they are changes.',
  'flow.why.filter':
    'Even a good model leaves a long tail of unlikely tokens with a sizeable total probability, and one draw from that tail can derail the text. Top-k keeps a fixed number of candidates; top-p adapts: few survivors when the model is sure, many when it is not.',
  'flow.why.probabilities':
    'Renormalising over the survivors keeps their ratios exactly as before the cut: the removed probability is shared out in proportion. Softmax does not change when every logit is shifted by the same amount, so the code subtracts the largest logit first to avoid overflow.',
  'flow.why.sample':
    'Drawing at random, instead of always taking the top token, avoids the repetitive loops greedy decoding often falls into. A seeded generator makes the draw reproducible: the same prompt, settings and seed give the same text, so a run can be shown again in class.',
  'flow.why.append':
    'A language model only ever predicts one token; longer text comes from feeding each choice back in. Thanks to the causal mask, the keys and values already computed stay valid, so a KV cache saves recomputing them.',
  'flow.why.done':
    'Without a stop rule the loop would run until the context is full. The end-of-text token is learned like any other: the model predicts it where its training texts ended.',
  'flow.why.end':
    'The text you read is the prompt plus one token per pass of the loop; every number that produced it is in the Trace, and can be exported.',
  // Qwen3's QK-norm box (a per-head RMSNorm on Q and K before RoPE).
  'flow.node.qkNorm': 'QK-norm: RMSNorm on Q, K',
  'flow.caption.qkNorm': 'Layer {layer}: each head’s query and key are RMS-normalised over their d_head = {dHead} numbers, before RoPE.',
  'flow.explain.qkNorm':
    'Before RoPE, each head’s query and key vector is divided by its root mean square over its d_head = {dHead} numbers and multiplied by a learned γ (one for Q, one for K, shared by all heads).',
  'flow.why.qkNorm':
    'Without it, a few query or key coordinates can grow large in training and make some scores huge, so softmax saturates. Normalising q and k bounds every score by the learned scales, which keeps attention in range and training stable.',
  // ---- Open models: Qwen2's biases on Q, K and V ----
  'flow.explain.qkvBias':
    'Each of the three projections also adds a learned bias vector: Q = x̂·W_Q + b_Q, and likewise for K and V (the output projection and the MLP have none).',
  // ---- end of the open-models block ----
  // ---- Two architectures side by side (src/flow/architectureDiff.ts) ----
  'archCompare.open': 'Compare architectures',
  'archCompare.openHint':
    'Run the same prompt through a second model beside this one, and see box by box what its architecture does differently',
  'archCompare.close': 'Close the comparison',
  'archCompare.title': 'Two architectures, one prompt',
  'archCompare.beside': 'Beside {model}:',
  'archCompare.embeddedModels': 'Embedded models',
  'archCompare.openedModels': 'Open models loaded in this tab',
  'archCompare.openedHint':
    'An open model you load once from the Hub under “Other models” can stand here too, read again from where it came (or from the browser’s storage).',
  'archCompare.loading': 'Loading {model}…',
  'archCompare.waiting': 'Runs the same prompt, with the same settings and seed, once {model} has run it.',
  'archCompare.size': '{family} · {layers} layers · d_model {dModel} · {heads} heads · vocabulary {vocab}',
  'archCompare.marked':
    'A box outlined in orange dashes works differently in the two models: the list on the right says what each does there. Both charts play the same step; click a box of either to see its numbers.',
  'archCompare.viewsShow': 'The views show:',
  'archCompare.plain': '{model} runs the prompt as it is: what {first}’s run switched off, patched or was fed is not applied beside it.',
  'archCompare.truncated': 'The prompt is longer than {model}’s context: its first {dropped} tokens were left out beside.',
  'archCompare.ended': '{model}’s run ended sooner, after {count} new tokens: its chart stays on its last step.',
  'archCompare.differences': 'What differs, box by box',
  'archCompare.same': 'Both run the same architecture: every box does the same thing (only the sizes and the learned numbers differ).',
  'archCompare.show': 'Show it',
  'archCompare.failed': '{model} could not be run beside it: {reason}',
  'archDiff.title.position': 'Where positions come in',
  'archDiff.position.learned':
    'A learned table W_pos: each position’s vector is added to the token’s embedding once, before the first layer.',
  'archDiff.position.rope':
    'Nothing is added to the embedding for positions: in every layer’s attention, RoPE rotates Q and K by angles that grow with the position, so position enters a score only as how far apart the two tokens are.',
  'archDiff.title.norm': 'Normalisation',
  'archDiff.norm.layernorm': 'LayerNorm: subtracts the vector’s mean, divides by its standard deviation, then scales and shifts (γ, β).',
  'archDiff.norm.rmsnorm':
    'RMSNorm: divides by the root mean square only (no mean subtracted, no shift), then scales (γ): less to compute.',
  'archDiff.title.projection': 'Computing Q, K and V',
  'archDiff.projection.fused': 'One matrix (c_attn) gives Q, K and V together; they are then split.',
  'archDiff.projection.split': 'Three matrices (q_proj, k_proj, v_proj) give Q, K and V.',
  'archDiff.title.heads': 'Attention heads',
  'archDiff.heads.all': 'Multi-head attention: each of the {heads} heads has keys and values of its own.',
  'archDiff.heads.grouped':
    'Grouped-query attention: {heads} query heads share {kvHeads} key/value heads, {share} query heads to each, so the KV cache is 1/{share} of what a key/value head per query head would need.',
  'archDiff.title.qkNorm': 'QK-norm',
  'archDiff.qkNorm.yes':
    'Before RoPE, Q and K each go through an RMSNorm (one for Q, one for K, the same γ in every head), head by head, which keeps the scores in range.',
  'archDiff.qkNorm.no': 'Q and K are used as projected: no normalisation of their own.',
  'archDiff.title.mlp': 'The MLP',
  'archDiff.mlp.gelu': 'Up, GELU, down: GELU(x·W_in)·W_out.',
  'archDiff.mlp.swiglu':
    'SwiGLU: two up-projections, one through SiLU as a gate, multiplied element by element, then down: (SiLU(x·W_gate) ⊙ x·W_up)·W_down.',
  'archDiff.title.biases': 'Biases',
  'archDiff.biases.everywhere': 'Every linear map in the layers adds a learned bias: Q, K, V, the output projection and the MLP’s two.',
  'archDiff.biases.qkv': 'Only the Q, K and V projections add a bias.',
  'archDiff.biases.none': 'No linear map in the layers adds a bias.',
  'archDiff.title.unembedding': 'From the last vector to logits',
  'archDiff.unembedding.tied': 'Tied: the unembedding is the token embedding matrix transposed (W_Eᵀ), one matrix for both ends.',
  'archDiff.unembedding.untied': 'Separate: the unembedding (lm_head) is a matrix of its own, learned apart from the embedding.',
} as const;
