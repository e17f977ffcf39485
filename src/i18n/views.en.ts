/** English strings of the detail views. */
export const viewsEn = {
  'views.tab.tokens': 'Tokens',
  'views.tab.embedding': 'Embedding',
  'views.tab.attention': 'Attention',
  'views.tab.mlp': 'MLP',
  'views.tab.lens': 'Residual & logit lens',
  'views.tab.sampling': 'Sampling',
  'views.question.tokens': 'How does the model see my text?',
  'views.question.embedding': 'Which vector stands for this token at this position?',
  'views.question.attention': 'Where does each token look, and why?',
  'views.question.mlp': 'Which neurons fire for this token?',
  'views.question.lens': 'How does the prediction form, layer by layer?',
  'views.question.sampling': 'How is the next token drawn?',
  'views.layer': 'Layer',
  'views.head': 'Head',
  'views.position': 'Position',
  'views.download': 'Download',
  'views.tokens.count': '{count} tokens for {bytes} bytes of text',
  'views.tokens.id': 'ID',
  'views.tokens.piece': 'In the vocabulary file',
  'views.tokens.bytes': 'Bytes',
  'views.tokens.text': 'Text',
  'views.tokens.storedToggle': 'How the vocabulary file stores it (Ġ, ä»…)',
  'views.tokens.storedExplain':
    'A byte-level vocabulary file is plain text, so it writes each of the 256 bytes as a printable character: a space is stored as Ġ, a newline as Ċ, and the three bytes of a Chinese character as characters such as ä, », Ĭ. These characters are only the file’s spelling: the model reads the id, and the token stands for the bytes in the “Bytes” column. (SentencePiece-style files write a space as ▁.)',
  'views.tokens.hoverHint': 'Hover or focus a token to see its embedding row.',
  'views.tokens.embeddingOf': 'Embedding row of “{token}” (id {id})',
  'views.tokens.compare': 'The Tokenizers tab compares how GPT-2, GPT-4, GPT-4o, Qwen3 and DeepSeek-V3 split the same text.',
  'views.embedding.token': 'token W_E[id]',
  'views.embedding.position': 'position W_pos[t]',
  'views.embedding.sum': 'sum = residual x',
  'views.embedding.neighbours': 'Nearest tokens to “{token}” in the embedding matrix (cosine similarity)',
  'views.embedding.similarity': 'similarity',
  'views.attention.show': 'Show',
  'views.attention.pattern': 'pattern (after softmax)',
  'views.attention.scores': 'scores Q·Kᵀ/√d_head (before the mask)',
  'views.attention.masked': 'scores after the causal mask',
  'views.attention.heads': 'Head view: click a token on the right to follow its query',
  'views.attention.worked': 'Q·K worked out for query {query} and key {key}',
  'views.attention.dot': 'q · k = {value}',
  'views.attention.scaled': '÷ √{dHead} = {value}',
  'views.attention.captured': 'captured score: {value}',
  'views.attention.weight': 'attention weight after softmax: {value}',
  'views.attention.future': 'Key {key} comes after query {query}: the causal mask sets this score to −∞ and its weight to 0.',
  'views.attention.grid': 'Model view: every layer × head (click one to open it)',
  'views.attention.notKept': "not kept by this large model's run: click to compute it from the same tokens",
  'views.attention.thumb': 'Layer {layer}, head {head}',
  'views.roles.title': 'Heads with a known job',
  'views.roles.explain':
    'Measured on this model with the standard test (without a BOS token, as the app’s runs have none): {half} random tokens, then the same {half} again, in one pass. A head’s score is its average share of attention on the one token its job points to; a head that spread its attention evenly over the tokens before it would score about 0.02 to 0.05. A head is named from {threshold} up.',
  'views.roles.measuring': 'Measuring every head on a repeated random sequence…',
  'views.roles.failed': 'The heads could not be measured:',
  'views.roles.role.previous': 'previous-token',
  'views.roles.role.duplicate': 'duplicate-token',
  'views.roles.role.induction': 'induction',
  'views.roles.what.previous': 'look at the token just before',
  'views.roles.what.duplicate': 'look at the same token’s earlier occurrence',
  'views.roles.what.induction': 'look at the token that followed the earlier occurrence, to copy it',
  'views.roles.badge.previous': 'P',
  'views.roles.badge.duplicate': 'D',
  'views.roles.badge.induction': 'I',
  'views.roles.foundLead': '{role} heads (they {what}):',
  'views.roles.none': 'No {role} head (one that would {what}): the closest, {name}, scores {score}.',
  'views.roles.head': '{name} ({score})',
  'views.roles.thisHead':
    'This head on the repeated random sequence: previous-token {previous} · duplicate-token {duplicate} · induction {induction}.',
  'views.roles.thumb': '{name}: previous-token {previous}, duplicate-token {duplicate}, induction {induction}',
  'views.roles.expect.previous':
    'Switching off {name} (previous-token) removes what this head adds at every position about the token just before; heads in later layers that read it, such as induction heads, may then do less, unless other heads carry the same information.',
  'views.roles.expect.duplicate':
    'Switching off {name} (duplicate-token) removes this head’s note that a token has come before; other heads may carry it too.',
  'views.roles.expect.induction':
    'Switching off {name} (induction) removes this head’s copying: on a prompt that repeats a phrase, B may be less sure of the word that followed it the first time, as far as this head did that work.',
  'views.roles.expectNone':
    'No head of this model does one of these jobs clearly, so there is no named head to switch off: rank the heads below to find what matters for this prompt.',
  'views.attention.thumbNotKept': 'Layer {layer}, head {head} ({notKept})',
  'views.attention.cellHint': 'Click a cell (or use the sliders) to work out its score.',
  'views.attention.query': 'Query',
  'views.attention.key': 'Key',
  'views.attention.workedRope': 'q and k are taken after RoPE, as the model scores them.',
  'views.attention.kvHead': 'Query head {head} reads key/value head {kvHead}, which query heads {first}–{last} share.',
  'views.mlp.pre': 'before GELU',
  'views.mlp.post': 'after GELU',
  'views.mlp.gelu': 'GELU with this token’s {count} neurons marked',
  'views.mlp.gate': 'gate (before SiLU)',
  'views.mlp.product': 'SiLU(gate) · up',
  'views.mlp.silu': 'SiLU with this token’s {count} gate values marked',
  'views.embedding.rope':
    'Only the token vector enters here: this model brings in positions by rotating Q and K inside attention (RoPE; see the attention view).',
  'views.mlp.top': 'Top neurons for this token (largest after GELU)',
  'views.mlp.topSwiglu': 'Top neurons for this token (largest SiLU(gate) · up)',
  'views.mlp.neuron': 'Neuron',
  'views.mlp.point': 'neuron {neuron}: {fn}({input}) = {output}',
  'views.lens.norm': 'Norm of the residual stream at position {position}',
  'views.lens.table': 'Logit lens: the final LayerNorm and the unembedding applied after each layer',
  'views.lens.tableRms': 'Logit lens: the final RMSNorm and the unembedding applied after each layer',
  'views.lens.why':
    'Why it works: every layer adds to the same residual stream that the final norm and the unembedding read, so applying them early shows which tokens the stream already points towards. The caveat: early layers were never trained to be read this way, so their rows often show only the input token or noise; a change between rows says more than any one row.',
  'views.lens.stage': 'After',
  'views.lens.embedding': 'embedding',
  'views.lens.layer': 'layer {layer}',
  'views.lens.top': 'Top next-token candidates',
  'views.lens.untiedUnread':
    'This model’s output layer (lm_head) is a matrix of its own, not the token embedding transposed, and the app could not read it from this file: the lens is not shown rather than computed with the wrong matrix. The norms above are the model’s own.',
  'views.lens.untied':
    'This model’s output layer (lm_head) is a matrix of its own, not the token embedding transposed: the lens multiplies by that matrix, read from the model file (turned back into ordinary numbers where the file stores it in 8 or 4 bits).',
  'views.lens.note':
    'The last row is the model’s own prediction; earlier rows show what the stream “would say” if the model stopped there.',
  'views.sampling.logit': 'logit',
  'views.sampling.softmax': 'softmax T=1',
  'views.sampling.temperature': 'softmax T={temperature}',
  'views.sampling.topK': 'top-k',
  'views.sampling.topP': 'top-p',
  'views.sampling.kept':
    'Top-k keeps {topK} of {vocab} tokens; top-p, on their renormalised probabilities, keeps {topP}; the draw {u} = {draw} chooses “{token}”.',
  'views.sampling.keptGreedy': 'Greedy (T = 0): the highest logit, “{token}”, is chosen; the probability columns are shown at T = 1.',
  'views.sampling.replay':
    'Change the settings to re-sample this step from the same {logits} and the same draw (the model is not run again).',
  'views.sampling.replayGreedy':
    'Change the settings to re-sample this step from the same {logits} (the model is not run again). A greedy step had no draw: {u} = {draw} is used.',
  'views.sampling.step': 'Step',
  'views.sampling.heldBack':
    'End of text held back: this is new token {position}, and the minimum is {minimum}. Its logit was set to −∞ before temperature, top-k and top-p, so the model’s {percent} for it is shared among the tokens below, and it cannot be drawn.',
  'views.none': 'Generate first: the views read the recorded run.',
  'views.capturingLayer':
    'Computing layer {layer} for the {positions} positions so far… As it generates, a large model keeps only the residual stream between layers, with the embeddings, the final norm’s output and the newest positions’ logits, and the layers open in the views; the layer you open is computed again from the same tokens, which gives the same numbers up to rounding.',
  'views.capturingLogits':
    'Computing the logits again for this position… A large model keeps only the newest logits (each row has one number per vocabulary entry); older ones are computed again from the same tokens.',
  'views.captureFailed': 'These tensors could not be computed again:',
  // The tokenizer lab's tab; its own strings are in lab.en.ts, loaded with the lab.
  'views.tab.cache': 'KV cache',
  'views.question.cache': 'What does the model keep from one token to the next, and does it change the numbers?',
  'views.cache.explain':
    'Each new token runs through the model at its own position only: the keys and values of the positions before it come from the cache. Per position the cache holds a key and a value vector for each of the {layers} layers and each of the {kvHeads} heads that keep keys and values, {dHead} numbers each, {bytes} bytes a number.',
  'views.cache.step': 'Step',
  'views.cache.explainFull':
    'This graph has no KV cache: every step ran the whole sequence again. The run kept each position’s keys and values from the pass that first computed it (the prompt’s pass, or the step that added it), as a cache would have stored them. Per position a cache would hold a key and a value vector for each of the {layers} layers and each of the {kvHeads} heads that keep keys and values, {dHead} numbers each, {bytes} bytes a number; the table shows how it would grow.',
  'views.cache.positions': 'Positions cached',
  'views.cache.positionsFull': 'Positions a cache would hold',
  'views.cache.shape': 'K and V',
  'views.cache.memory': 'Memory',
  'views.cache.why':
    'Without the cache, every step would run the whole sequence again; with it, each step runs only the new position, so the projections’ and the MLP’s total work grows linearly with the length instead of quadratically (only attention still reads every earlier key). A position’s K and V never change once computed, because attention is causal (a position only looks at itself and earlier ones), so keeping them changes nothing.',
  'views.cache.whyFull':
    'With a cache, each step would run only the new position, so the projections’ and the MLP’s total work would grow linearly with the length instead of quadratically (only attention would still read every earlier key). A position’s K and V never change once computed, because attention is causal (a position only looks at itself and earlier ones), so a cache would change nothing: the check below tests that on this run.',
  'views.cache.rope':
    'A KV cache keeps each key after RoPE has rotated it: a key’s rotation depends only on its own position, which appending tokens never changes, so it is rotated once, when it is computed.',
  'views.cache.grouped':
    'With grouped-query attention a KV cache holds only the {kvHeads} key/value heads, not {heads}: 1/{group} of the memory. Attention’s scores and weighted sums cost the same: each of the {heads} query heads still scores every earlier key itself.',
  'views.cache.check': 'Recompute the whole sequence without the cache',
  'views.cache.checkFull': 'Recompute the whole sequence once more',
  'views.cache.checkAfterStep':
    'The check needs a step after the prompt: so far only the prompt’s pass has run, and a recompute would repeat it exactly. Step once more (or generate more than one token), then check.',
  'views.cache.checking': 'Recomputing…',
  'views.cache.result':
    'Recomputed from scratch: across {rows} rows of K and V, the largest difference from the cached values is {difference} (the largest value is {largest}): rounding, not a different result.',
  'views.cache.resultResidual':
    "Recomputed from scratch: across {rows} rows of K and V of the layers this large model's run kept as it generated, and of the residual stream after every layer, the largest difference from the run with the cache is {difference} (the largest value is {largest}): rounding, not a different result.",
  'views.cache.resultDiffers':
    'Recomputed from scratch: across {rows} rows of K and V, the largest difference from the cached values is {difference} (the largest value is {largest}). That is more than rounding: in the row that differs most for its size, the difference is {relative} of the row’s largest value (counted as at least 1), and this graph’s rounding allows {tolerance}.',
  'views.cache.resultResidualDiffers':
    "Recomputed from scratch: across {rows} rows of K and V of the layers this large model's run kept as it generated, and of the residual stream after every layer, the largest difference from the run with the cache is {difference} (the largest value is {largest}). That is more than rounding: in the row that differs most for its size, the difference is {relative} of the row’s largest value (counted as at least 1), and this graph’s rounding allows {tolerance}.",
  'views.cache.resultFull':
    'Recomputed in one pass: across {rows} rows of K and V, the largest difference from the values each position got in the pass that first computed it (what a cache would have kept) is {difference} (the largest value is {largest}): rounding, not a different result.',
  'views.cache.resultFullDiffers':
    'Recomputed in one pass: across {rows} rows of K and V, the largest difference from the values each position got in the pass that first computed it (what a cache would have kept) is {difference} (the largest value is {largest}). That is more than rounding: in the row that differs most for its size, the difference is {relative} of the row’s largest value (counted as at least 1), and this graph’s rounding allows {tolerance}.',
  'views.cache.resultResidualFull':
    "Recomputed in one pass: across {rows} rows of K and V of the layers this large model's run kept as it generated, and of the residual stream after every layer, the largest difference from the values each position got in the pass that first computed it is {difference} (the largest value is {largest}): rounding, not a different result.",
  'views.cache.resultResidualFullDiffers':
    "Recomputed in one pass: across {rows} rows of K and V of the layers this large model's run kept as it generated, and of the residual stream after every layer, the largest difference from the values each position got in the pass that first computed it is {difference} (the largest value is {largest}). That is more than rounding: in the row that differs most for its size, the difference is {relative} of the row’s largest value (counted as at least 1), and this graph’s rounding allows {tolerance}.",
  'views.cache.roundingFloat32':
    'Where rounding comes from: the two passes run over different numbers of positions, so the same products are added in a different order, and float32 keeps about 7 significant digits. A difference of up to {tolerance} of a row’s largest value (counted as at least 1) is rounding.',
  'views.cache.roundingFloat16':
    'Where rounding comes from: the two passes run over different numbers of positions, so the same products are added in a different order, and this graph keeps its intermediate results in float16, about 3 significant digits. A difference of up to {tolerance} of a row’s largest value (counted as at least 1) is rounding.',
  'views.cache.roundingInt8':
    'Where rounding comes from: this graph rounds the input of each integer matrix product to 256 steps spread over the numbers of that pass, and the two passes run over different positions, so their steps differ; differences of a few percent come from that. A difference of up to {tolerance} of a row’s largest value (counted as at least 1) is rounding.',
  'views.tab.compare': 'What if',
  'views.question.compare': 'What changes if the prompt says something else, or a head is switched off?',
  'views.compare.explain':
    'Run B starts from this run (A) with the same seed and settings. Edit its prompt or switch attention heads and MLPs off (a head’s output replaced by zeros or by its mean, an MLP’s by zeros), run it, and compare the two runs number by number.',
  'views.compare.promptB': 'Prompt of run B',
  'views.compare.switchOff': 'Switch off in run B',
  'views.compare.layer': 'Layer {layer}',
  'views.compare.headName': 'layer {layer} head {head}',
  'views.compare.patchResid':
    'the clean stream entering layer {layer} at position {position} (fed as the difference clean − corrupted added to layer {previous}’s MLP output there, so B − A shows that difference in that output)',
  'views.compare.headMeanName': 'layer {layer} head {head} (replaced by its mean)',
  'views.compare.headModes':
    'Click a head once to replace its output z by zeros (·0), again to replace it by its mean over run A’s positions (·μ: the head then says the same average thing everywhere instead of nothing), a third time to switch it back on.',
  'views.compare.mode.on': 'on',
  'views.compare.mode.zero': 'replaced by zeros',
  'views.compare.mode.mean': 'replaced by its mean',
  'views.compare.feeding': 'What run B reads after the prompt',
  'views.compare.feeding.teacher-forced':
    'Run A’s tokens (teacher forcing): B reads exactly A’s text, so every B − A, at every position, comes from what is switched off alone (where the two runs computed a row in different passes, such as a large model’s layer recomputed after the run, rounding adds to it: on 8-bit graphs up to a few percent). At each step B still makes its own decision, with the same random number as A; only the token fed on is A’s.',
  'views.compare.feeding.sampled':
    'Its own draws: B samples again with A’s seed. Once B draws another token than A the texts part, and B − A after that point mixes the switched-off part with a different text.',
  'views.compare.feedingPromptDiffers': 'B’s prompt is not A’s, so A’s tokens would not line up with B’s positions: B draws its own.',
  'views.compare.fed.teacher-forced': 'fed A’s tokens (teacher forcing)',
  'views.compare.fed.sampled': 'its own draws',
  'views.compare.ownDraws':
    'B’s own draw (the same random number as A’s) would have picked another token than A’s at {count} of {steps} steps: {list}.',
  'views.compare.ownDraw': 'step {step}, “{own}” instead of “{fed}”',
  'views.compare.ownDrawsSame': 'At each of the {steps} steps B’s own draw (the same random number as A’s) picks the token A chose.',
  'views.compare.mlpName': 'layer {layer} MLP',
  'views.compare.showing': 'Show run',
  'views.compare.headButton': 'Layer {layer}, H{head}',
  'views.compare.mlpButton': 'Layer {layer}, MLP',
  'views.compare.needsModel':
    'Run B computes again, and this recording has no model to compute with: run {model} here to switch parts off.',
  'views.compare.noModel':
    'Run B computes again, and no model is loaded now (the one that ran stopped): load a model in the model panel, then generate, to switch parts off.',
  'views.compare.otherModel':
    'This run was computed by an earlier load of {model}, not by the model loaded now: generate a run with the loaded model to switch parts off.',
  'views.compare.runB': 'Run B',
  'views.compare.reset': 'B = A again',
  'views.compare.nothingOff': 'the whole model',
  'views.compare.nextToken': 'The next token after the prompt',
  'views.compare.chosen': 'A chose “{token}”: the model gave it {a} in A and {b} in B ({delta} percentage points).',
  'views.compare.token': 'Token',
  'views.compare.lengthsDiffer':
    'The prompts have different numbers of tokens, so their next-token questions are not at the same position; the texts and the residual streams are compared below.',
  'views.compare.chartDifference':
    'Flow chart: show B − A in the boxes’ pictures (vectors: B − A at the same position; attention maps: |B − A|)',
  'views.compare.divergence': 'Where the runs part',
  'views.compare.divergenceExplain':
    'Each cell: how far B’s residual stream is from A’s at that position, as a share of A’s vector (‖B − A‖ / ‖A‖; 0 = identical, 1 or more = as large as the vector itself). Rows: the stream entering layer 1 (in), then after each layer (L1, L2, …); positions aligned by number.',
  'views.compare.divergenceTitle': 'Residual stream, B against A',
  'views.compare.embedded': 'in',
  'views.compare.afterLayer': 'L{layer}',
  'views.compare.rankTitle': 'Which heads does A’s first new token depend on?',
  'views.compare.rankExplain':
    'Switches each of the {count} heads off in turn, one forward pass each, and ranks them by how much the logit of “{token}” at the prompt’s last position drops.',
  'views.compare.rank': 'Rank heads',
  'views.compare.ranking': 'Head {done} of {total}…',
  'views.compare.cancel': 'Stop',
  'views.compare.head': 'Head',
  'views.compare.logitDrop': 'Logit drop',
  'views.compare.switch': 'Switch off in B',
  'views.compare.showDifference': 'B − A',
  'views.difference.legend': 'B − A (run B minus run A)',
  'views.difference.shown':
    'B − A: each value is run B’s minus run A’s at the same position, for the positions both runs computed (1–{last}); blue above 0, red below, white where the runs agree. Labels are run A’s tokens.',
  'views.difference.tokensDiffer': 'The runs’ tokens differ at positions {positions}: there B’s row belongs to another token than A’s.',
  'views.difference.none.tokens': 'Tokens are not numbers: B − A has no meaning here. Shown: run B’s tokens.',
  'views.difference.none.sampling':
    'A random draw and a chosen token cannot be subtracted. Shown: run B’s sampling; the panel above sets both runs’ next-token probabilities side by side.',
  'views.difference.none.cache': 'This table is about the cache’s size, not its values. Shown: run B’s cache.',
  'views.difference.neighbours': 'Nearest tokens: a change of vector is no token’s embedding, so none are looked up for B − A.',
  'views.difference.attention':
    'The worked score, the arcs and the grid of all heads read one run’s weights (0 to 1) and are left out for B − A: pick A or B to see them.',
  'views.difference.headOff':
    'Run B switched this head off. Switching off replaces the head’s output z (by zeros or by its mean), not where it looks: its pattern changes only if its input changed, which happens when something in an earlier layer was switched off or when the two runs read different text. What it no longer writes shows after it: in this layer’s attention output and residual stream, and in the heads of later layers.',
  'views.difference.headOffSame': 'Here B − A of its pattern is 0: it looks at the same places, with the same weights, in both runs.',
  'views.difference.headOffRounding':
    'Here its input is the same in both runs (the same text, and the same parts switched off before it), so B − A of its pattern is only rounding, at most {largest}: the two runs computed this layer in different passes (for example, one over all positions at once, the other one position at a time).',
  'views.difference.headOffChanged':
    'Here its input differs between the runs, so B − A of its pattern is not 0: that comes from what changed before this head, not from switching it off.',
  'views.difference.mlp':
    'The activation curve plots one run’s outputs against its inputs; a difference is no point on it, so it is left out. The table lists the neurons whose output changed most.',
  'views.difference.lens':
    'Bars: the length of B − A of the residual stream at each stage. The table reads each run’s own stream through the unembedding (a difference of streams is no prediction): A’s candidates, then B’s.',
  'views.difference.lensNorm': 'Length of B − A of the residual stream at position {position}',
  'views.difference.mlpTop': 'Neurons whose output changed most (largest |B − A| after the activation)',
  'views.difference.zero': 'B − A is exactly 0 here: both runs computed the same values (the colours are blank, not missing).',
  'views.tab.tokenizers': 'Tokenizers',
  'views.question.tokenizers': 'How do other models split the same text?',
  'views.tab.patching': 'Patching',
  'views.question.patching': 'Where does the model keep what it needs to answer?',
  'views.patching.explain':
    'Activation patching: run a clean prompt and a corrupted one that differs in a token or two, then run the corrupted prompt again many times, each time copying one activation from the clean run into it. Where the copy brings the clean answer back, that activation carried what the answer needed.',
  'views.patching.clean': 'Clean prompt',
  'views.patching.corrupted': 'Corrupted prompt (the same number of tokens, a token or two changed)',
  'views.patching.cleanShort': 'clean',
  'views.patching.corruptedShort': 'corrupted',
  'views.patching.lengths':
    'The clean prompt has {clean} tokens and the corrupted one {corrupted}: patching copies position by position, so both need the same number. Change a word for one that splits into as many tokens (the rows above show the split).',
  'views.patching.same': 'The two prompts are the same token for token: change a token in the corrupted one.',
  'views.patching.differ': 'Changed token positions (marked): {positions}.',
  'views.patching.cleanAnswer': 'Clean answer',
  'views.patching.corruptedAnswer': 'Corrupted answer',
  'views.patching.metric':
    'Measured at the last position: the logit of “{clean}” minus the logit of “{corrupted}”, scaled so the corrupted run is 0 and the clean run 1.',
  'views.patching.run': 'Patch every cell',
  'views.patching.stop': 'Stop',
  'views.patching.estimate': '{passes} forward passes, about {seconds} s on this model here.',
  'views.patching.grain': 'Which layers to patch',
  'views.patching.grain.coarse': '{layers} of the {total} layers first, evenly spread ({passes} passes)',
  'views.patching.grain.all': 'every layer ({passes} passes)',
  'views.patching.refine': 'This picture has {patched} of the {total} layers: the rows in between were not patched.',
  'views.patching.refine.sharpest': 'Fill in {layers}, where the picture changes most ({passes} passes)',
  'views.patching.refine.all': 'Fill in every layer left ({passes} passes)',
  'views.patching.refine.range': 'layers {from}–{to}',
  'views.patching.refine.one': 'layer {layer}',
  'views.patching.notPatched': 'not patched yet',
  'views.patching.cellNotPatched': 'Layer {layer} was not patched yet: fill it in below the picture of the residual stream.',
  'views.patching.progress': '{done} of {total} cells',
  'views.patching.remaining': 'about {seconds} s left',
  'views.patching.ends': 'Logit difference “{cleanAnswer}” − “{corruptedAnswer}”: clean run {clean}, corrupted run {corrupted}.',
  'views.patching.flat':
    'The two runs give the two answers the same difference: there is nothing to bring back. Pick other answers, or change the corrupted prompt.',
  'views.patching.residTitle': 'Residual stream entering each layer, by position',
  'views.patching.residHint':
    'Each cell: the corrupted run with the clean run’s stream copied in at that layer and position (the columns are the corrupted prompt’s tokens; * marks a changed one).',
  'views.patching.layersTitle': 'Attention and MLP output of each layer, all positions',
  'views.patching.headTitle': 'Each head’s output z, all positions',
  'views.patching.attnRow': 'attention',
  'views.patching.mlpRow': 'MLP',
  'views.patching.layer': 'L{layer}',
  'views.patching.legend': '0 = corrupted, 1 = clean',
  'views.patching.cell': '{what}: {share} of the way back to the clean answer (logit difference {diff}).',
  'views.patching.cell.resid':
    'The clean stream entering layer {layer} at position {position} (clean “{token}”, corrupted “{corruptedToken}”)',
  'views.patching.cell.head': 'Layer {layer} head {head}’s clean output',
  'views.patching.cell.attn': 'Layer {layer}’s clean attention output',
  'views.patching.cell.mlp': 'Layer {layer}’s clean MLP output',
  'views.patching.pick': 'Click a cell to read it.',
  'views.patching.open': 'Open this patched run in the views (B − A against the corrupted run)',
  'views.patching.openFailed':
    'This cell cannot be opened as a run: either the copy changes nothing here (the cell is the corrupted run itself), or it swaps a token where the two prompts differ in more than that one place.',
  'views.patching.openError': 'The patched run could not be made: see the message by the prompt or in What if.',
  'views.patching.read':
    'How to read it: at the changed token the early layers bring the answer back (that position still holds the difference); the information then moves to the last position, where the prediction is made, and the last column lights up from the row after the layer that moved it (each row is the stream entering that layer). A cell near 0: that one activation, copied alone, does not bring the answer back (it may still carry part of it together with others). Above 1, the copy pushes toward the clean answer harder than the clean run does; below 0, toward the corrupted answer harder than the corrupted run does.',
} as const;
