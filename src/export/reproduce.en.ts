/** English text of the downloaded Python check (src/export/check_run.py): its comments (`c.*`, `md.*`) and what it
 * prints (`m.*`, Python `str.format` fields in braces). It loads with the export's own chunk. */
export const reproduceEn = {
  'md.title': 'Check a Transformer Flow run in Python',
  'md.intro':
    'This recomputes the run the app exported, with Hugging Face transformers on the same weights, and compares\nevery captured tensor and every sampled token with the trace file. First `pip install torch transformers onnx numpy`.\nAs a script: `python {script} [trace.json] [--model-dir folder]`. As a notebook: run the cells in order\n(set MODEL_DIR below for a model read from a folder on disk).',
  'c.settings': 'The run: the exported trace (kept beside this file), the model the app ran, and where its files are.',
  'c.filesUrl': 'Where the app read the model’s files: config.json and the ONNX graph are downloaded from here once.',
  'c.modelDir': 'Or a folder on disk that holds config.json and the graph file (for the embedded models: public/models/<name>).',
  'c.tolerance':
    'Largest difference allowed, relative to the largest value of its row (a position’s vector, one head’s, one\nattention row; at least 1): onnxruntime and PyTorch add up in other orders, and a lower-precision graph rounds\nas it computes. Measured on small test models: see the app’s docs/reproduce.md.',
  'c.here': 'Files named without a folder are looked for beside this script (a notebook: in its folder).',
  'c.trace': 'Read the trace: the tokens the model ran, and every tensor the app captured.',
  'c.files': 'Fetch the model’s files as the app did (or use the folder given).',
  'c.firstGraph': 'The weights are all in the first graph file (Optimum’s second graph, for cached steps, holds the same ones).',
  'c.externalData': 'A large graph keeps its weights in a file of their own: fetch that too.',
  'c.weights':
    'The weights come from the same ONNX file the app ran, put into transformers’ own model class.\nA quantized graph’s weights are turned back into numbers (a q8 graph also rounds activations as it runs,\nso its numbers differ more: see TOLERANCE).',
  'c.nodeNames': 'Exporters name a node after the module it came from: /model/layers.0/self_attn/q_proj/MatMul.',
  'c.named': 'Biases and norm weights keep their transformers names.',
  'c.ownHead':
    'The graph has an output matrix (lm_head) of its own, even where config.json ties it to the embedding\n(an exporter may store and quantize it separately): use the graph’s.',
  'c.intervention':
    'What the run switched off or patched, as the app fed it: each head’s output z is multiplied by a\nscale and an offset is added (z · scale + offset); the same for each layer’s MLP output.',
  'c.counted': 'Layers, heads and positions counted from 1, as on the app’s screen (the trace file counts from 0).',
  'c.hooks':
    'Recompute every position in one pass, with forward hooks on transformers’ modules. The names are the\ntrace’s (TransformerLens’ names).',
  'c.z': 'z is the input of the output projection: switched-off heads and patched rows are applied here.',
  'c.mlp': 'The MLP’s output, times its scale, plus its offset.',
  'c.attention':
    'Attention scores and pattern from the recomputed Q and K (in Llama and Qwen after RoPE, and in Qwen3\nafter QK-norm first): Q·Kᵀ/√d_head, the causal mask, then softmax. Under grouped-query attention, query head h\nreads key head ⌊h · n_kv / n_head⌋.',
  'c.compare': 'Compare each captured tensor with ours.',
  'c.nulls':
    'A null in the file is a number that was not kept (a whole position’s row, in a large model’s lean run) or\none a query does not see (scores above the diagonal). Anywhere else it stands for NaN or infinity: a fault.',
  'c.perRow':
    'Each row is held to TOLERANCE times its largest value: a few very large activations elsewhere in the\ntensor do not loosen the others’ check.',
  'c.sampling':
    'Each sampled token: the same seeded generator (mulberry32) gives the same random draw; temperature,\ntop-k and top-p on our logits must pick the token the app picked.',
  'c.ownLogits': 'First the app’s own sampling, exactly: the trace’s logits at this position, with the step’s settings and draw.',
  'c.rounding':
    'In a graph that rounds its activations, the app’s logits differ a little from float32 ones: where the draw\nfalls near a boundary between two tokens, float32 logits can pick the neighbour. Counted apart, only when the\napp’s own sampling and its logits checked out above.',
  'c.recomputedLogits':
    'This position’s logits were recomputed after the run (a large model’s export), not the ones it sampled\nfrom: in a graph that rounds, or near a boundary, they may pick the neighbour.',
  'c.verdict': 'The verdict.',
  'm.usage': 'Recompute an exported Transformer Flow run with transformers and compare it with the trace.',
  'm.noTrace':
    'No trace file {file}: export the run’s trace from the app (Python check… → Trace) and put it beside this script, or give its path.',
  'm.traceRead': 'Trace of {model}: {positions} positions, {captures} captured tensors.',
  'm.needFolder':
    'This model was read from files on disk: give their folder with --model-dir (in a notebook: MODEL_DIR = "…"), holding config.json and the ONNX graph.',
  'm.downloading': 'Downloading {file}',
  'm.downloadFailed': 'Could not download {file} ({reason}). Download the model’s files yourself and give their folder with --model-dir.',
  'm.missingWeights': 'Could not find {count} weights in the ONNX file: {names}',
  'm.modelLoaded': 'Loaded {model} ({architecture}, {precision}) into transformers.',
  'm.byMean': '(by its mean)',
  'm.patchedCell': 'patched cell {grid} {where}',
  'm.intervention': 'The run changes: {what}.',
  'm.notKept': '{count} tensors were not kept in this trace (skipped): {hooks}',
  'm.unknownHook': '{hook}: this script does not compute it.',
  'm.shapeDiffers': '{hook}: shape {ours} here, {theirs} in the trace.',
  'm.notFinite': '{hook}: {count} values are NaN or infinite in the trace (the first at index {at}).',
  'm.tensorDiffers': '{hook}: differs by up to {difference} of its row’s scale (allowed {allowed}), at index {at}.',
  'm.drawDiffers': 'Step at position {position}: random draw {ours} here, {theirs} in the trace.',
  'm.samplingDiffers': 'Step at position {position}: sampling the trace’s own logits picks token {ours}, the trace says {theirs}.',
  'm.tooClose': 'Step at position {position}: the draw falls within 1e-5 of a boundary between two tokens (too close to call).',
  'm.roundingMoved':
    'Step at position {position}: with float32 logits the draw picks token {ours}; the app’s {precision} logits picked {theirs} (rounding near a boundary).',
  'm.notChecked':
    'Step at position {position}: the recomputed logits pick another token, and the trace did not keep this position’s logits to tell rounding from a fault (not checked).',
  'm.tokenDiffers': 'Step at position {position}: token {ours} here, {theirs} in the trace.',
  'm.fedDiffers': 'Step at position {position}: the token fed next is not the token chosen.',
  'm.nothingChecked': 'The trace holds no tensor to compare.',
  'm.disagree': 'DISAGREES: {tensors} tensors and {steps} steps differ.',
  'm.agree':
    'AGREES: {checked} of {captures} captured tensors compared, each row within {tolerance} of its scale ({precision}; the largest difference was {worst}).',
  'm.agreeKept': 'Not compared, because the trace did not keep them: {tensors} tensors, and {rows} rows of the others.',
  'm.stepsSame': 'Sampled tokens: {same} of {steps} picked as the app picked them.',
  'm.movedSteps': '{count} picked by the app’s {precision} logits, where float32 logits put the draw on a neighbouring token (above).',
  'm.closeSteps': '{count} too close to call (above).',
  'm.uncheckedSteps': '{count} not checked (above).',
} as const;
