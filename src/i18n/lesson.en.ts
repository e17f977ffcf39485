/** English strings of the guided lesson (课程模式). The lesson panel adds them to the catalog when it loads
 * (src/components/LessonPanel.svelte). `{name}` marks a parameter; every number in them comes from the run's
 * Trace or the model's config (src/lesson/questions.ts, src/lesson/texts.ts). */
export const lessonEn = {
  'lesson.open': 'Lessons',
  'lesson.close': 'Leave the lesson',
  'lesson.title': 'Lesson: guess first, then see the numbers',
  'lesson.chapters': 'Chapters',
  'lesson.progress': '{done} of {total} chapters done',
  'lesson.chapterDone': 'done',
  'lesson.chapterTried': 'started',
  'lesson.link': 'Link to this chapter',
  'lesson.prompt': 'Prompt: “{prompt}”',
  'lesson.corruptedPrompt': 'Corrupted prompt: “{prompt}”',
  'lesson.waitingModel': 'Waiting for the model to load…',
  'lesson.running': 'Running the model on this chapter’s prompt…',
  'lesson.preparing': 'Preparing the question from the run…',
  'lesson.unavailable':
    'This run cannot answer the question (the model produced too little to ask it). Run the chapter again or go on to the next one.',
  'lesson.unavailableArchitectures':
    'This chapter runs the prompt in a second model beside this one, and points at the same token in both runs: it needs an embedded GPT-2 model and flow-llama-tiny, which read text with the same tokenizer, and the second one must load. Load one of them and run the chapter again.',
  'lesson.runningBeside': 'Running the same prompt in {model} beside this model…',
  'lesson.unavailablePatching':
    'The patching sweep could not answer the question here: this model may split the two prompts into different numbers of tokens, give the two answers the same difference, or the sweep did not run. Open the Patching tab to see why, or try a pair of your own there.',
  'lesson.failed': 'The run did not finish, so there is nothing to ask about yet. Run the chapter again.',
  'lesson.questionOf': 'Question {index} of {count}',
  'lesson.hidden': 'The rest of the page is hidden until you answer, so the numbers do not give the answer away.',
  'lesson.right': 'Right.',
  'lesson.wrong': 'Not quite: the answer is {answer}.',
  'lesson.yourAnswer': 'You chose {answer}.',
  'lesson.why': 'Why',
  'lesson.seeInChart': 'The chart and the detail view now show this run at the box the question is about.',
  'lesson.nextQuestion': 'Next question',
  'lesson.nextChapter': 'Next chapter',
  'lesson.again': 'Run this chapter again',
  'lesson.runOn': 'Load {model} and run this chapter on it',
  'lesson.loadingOffer': 'Loading {model} for this chapter…',
  'lesson.offerFailed': '{model} did not load (the model panel says why): the model and this answer stay as they were.',
  'lesson.finished': 'That was the last chapter. Pick any chapter to go through it again, or leave the lesson and try your own prompts.',
  'lesson.ref.position': '“{token}” at position {position}',
  'lesson.ref.layer': 'layer {layer}',
  'lesson.stage.embedding': 'after the embedding',
  'lesson.stage.layer': 'after layer {layer}',

  'lesson.chapter.tokens': 'Tokens',
  'lesson.chapter.embedding': 'Embedding and position',
  'lesson.chapter.attention': 'One attention head',
  'lesson.chapter.heads': 'All heads and layers',
  'lesson.chapter.mlp': 'The MLP',
  'lesson.chapter.lens': 'The residual stream and the logit lens',
  'lesson.chapter.sampling': 'Sampling',
  'lesson.chapter.generation': 'The generation loop and the KV cache',
  'lesson.chapter.patching': 'Where the model keeps what it needs',
  'lesson.chapter.induction': 'Copying from the prompt: induction heads',
  'lesson.chapter.architectures': 'From GPT-2 to today’s models',

  'lesson.option.same': 'The same vector',
  'lesson.option.different': 'Different vectors',
  'lesson.option.sharper': 'Sharper: the most likely token gets even more of the probability',
  'lesson.option.flatter': 'Flatter: the most likely token gives probability away to the others',
  'lesson.option.unchanged': 'Unchanged: dividing every logit by the same number changes nothing',
  'lesson.option.cacheSame': 'No: the same numbers, up to rounding',
  'lesson.option.cacheChanged': 'Yes: the new tokens change the earlier tokens’ keys and values',
  'lesson.option.cacheLastLayer': 'Only in the last layer',
  'lesson.option.firstLayer': 'The first layer’s MLP',
  'lesson.option.lastLayer': 'The last layer’s MLP (layer {layer})',
  'lesson.norm.layernorm': 'LayerNorm',
  'lesson.norm.rmsnorm': 'RMSNorm',
  'lesson.bar.atT1': '“{token}” at T = 1',
  'lesson.bar.atT2': '“{token}” at T = {temperature}',

  'lesson.tokens.intro':
    'A language model never sees letters. A tokenizer first cuts the text into tokens (whole words, pieces of words, single characters or bytes), and each token becomes an id: its row number in a vocabulary of {vocab} entries.',
  'lesson.tokens.count.ask': 'The prompt has {characters} characters. How many tokens will the model read?',
  'lesson.tokens.count.reveal': 'The tokenizer cut {characters} characters ({bytes} UTF-8 bytes) into {tokens} tokens.',
  'lesson.tokens.count.pieces':
    '{pieces} of them hold only some of a character’s bytes: they show as hex bytes with the character they help to spell.',
  'lesson.tokens.count.why':
    'A BPE tokenizer starts from small pieces (bytes, or characters with bytes as a fallback) and repeatedly merges pairs that were frequent in its training text into longer tokens. Common words end up as one token; rare words are cut into pieces, and a character without a token of its own is spelled in bytes. The vocabulary size, {vocab} here, trades shorter sequences against a larger embedding table.',

  'lesson.embedding.intro':
    'Each token id picks one row of the embedding matrix W_E: a vector of {dModel} numbers, the same row wherever the token stands. But word order matters (“dog bites man” is not “man bites dog”), and attention’s weighted sum does not care in which order the earlier tokens stand, so the model has to be told each token’s position somewhere.',
  'lesson.embedding.same.ask':
    'The token “{token}” is at position {a} and again at position {b}. Will the two vectors that enter layer 1 be the same?',
  'lesson.embedding.same.embed':
    'Both positions look up the same row of W_E: the length of the difference between their token vectors is {embed}.',
  'lesson.embedding.same.position':
    'This model has a learned table of {context} position vectors, and row t is added to the token at position t before layer 1. The position vectors of positions {a} and {b} differ by a vector of length {positionGap}, so the two vectors that enter layer 1 differ by one of length {residual}: different vectors.',
  'lesson.embedding.same.resid':
    'This model adds nothing for the position before layer 1, so the two vectors that enter it differ by a vector of length {residual}: the same vector. It uses rotary position embedding (RoPE) instead, which rotates each head’s queries and keys inside attention by angles that grow with the position.',
  'lesson.embedding.same.rope':
    'The position comes in inside attention: the difference between the two queries of layer 1 has length {before} before RoPE, and {after} after RoPE has rotated them.',
  'lesson.embedding.same.whyLearned':
    'Adding a learned position vector before layer 1 is the simplest way to give attention the order: the sum carries both what the token is and where it is. Its limit is the table: the model knows only the {context} positions it was trained on.',
  'lesson.embedding.same.whyRope':
    'RoPE rotates q and k by angles proportional to their positions, so their dot product depends on the positions only through their offset: move both tokens along together and the score stays the same. Nothing is added to the residual stream for the position: word order comes in only through attention, whose scores depend on the offset, and whose outputs then carry it into the stream.',

  'lesson.attention.intro':
    'In every layer, each head compares the current token’s query q with the key k of every token so far: score = q·k/√d_head. Softmax turns a row of scores into weights that sum to 1, and the head returns the weighted sum of the values v. The causal mask hides the tokens that come later.',
  'lesson.attention.look.ask': 'Layer {layer}, head {head}, from the last token “{token}”: which token will this head look at most?',
  'lesson.attention.look.reveal':
    'Head {head} gives {weight} of its attention to {token}; its score q·k/√d_head there is {score}, the highest of the row.',
  'lesson.attention.look.bars': 'Attention weights of layer {layer}, head {head}, from the last token',
  'lesson.attention.look.asPrevious': 'This head looks one token back: what a previous-token head does.',
  'lesson.attention.look.asInduction': 'This head looks at the token after the earlier “{token}”: what an induction head does.',
  'lesson.attention.look.asDuplicate': 'This head looks at the earlier “{token}” itself: it finds that this token has come before.',
  'lesson.attention.look.whyHeads':
    'Training gives heads habits like this. A previous-token head looks one token back, so each position’s vector takes in what came just before it. An induction head, in a later layer, builds on that: at a token seen before, it looks at the token that followed its earlier occurrence and copies it forward, betting that the text repeats.',
  'lesson.attention.look.whyRepeat':
    'Training gives heads habits like this. A previous-token head looks one token back, so each position’s vector takes in what came just before it. An induction head, in a later layer, builds on that: at a token seen before, like this repeated “{token}”, it looks at the token that followed its earlier occurrence, {next}, and copies it forward, betting that the text repeats. A head that looks at the earlier “{token}” itself notes that the token has come before.',
  'lesson.attention.look.why':
    'Softmax is steep: a key that matches the query only a little better than the rest can take most of the weight. The scores are divided by √d_head = √{dHead} ≈ {sqrt} because the spread of a dot product of {dHead} terms grows like √d_head; unscaled, softmax would saturate and its gradients would vanish.',
  'lesson.attention.look.whyRope':
    'In this model q and k are rotated by RoPE before the product, so the score depends on the two positions only through their offset.',
  'lesson.attention.look.whyGqa':
    'Query head {head} reads key/value head {kvHead}: with grouped-query attention, {group} query heads share each key/value head.',

  'lesson.heads.intro':
    'This model has {perLayer} heads in each of its {layers} layers: {heads} heads, each with its own query weights, so each can look somewhere else. A layer’s heads are concatenated and projected back into the residual stream.',
  'lesson.heads.total.ask':
    'Add up the attention that all {heads} heads ({layers} layers × {perLayer} heads) pay from the last token “{token}”. Which token gets the most?',
  'lesson.heads.total.reveal': '{token} gets the most: on average {mean} of each head’s attention.',
  'lesson.heads.total.split':
    'Of the {heads} heads, {first} look hardest at the first token, {previous} at the token before the last, {self} at the last token itself and {other} somewhere else.',
  'lesson.heads.total.bars': 'Mean attention over all {heads} heads, from the last token',
  'lesson.heads.total.why':
    'Each head has its own query weights and works in a space of only {dHead} dimensions (the stream has {dModel}), so the {perLayer} heads of a layer can look for different things at once. A head that finds nothing to match often puts its weight on the first token, as a place to park it. Later layers read what earlier heads wrote into the residual stream, so they can look for patterns of patterns.',

  'lesson.mlp.introGelu':
    'After attention, each token goes through the MLP on its own: a linear map up from {dModel} to {dMlp} numbers, GELU, and a linear map back down. Like attention, the MLP reads the residual stream through its own {norm} but adds its output to the stream itself. The stream starts as the embedding, and every attention and MLP output is added to it.',
  'lesson.mlp.introSwiglu':
    'After attention, each token goes through the MLP on its own. Here it is a SwiGLU: two linear maps up from {dModel} to {dMlp} numbers, SiLU of one multiplied with the other, then a linear map back down. Like attention, the MLP reads the residual stream through its own {norm} but adds its output to the stream itself. The stream starts as the embedding, and every attention and MLP output is added to it.',
  'lesson.mlp.depth.ask':
    'At the last token “{token}”, the first layer’s MLP and the last layer’s each add a vector to the residual stream. Measured against the length of the stream it is added to, which one changes the stream more?',
  'lesson.mlp.depth.reveal':
    'Layer 1’s MLP adds a vector of length {firstMlp} to a stream of length {firstStream}: {firstRatio}× the stream. Layer {last}’s adds one of length {lastMlp} to a stream of length {lastStream}: {lastRatio}×.',
  'lesson.mlp.depth.bars': 'Each layer’s MLP output length ÷ the length of the stream it is added to, at the last token',
  'lesson.mlp.depth.whyNorm':
    'The {norm} before the MLP sits on its branch, not on the stream: the MLP reads a normalised copy, so how long its output is does not follow how long the stream is, and that output is added to the stream as it is. Nothing rescales the stream on the way up: it is the sum of the embedding and every output added so far, so it tends to grow with depth, and a write of the same length is a smaller share of it in a later layer.',
  'lesson.mlp.depth.whyFirst':
    'The first layer’s MLP meets a stream that holds only the embedding and one attention output. In many models this first MLP acts like a second embedding: it turns each token into a richer vector that every later layer reads. Later MLPs make smaller corrections to a longer stream; the last ones turn it towards the next token’s prediction (the logit lens chapter shows it forming).',
  'lesson.mlp.depth.whyLast':
    'This run goes against the usual pattern: the last layer’s MLP changes the stream more than the first’s. The last layers turn the stream towards the next token’s prediction, and can change it a lot to do so.',
  'lesson.mlp.depth.whyGelu':
    'The MLP widens each token from {dModel} to {dMlp} numbers ({ratio}×): many neurons, each responding to some feature of the token in context, and GELU passes on those that respond; without this non-linearity the maps up and down would collapse into one linear map. It holds {share} of a layer’s weight matrices. Attention moves information between tokens; the MLP transforms each token’s own.',
  'lesson.mlp.depth.whySwiglu':
    'The MLP widens each token from {dModel} to {dMlp} numbers ({ratio}×): many neurons, each responding to some feature of the token in context. In SwiGLU, SiLU of one projection gates the other neuron by neuron, so the token itself scales each neuron (near 0 blocks it, large values amplify it); this gate is the non-linearity, without which the maps up and down would collapse into one linear map. It holds {share} of a layer’s weight matrices. Attention moves information between tokens; the MLP transforms each token’s own.',

  'lesson.lens.introLayerNorm':
    'Every layer adds its attention and MLP outputs to one vector per token: the residual stream. The logit lens reads that stream early: it applies the final LayerNorm and the unembedding to the stream after each layer, as if the model stopped there.',
  'lesson.lens.introRms':
    'Every layer adds its attention and MLP outputs to one vector per token: the residual stream. The logit lens reads that stream early: it applies the final RMSNorm and the unembedding to the stream after each layer, as if the model stopped there.',
  'lesson.lens.first.ask':
    'After “{token}”, the model’s most likely next token is “{final}”. At which stage does the logit lens first rank it first?',
  'lesson.lens.first.reveal':
    'The lens first ranks “{final}” first {stage}, with probability {probability}; after the embedding it was number {rank}.',
  'lesson.lens.first.bars': 'Probability of “{final}” through the logit lens, stage by stage',
  'lesson.lens.first.whyLayerNorm':
    'Every layer adds to the same residual stream (each norm sits on a branch, so the stream itself is never rescaled), and the final LayerNorm and the unembedding read only that stream, so applying them early shows which tokens the stream already points to. The caveat: early layers were never trained to be read this way, so their rows often show the input token or noise; the change from row to row says more than any one row.',
  'lesson.lens.first.whyRms':
    'Every layer adds to the same residual stream (each norm sits on a branch, so the stream itself is never rescaled), and the final RMSNorm and the unembedding read only that stream, so applying them early shows which tokens the stream already points to. The caveat: early layers were never trained to be read this way, so their rows often show the input token or noise; the change from row to row says more than any one row.',

  'lesson.sampling.intro':
    'The last position’s logits give each of the {vocab} tokens a score. The logits are divided by the temperature, top-k and top-p cut the candidates, softmax turns the rest into probabilities, and a random draw picks the next token. None of this has weights: it is decoding, after the model.',
  'lesson.sampling.top.ask': 'After “{token}”, which of these four will the model find most likely?',
  'lesson.sampling.top.reveal': '“{token}” comes first: logit {logit}, probability {probability} (softmax at T = 1).',
  'lesson.sampling.top.drawn':
    'This run drew the random number {draw} and took “{token}”, which had {probability} of the filtered distribution.',
  'lesson.sampling.top.greedy': 'Greedy decoding took “{token}”.',
  'lesson.sampling.top.bars': 'The four candidates’ probabilities (softmax of the logits, T = 1)',
  'lesson.sampling.top.why':
    'Softmax exponentiates the logits and normalises them, so a logit higher by 1 means a probability e ≈ 2.72 times larger. The most likely token is not always the one taken: sampling draws in proportion to the probabilities that survive the filters.',
  'lesson.sampling.temperature.ask':
    'The logits are divided by the temperature T before softmax. At T = {temperature}, what happens to the distribution? (At T = 1 the most likely token is “{token}”.)',
  'lesson.sampling.temperature.reveal': '“{token}” had {p1} at T = 1 and has {p2} at T = {temperature}.',
  'lesson.sampling.temperature.share':
    'The ten most likely tokens held {share1} of the probability at T = 1 and hold {share2} at T = {temperature}.',
  'lesson.sampling.temperature.bars': 'The five most likely tokens at T = 1 and at T = {temperature}',
  'lesson.sampling.temperature.why':
    'Dividing the logits by T > 1 shrinks the gaps between them, and softmax turns smaller gaps into more even probabilities: the distribution gets flatter and the text more surprising. T < 1 widens the gaps and sharpens it; as T approaches 0 only the top token is left (greedy).',

  'lesson.generation.intro':
    'To write more than one token, the program loops: the chosen token is appended to the input and the model runs again. With a KV cache it runs only the new token: the keys and values of the earlier tokens, in every layer, are kept from the steps before.',
  'lesson.patching.intro':
    'Change one token of a prompt and the model’s next token can change with it. Activation patching asks where the model carries that difference: it runs the changed (corrupted) prompt again and again, each time copying one vector from the clean run into it, and measures how much of the clean answer comes back (0 = none, 1 = all of it).',
  'lesson.patching.where.ask':
    'The clean prompt has “{token}” where the corrupted one has another token. Copy the clean run’s residual stream into the corrupted run at the last position, “{last}”, where the next token is chosen: entering which layer does the copy first bring back at least half of the clean answer?',
  'lesson.patching.where.reveal':
    'Entering {where}: copied there, the stream at the last position brings back {share} of the clean answer (the logit difference “{cleanAnswer}” − “{corruptedAnswer}”, 0 = the corrupted run, 1 = the clean run).',
  'lesson.patching.where.before':
    'Entering {where}, one layer earlier, the same copy at the last position brings back {lastShare}, while copied at “{token}” itself it brings back {share}: the information was still at the token that changed.',
  'lesson.patching.where.beforeSpread':
    'Entering {where}, one layer earlier, the same copy at the last position brings back {lastShare}, and copied at “{token}” itself {share}: neither of these two positions alone held most of the difference then.',
  'lesson.patching.where.never': 'none: not even entering the last layer',
  'lesson.patching.where.revealNever':
    'None: even entering the last layer ({where}), the copy at the last position brings back only {lastShare} (the logit difference “{cleanAnswer}” − “{corruptedAnswer}”, 0 = the corrupted run, 1 = the clean run), while copied at “{token}” itself it brings back {share}. The information is still at the token that changed when the last layer runs: that layer’s attention reads it there and carries it to the last position in one step.',
  'lesson.patching.where.revealNeverSpread':
    'None: even entering the last layer ({where}), the copy at the last position brings back only {lastShare} (the logit difference “{cleanAnswer}” − “{corruptedAnswer}”, 0 = the corrupted run, 1 = the clean run), and copied at “{token}” itself {share}: neither of these two positions alone holds most of the difference there.',
  'lesson.patching.where.bars': 'Share of the clean answer brought back by copying the stream at “{last}”, entering each layer',
  'lesson.patching.where.why':
    'A position’s vector takes in the other positions only through attention: each head reads earlier positions and adds what it finds to its own. So what the changed token carries stays in its own column of the residual stream until attention layers copy it forward, and only at the last position can it change the prediction. Patching finds where that happens without reading a single weight: it asks the model itself, one copy at a time. The Patching tab shows the whole grid: the changed token’s column lights up in the early rows, the last column from the row after the layers that moved the information there (each row is the stream entering that layer).',
  'lesson.generation.cache.ask':
    'The model generated {steps} tokens with its KV cache: after the prompt’s pass, each step ran only the new token and reused the earlier tokens’ keys and values. If we recompute the whole sequence from scratch, will those stored keys and values change?',
  'lesson.generation.cache.askFull':
    'This model’s graph has no KV cache: each of its {steps} steps ran the whole sequence again. The run kept each position’s keys and values from the pass that first computed it (the prompt’s pass, or the step that added it), as a cache would have stored them. Would a cache be exact? If we recompute the whole sequence, the later tokens included, will those keys and values change?',
  'lesson.generation.cache.reveal':
    'Over {rows} rows of keys and values (every layer, every position), the largest difference from the recompute is {difference}, where the values themselves reach {largest}.',
  'lesson.generation.cache.revealLean':
    'This large model’s run kept the keys and values of only {kvLayers} of its {layers} layers as it generated; the others were computed again afterwards, and comparing those with a recompute would compare a recompute with itself. So the check reads what the run kept: those keys and values, and the residual stream after every layer, at every position (each new position’s stream was computed from the keys and values of the positions before it, so had those changed, the stream would show it too). Over those {rows} rows, the largest difference from the recompute is {difference}, where the values themselves reach {largest}.',
  'lesson.generation.cache.revealResidual':
    'This large model’s run kept no layer’s keys and values as it generated; they were computed again afterwards, and comparing those with a recompute would compare a recompute with itself. So the check reads what the run kept: the residual stream after every layer, at every position (each new position’s stream was computed from the keys and values of the positions before it, so had those changed, the stream would show it). Over those {rows} rows, the largest difference from the recompute is {difference}, where the values themselves reach {largest}.',
  'lesson.generation.cache.roundingFloat32':
    'Where rounding comes from: the two passes run over different numbers of positions, so the same products are added in a different order, and float32 keeps about 7 significant digits. A difference of up to {tolerance} of a row’s largest value (counted as at least 1) is rounding.',
  'lesson.generation.cache.roundingFloat16':
    'Where rounding comes from: the two passes run over different numbers of positions, so the same products are added in a different order, and this graph keeps its intermediate results in float16, about 3 significant digits. A difference of up to {tolerance} of a row’s largest value (counted as at least 1) is rounding.',
  'lesson.generation.cache.roundingInt8':
    'Where rounding comes from: this graph rounds the input of each integer matrix product to 256 steps spread over the numbers of that pass, and the two passes run over different positions, so their steps differ; differences of a few percent come from that. A difference of up to {tolerance} of a row’s largest value (counted as at least 1) is rounding.',
  'lesson.generation.cache.keys': 'The last position the model ran attended over {keys} keys: {cached} from the cache, and its own.',
  'lesson.generation.cache.keysFull':
    'The last position the model ran attended over {keys} keys: its own and those of every token before it.',
  'lesson.generation.cache.size':
    'The cache holds K and V: 2 × {layers} layers × {kvHeads} heads × {dHead} numbers × {positions} positions = {floats} numbers ({kib} KiB at {bytes} bytes a number).',
  'lesson.generation.cache.sizeFull':
    'A cache would hold K and V: 2 × {layers} layers × {kvHeads} heads × {dHead} numbers × {positions} positions = {floats} numbers ({kib} KiB at {bytes} bytes a number).',
  'lesson.generation.cache.gqa':
    'With grouped-query attention that is {kvHeads} key/value heads per layer instead of {heads}: without sharing, it would be {full} numbers ({fullKib} KiB). Attention’s scores and weighted sums cost the same either way: each of the {heads} query heads still scores every key itself.',
  'lesson.generation.cache.why':
    'The causal mask is what makes the cache exact: a token’s keys and values depend only on the tokens up to it, never on later ones, so appending a token cannot change them. With a cache, each step then runs one position instead of the whole sequence.',
  'lesson.generation.cache.whyRope':
    'With RoPE a KV cache keeps keys already rotated: a key’s rotation depends only on its own position, which appending tokens does not change, so each key is rotated once, when it is computed, and each step rotates only the new position’s query and key.',

  'lesson.induction.intro':
    'A model can continue a text it has never seen by copying from the prompt itself: when a token comes back, what followed it last time is a good guess for what follows now. The heads that do this are called induction heads. This chapter’s prompt repeats a made-up list, so nothing but the prompt can tell what comes next. The head asked about is the one the head-role test (random tokens, then the same tokens again) scores highest as an induction head on this model.',
  'lesson.induction.look.ask':
    'Layer {layer}, head {head} scores highest as an induction head on the head-role test. From the last token, “{token}”, which has come once before in this prompt, where does it look most?',
  'lesson.induction.look.previous': 'the token just before it, {token}',
  'lesson.induction.look.same': 'the earlier “{token}” itself',
  'lesson.induction.look.next': 'the token that followed the earlier “{token}”: “{next}”',
  'lesson.induction.look.start': 'the first token, {token}',
  'lesson.induction.look.elsewhere': 'another token',
  'lesson.induction.look.reveal': 'Layer {layer}, head {head} puts {weight} of its attention on {token}.',
  'lesson.induction.look.asInduction':
    'That is the token that followed “{token}” the first time: the head looks up what came next before, so the model can copy it. That is what an induction head does.',
  'lesson.induction.look.notInduction':
    'That is not the token that followed “{token}” the first time (“{next}”, which gets {share}): on this prompt the head does not copy.',
  'lesson.induction.look.test':
    'On the head-role test, layer {layer}, head {head} puts on average {score} of its attention, over the repeat, on the token after the earlier copy of the current one; over the whole sequence it puts {previous} on the token just before (what a previous-token head does).',
  'lesson.induction.look.none':
    'No head of this model reaches the test’s bar: its best scores {score}, under the {threshold} the app asks of a head to name it for a job.',
  'lesson.induction.look.noneEmbedded':
    'So this model has no induction head: its best head on the test scores {score}, under the {threshold} the app asks of a head to name it for a job. A model learns to copy only when its training text repeats itself within its context often enough to reward it; this one was trained on short stories that seldom do. A model from the Hub trained on web text has several (GPT-2 small in its middle layers): load one under “Other models” and run this chapter again.',
  'lesson.induction.look.offer':
    '{model}, which ships with the app (no download), is the embedded GPT-2 trained further on text said twice, until one of its heads learned to copy: load it and run this chapter to see how a model with an induction head answers the same question.',
  'lesson.induction.look.asInductionHere':
    'That is the token that followed “{token}” the first time: on this prompt the head looks up what came next before, as an induction head does.',
  'lesson.induction.look.bars': 'Attention weights of layer {layer}, head {head}, from the last token',
  'lesson.induction.look.why':
    'How can a head find the token after the earlier “{token}”? Its query at “{token}” has to match a key that says “the token before me was {token}”, but a position’s vector starts out knowing only its own token. So a head in an earlier layer first adds to each position the token just before it (a previous-token head); from then on the position of “{next}” carries “after {token}”, and the induction head’s query finds it. Two heads in two layers working together: a circuit, and one of the ways a model learns from its own prompt.',
  'lesson.induction.look.whyCircuit':
    'In this model the head that scores highest as a previous-token head on the test is layer {layer}, head {head} ({score}): in an earlier layer, as the circuit needs.',
  'lesson.induction.copy.ask': 'The list goes on after the second “{token}”. Which token does the model rate most likely next?',
  'lesson.induction.copy.reveal':
    'The model rates “{token}”, the token that followed the first time, most likely: {probability}. It copies.',
  'lesson.induction.copy.revealOther':
    'The model rates “{top}” most likely ({topProbability}); “{token}”, the token that followed the first time, gets {probability} (rank {rank}).',
  'lesson.induction.copy.revealAbsent':
    'The model rates “{top}” most likely ({topProbability}); “{token}”, the token that followed the first time, is not among its {shown} likeliest tokens.',
  'lesson.induction.copy.bars': 'The model’s probability for each option (T = 1)',
  'lesson.induction.copy.why':
    'Nothing in the words says what comes after “{token}”: the list was made up. Only the prompt does, and a model that has learned to copy from it rates “{next}” high. Models learn this because text repeats itself: names, phrases, lines of code.',
  'lesson.architectures.intro':
    'GPT-2 (2019) set the pattern: embedding, then layers of attention and MLP on a residual stream, then the unembedding. The models people run today (Llama, Qwen2, Qwen3) keep that pattern and change some of its parts. The app now runs this chapter’s prompt in two of the embedded models, a GPT-2 and a Llama, with the same seed; on a wide screen their two charts stand side by side, with the boxes that differ marked.',
  'lesson.architectures.position.ask':
    'The token “{token}” stands at position {a} and again at position {b}. In which model do the two vectors that enter layer 1 differ?',
  'lesson.architectures.differ.neither': 'In neither: {first} and {second} both give the same vector twice',
  'lesson.architectures.differ.only': 'Only in {model}',
  'lesson.architectures.differ.both': 'In both {first} and {second}',
  'lesson.architectures.position.learned':
    '{model} adds row t of its learned position table to the token at position t before layer 1. Rows {a} and {b} of the table differ by a vector of length {positionGap}, so the two vectors entering layer 1 differ by one of length {gap}.',
  'lesson.architectures.position.rope':
    '{model} adds nothing for the position before layer 1: the two vectors entering it differ by a vector of length {gap}.',
  'lesson.architectures.position.turn':
    'In {model} the position comes in inside attention (RoPE): the two queries of layer 1 differ by a vector of length {before} before the rotation, and {after} after it.',
  'lesson.architectures.position.why':
    'A learned table of positions was GPT-2’s way to tell attention the order; its limit is the table’s length. Rotary position embedding (RoPE) turns each head’s queries and keys by angles that grow with the position, so a score depends on how far apart two tokens are, not where they stand; nothing is added to the residual stream. Llama, Qwen2 and Qwen3 all use RoPE.',
  'lesson.architectures.kv.ask':
    'Both models keep each token’s keys and values in a KV cache. In which model does a layer hold fewer key/value heads than query heads?',
  'lesson.architectures.fewer.neither': 'In neither: {first} and {second} have as many key/value heads as query heads',
  'lesson.architectures.fewer.only': 'Only in {model}',
  'lesson.architectures.fewer.both': 'In both {first} and {second}',
  'lesson.architectures.kv.full':
    '{model}: {queries} heads per layer, each with a query, a key and a value of its own. Its cache keeps {bytes} bytes for each token.',
  'lesson.architectures.kv.grouped':
    '{model}: {queries} query heads but only {kv} key/value heads per layer; each key/value head serves {share} query heads. Its cache keeps {bytes} bytes for each token.',
  'lesson.architectures.kv.why':
    'The KV cache grows with every token, and on long texts it fills the memory before the weights do. Grouped-query attention (GQA) lets several query heads read the same keys and values, so the cache shrinks by that factor while each head still asks its own question. Llama 3, Qwen2 and Qwen3 use it; GPT-2 gives every head its own keys and values.',
} as const;
