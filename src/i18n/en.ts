/** English strings. Keys are shared with zh-CN.ts; `{name}` marks a parameter. */
export const en = {
  'app.title': 'Transformer Flow',
  'app.subtitle': 'Watch a language model think, step by step, in your browser',
  'language.switch': '中文',
  'language.label': 'Language',
  'prompt.label': 'Prompt',
  'prompt.placeholder': 'Type a beginning, the model writes the rest…',
  'prompt.examples': 'Examples',
  'prompt.tokens': '{count} tokens',
  'prompt.truncated':
    'The prompt is {total} tokens, longer than the model’s context of {context}: the first {dropped} tokens were left out (truncated from the left).',
  'controls.generate': 'Generate',
  'controls.step': 'Step one token',
  'controls.stop': 'Stop',
  'controls.export': 'Export trace (JSON)',
  'controls.exportB': 'Export run B’s trace (JSON)',
  'exportOffer.held':
    'This run kept every tensor of layer {held} only (of {layers}); of the others, the residual stream between layers: a large model’s run keeps what the views look at, to save memory.',
  'exportOffer.heldMany':
    'This run kept every tensor of layers {held} only (of {layers}); of the others, the residual stream between layers: a large model’s run keeps what the views look at, to save memory.',
  'exportOffer.heldNone':
    'This run kept the residual stream between its {layers} layers, and no layer’s tensors inside: a large model’s run keeps what the views look at, to save memory.',
  'exportOffer.logits':
    'This run kept the logits (a score for every token of the vocabulary) of its newest positions only, to save memory.',
  'exportOffer.complete': 'Compute the rest, then export (about {size})',
  'exportOffer.asIs': 'Export as it is',
  'exportOffer.progress': 'Computing the rest: {done} of {total} parts…',
  'exportOffer.tooLarge':
    'Written whole, the file would be about {size}: more than a browser can write at once. Export it as it is, or run fewer tokens.',
  'exportOffer.needsModel':
    'Computing the rest needs this run’s own model in this page: load {model}, run it again here, then export that run.',
  'exportOffer.failed': 'The rest could not be computed, so no file was written.',
  'python.open': 'Python check…',
  'python.openHint':
    'Download this run’s trace and a script (or notebook) that recomputes it with Hugging Face transformers and checks every number',
  'python.explain':
    'Recompute this run with Hugging Face transformers, on the weights of the same model file, and check every captured tensor and every sampled token against the trace. Save both files in one folder:',
  'python.trace': 'Trace (JSON)',
  'python.script': 'Script (.py)',
  'python.notebook': 'Notebook (.ipynb)',
  'python.run': 'Then, in that folder, run:',
  'python.fromSource':
    'The script fetches {model}’s config.json and ONNX file from where this page read them (once), and reads the weights from that file.',
  'python.fromDisk': '{model} was read from a folder on your disk: add --model-dir with that folder.',
  'python.tolerance':
    'It allows each row of a tensor a difference of {tolerance} of its largest value (at least 1): onnxruntime and PyTorch add up in different orders ({precision}).',
  'python.toleranceRounding':
    'It allows each row of a tensor a difference of {tolerance} of its largest value (at least 1): onnxruntime and PyTorch add up in different orders, and this {precision} graph rounds its activations as it computes.',
  'python.unreadable':
    'The script cannot read this graph’s {precision} weights back (its 4-bit values are looked up in tables of their own): load the model in another precision to check a run in Python.',
  'python.needsModel':
    'The script loads the model that made the run, from where this page read it: load {model}, run it, and check that run.',
  'settings.title': 'Sampling',
  'settings.temperature': 'Temperature',
  'settings.temperatureHint': '0 = greedy: always the most likely token',
  'settings.topK': 'Top-k',
  'settings.topKHint': '0 = off',
  'settings.topP': 'Top-p',
  'settings.topPHint': '1 = off',
  'settings.seed': 'Seed',
  'settings.maxTokens': 'Max new tokens',
  'settings.minTokens': 'Min new tokens',
  'settings.minTokensHint': 'End of text is held back until then, so a finished sentence still gets a continuation',
  'settings.defaultsNote':
    'Why these defaults: temperature {temperature}, top-k {topK} and top-p {topP} are common starting points, keeping some variety while shutting out very unlikely tokens; the minimum of {minimum} new tokens keeps a whole sentence as the prompt from ending the run at once.',
  'backend.label': 'Backend',
  'backend.webgpu': 'WebGPU',
  'backend.wasm': 'WASM',
  'backend.reason.forced': 'chosen in the URL (?backend={backend})',
  'backend.reason.no-webgpu': 'this browser has no WebGPU',
  'backend.reason.no-adapter': 'WebGPU found no usable graphics adapter',
  'backend.reason.software-adapter': 'WebGPU here is a software renderer ({adapter}) that emulates a GPU on the CPU, far slower than WASM',
  'backend.reason.session-failed': 'the WebGPU session could not be created',
  'backend.reason.device-lost': 'the WebGPU device was lost during a run',
  'backend.reason.measured': 'measured faster than the other backend on this model and device',
  'backend.reason.measuring': 'runs first while WebGPU is timed on this model; the faster one stays',
  'backend.reason.large-model': 'a real GPU, and the model is too large to time on both backends',
  'backend.timings': 'per token: WebGPU {webgpu} ms · WASM {wasm} ms',
  'backend.timings.remembered': '(measured on an earlier visit)',
  'backend.timings.now': '(measured just now)',
  'threads.single': 'WASM runs on one thread here.',
  'threads.why.insecure':
    'Several threads need a cross-origin-isolated page, which browsers allow only over HTTPS or from localhost; this page came over plain http from an address other than localhost.',
  'threads.why.no-service-worker':
    'Several threads need a cross-origin-isolated page: this server sends no isolation headers, and this browser runs no service worker for the page that would add them (a private window, or a browser setting).',
  'threads.why.not-applied':
    'Several threads need a cross-origin-isolated page: the app reloaded once through its service worker, and the page is still not isolated (an older copy of the app may still be in charge: close all its tabs and open it again).',
  'threads.why.later':
    'Several threads need a cross-origin-isolated page: the app’s service worker is now ready to make it one, from the next time the page is opened (it does not reload now, so as not to interrupt you).',
  'model.label': 'Model',
  'model.loading': 'Loading the model…',
  'model.loadingName': 'Loading {name}…',
  'model.kept': '{name} stays in use until the new model is ready.',
  'model.file': '{file}: {loaded} of {total}',
  'model.fileUnknown': '{file}: {loaded}',
  'model.graph.cached': 'KV cache: each new token runs one position through the model.',
  'cost.title': 'The cost of looking',
  'cost.explain':
    'Recording what the model computes, for the chart and the views, takes time. Measure it on this device: a token’s pass through the graph as the app runs it, with its captures, and the same graph with nothing captured.',
  'cost.measure': 'Measure',
  'cost.measuring': 'Measuring…',
  'cost.result.all':
    'Recording every tensor: {capturing} ms a token, {bytes} handed to the page per token. The same graph with nothing recorded: {plain} ms. Looking costs {ratio}× here ({backend}, {context} positions, measured on this device).',
  'cost.result.lean':
    'Recording the residual stream, the embeddings and the layers open in the views (a large model’s lean plan; another layer is computed when you open it): {capturing} ms a token, {bytes} handed to the page per token. The same graph with nothing recorded: {plain} ms. Looking costs {ratio}× here ({backend}, {context} positions, measured on this device).',
  'cost.notMeasured': 'Not measured for this model’s layout (a prompt graph and a separate step graph).',
  'model.graph.two-graph': 'KV cache over two graphs (the prompt through one, each new token through the other): one position per token.',
  'model.graph.full': 'No KV cache in this graph: each new token recomputes the whole sequence (slower).',
  'model.summary': '{parameters} parameters · {layers} layers · {heads} heads per layer · {dModelTerm} {dModel} · context {context}',
  'model.summaryGrouped':
    '{parameters} parameters · {layers} layers · {heads} heads per layer ({kvHeads} key/value heads) · {dModelTerm} {dModel} · context {context}',
  'model.parametersTitle': '{count} parameters, counted from the weights in the model file. Large chat models have billions.',
  'model.reload': 'Load the embedded model',
  'model.offline': 'Available offline: this model works with no network.',
  'model.online': 'Needs the network: this model could not be stored for offline use.',
  'model.storageFull': 'Needs the network: the browser’s storage is full, so this model was not stored for offline use.',
  'tokens.title': 'Tokens',
  'tokens.explain': 'The model reads token IDs, not letters. Prompt tokens are outlined; generated tokens are filled.',
  'tokens.partial': 'byte {bytes} of “{character}”',
  'tokens.partialOpen': 'byte {bytes} of a character not complete',
  'tokens.bytesTitle': 'UTF-8 bytes that spell no whole character here (the text stops inside one)',
  'tokens.tooltip': 'position {position} · id {id} · bytes {bytes}',
  'tokens.eos': 'end of text',
  'tokens.eosTitle':
    'End of text: the model predicted a special token ({token}) that means “the text is over”. It is not a word; generation stops here.',
  'tokens.endedAtOnce':
    'The model ended the text at once, without a new token: a model this small often takes a finished sentence for a whole text. To see more, try:',
  'tokens.endedAfterOne':
    'The model ended the text after 1 new token: a model this small often takes a finished sentence for a whole text. To see more, try:',
  'tokens.endedEarly':
    'The model ended the text after {count} new tokens: a model this small often takes a finished sentence for a whole text. To see more, try:',
  'tokens.tryUnfinished': 'dropping the final punctuation, so the sentence is unfinished;',
  'tokens.trySeed': 'another seed, for another random draw;',
  'tokens.tryMinimum': 'raising “Min new tokens” (now {minimum}): end of text is held back until the run has that many.',
  'next.title': 'Next-token probabilities',
  'next.explain':
    'At position {position}, after “{token}”: the top candidates after temperature, top-k and top-p. The drawn number {draw} picked the highlighted token.',
  'next.explainGreedy': 'At position {position}, after “{token}”: greedy decoding takes the most likely token.',
  'next.kept': '{kept} of {vocab} tokens survive the filters',
  'next.barsGreedy':
    'Bars: softmax of the logits at T = 1, before any filter. Greedy decoding uses no temperature and no filter: the largest logit wins.',
  'next.barTitle': '{token} · id {id} · p = {probability}',
  'next.heldBack': 'End of text is held back until {minimum} new tokens; the model gave it {percent}.',
  'next.empty': 'Generate to see what the model predicts next.',
  'next.both': 'Runs A and B after position {position}',
  'next.bothExplain':
    'The model’s probabilities (softmax of the logits, before temperature and the filters) in both runs at the same position; bars on one scale.',
  'next.textsDiffer': 'The runs’ texts up to here differ, so these are answers to two different questions.',
  'next.distance':
    'Total variation distance between A’s and B’s distributions here: {distance} (half the sum of |B − A| over every token: the share of probability that moved to other tokens; 0 = the same, 1 = nothing in common).',
  'next.distanceLargest':
    'It is largest at step {step} ({distance}) of the steps where both runs read the same text: the panel opens there after run B.',
  'next.forced': 'Run B was fed run A’s token “{fed}” here (teacher forcing); its own draw, highlighted, picked “{own}”.',
  'next.forcedSame': 'Run B was fed run A’s token “{fed}” here (teacher forcing); its own draw picked the same token.',
  'next.step': 'Step',
  'status.ready': 'Ready',
  'status.loading': 'Loading the model…',
  'status.downloading': 'Downloading the model ({percent}%)…',
  'status.preparing': 'Preparing the model (reading the graph, compiling)…',
  'status.loadFailed': 'The model did not load: see the Model panel.',
  'status.generating': 'Generating…',
  'status.stop.eos': 'Stopped: the model predicted the end of the text.',
  'status.stop.max-tokens': 'Stopped after {count} new tokens (the maximum you set).',
  'status.stop.context-full': 'Stopped: the context of {context} tokens is full.',
  'status.stop.stopped': 'Stopped by you.',
  'status.deviceLost': 'The WebGPU device was lost; the run continues on WASM.',
  'playback.play': 'Play',
  'playback.pause': 'Pause',
  'playback.back': 'Back one box',
  'playback.forward': 'Forward one box',
  'playback.restart': 'Restart',
  'playback.end': 'Go to the end',
  'playback.speed': 'Speed',
  'playback.layer': 'Jump to layer',
  'playback.token': 'Jump to token',
  'playback.pauseEach': 'Pause at every box',
  'playback.present': 'Presentation mode',
  'playback.exitPresent': 'Leave presentation',
  'recording.open': 'Open a run…',
  'recording.openHint':
    'Open a trace file exported from this app (on this or another computer): the chart plays it and the views show its numbers, without its model. You can also drop the file on the page.',
  'recording.shown':
    'A recorded run, opened from “{file}” (saved {saved}): model {model}, computed on {backend}. Every number shown is the one recorded.',
  'recording.held':
    'It holds every tensor of layer {held} only (of {layers}); of the others, the residual stream between layers (a large model’s run keeps what its views looked at): the views say where numbers were not kept.',
  'recording.heldMany':
    'It holds every tensor of layers {held} only (of {layers}); of the others, the residual stream between layers (a large model’s run keeps what its views looked at): the views say where numbers were not kept.',
  'recording.heldNone':
    'It holds the residual stream between its {layers} layers, and no layer’s tensors inside (a large model’s run keeps what its views looked at): the views say where numbers were not kept.',
  'recording.needsModel':
    'A recording holds what was computed, not the model that computed it (its precision and backend may differ from this page’s), so what computes again is off: recomputing, the logit lens, the nearest tokens, the KV-cache check and What if. Generate runs the loaded model on your prompt, as a new run.',
  'recording.cacheNeedsModel':
    'The cache’s size depends on the precision the model ran at, which a recording does not say, and its check computes again: run {model} here to see them.',
  'recording.lensNeedsModel': 'This computes again, and a recording has no model to compute with: run {model} here, then try again.',
  'recording.neighboursNeedModel':
    'The nearest tokens are searched in the model’s embedding matrix, which a recording does not hold: run {model} here to see them.',
  'recording.notKept':
    'This recording does not hold these numbers: a large model’s run keeps the residual stream between layers, the newest logits and only the layer open in the views (a layer’s numbers go when the views move to another). Run it again with its model, open this view, then export.',
  'earlierModel.shown':
    'This run was made by an earlier load of {model}; the model loaded now is {loaded}. Its numbers stay here to be looked at and exported, but what computes again is off for it (recomputing, the logit lens, the nearest tokens, the KV-cache check and What if): a run belongs to the load that made it, even when the same model is loaded again. Generate runs {loaded} on your prompt, as a new run.',
  'earlierModel.cacheNeedsModel':
    'The cache check computes again, and the load of {model} that made this run is gone (loading a model again starts a new run; it does not reopen this one). Generate to make a new run with {loaded}, and check that one.',
  'earlierModel.lensNeedsModel':
    'This computes again, and the load of {model} that made this run is gone: Generate to make a new run with {loaded} and read its lens.',
  'earlierModel.neighboursNeedModel':
    'The nearest tokens are searched in the embedding matrix of the load of {model} that made this run, and it is gone: Generate to make a new run with {loaded}.',
  'earlierModel.notKept':
    'This run does not hold these numbers, and the load of {model} that made it is gone, so they cannot be computed (a large model’s run keeps the residual stream between layers, the newest logits and only the layer open in the views): Generate to make a new run with {loaded}.',
  'recording.invalid.not-json':
    '“{file}” could not be opened: it is not a JSON file. Pick a file made by “Export trace”; the run on screen stays.',
  'recording.invalid.not-trace':
    '“{file}” could not be opened: it is JSON, but not a run exported by this app. Pick a file made by “Export trace”; the run on screen stays.',
  'recording.invalid.version':
    '“{file}” could not be opened: it was written in another version of the trace format ({detail}) than this app reads. The run on screen stays.',
  'recording.invalid.broken': '“{file}” could not be opened: part of it is missing or damaged ({detail}). The run on screen stays.',
  'present.textSize': 'Type size',
  'present.smaller': 'Smaller type (− key)',
  'present.more': '▼ more: PageDown',
  'present.larger': 'Larger type (+ key)',
  'playback.keys':
    'Keys: Space / → / PageDown forward · ← / PageUp back (presentation: PageDown / PageUp first page through a long explanation) · Home restart · End go to the end · 1–9 layer · P play/pause · F presentation · B blank screen · + / − type size (presentation)',
  'playback.frame': 'Box {index} of {count}',
  'playback.stop': 'Overview {index} of {count}',
  'playback.pace': 'Pace',
  'playback.pace.overview': 'Overview',
  'playback.pace.every': 'Every box',
  'playback.paceHint':
    'Overview: the first token’s first layer box by box, then each further layer and each further token as one step. To see every box, choose “Every box” (→ then steps box by box); “Jump to layer” and “Jump to token” reach any box at either pace.',
  'chart.title': 'Program flow chart',
  'detail.title': 'What this box computes',
  'detail.close': 'Close',
  'detail.sheet': 'This box explained',
  'detail.tensors': 'Tensors at this box (layer {layer}, generation step {step})',
  'detail.tensorsNoLayer': 'Tensors at this box (generation step {step})',
  'detail.none': 'This box moves data without a tensor of its own: see the caption below the chart.',
  'detail.outside':
    'Computed in the page, outside the model’s graph: its numbers are in the “{tab}” view below (and in the exported trace’s steps).',
  'detail.outsideTokens':
    'Computed in the page, outside the model’s graph: its numbers are in the “{tab}” view below (and in the exported trace’s tokens).',
  'detail.differenceValues': 'B − A at position {position} (run B minus run A), first values',
  'detail.valuesB': 'run B: first values at position {position}',
  'detail.computing':
    'Computing again from the same tokens… (as it generates, a large model keeps only the residual stream between layers, with the embeddings, the final norm’s output and the newest positions’ logits, and the layers open in the views)',
  'detail.notKept': "Not kept by this large model's run: pause the chart to have it computed again from the same tokens.",
  'detail.values': 'first values at position {position}',
  'detail.tensor.q': 'Q (queries)',
  'detail.tensor.k': 'K (keys)',
  'detail.tensor.v': 'V (values)',
  'detail.tensor.mlpOut': 'output, back to the stream’s width',
  'detail.python': 'Its name in Python and in the exported trace (they number layers from 0):',
  'detail.head': 'Head',
  'detail.views': 'The “{tab}” view below shows this box’s tensors in full; every number here is the Trace’s own.',
  'detail.viewsNone': 'The “{tab}” view below shows the numbers around it.',
  'detail.formula': 'Formula',
  'detail.why': 'Why',
  'detail.hint': 'Click any box of the chart to see its tensors here.',
  'error.model-fetch-failed':
    '{host} answered with an error (HTTP {status}), so the file did not download. It may be busy: try again in a moment, or choose another source.',
  'error.model-not-found': '{where} has no file {file}.',
  'error.too-large-to-measure':
    'This model is too large to measure here: the comparison would load its weights a second time ({megabytes} MB more) in the memory the model itself runs in.',
  'error.source-refused':
    '{host} refused to send the file to this page: it answers only its own web pages (a cross-origin refusal), so trying again will not help. Choose another source.',
  'error.source-unreachable':
    'Could not connect to {host}: the network does not reach it (no connection, or the connection was cut). Check the network, or choose another source.',
  'error.source-unknown':
    '{host} did not answer this page: either the network does not reach it, or it refuses requests from web pages (this browser does not say which). Choose another source.',
  'error.source-timeout': '{host} did not answer in time: it may be out of reach from this network. Choose another source, or try again.',
  'error.details': 'Details',
  'error.model-not-onnx': '{file} is not an ONNX model (it could not be read). Choose another model file.',
  'error.model-truncated': '{file} is incomplete ({loaded} of {total} bytes): the download broke off. Try again.',
  'error.config-invalid': 'The model’s configuration is missing or has a bad field: {field}.',
  'error.architecture-unsupported': 'Models of type “{architecture}” are not supported yet.',
  'error.probe-missing': 'This graph does not match the “{architecture}” model its config.json describes: could not find {points}.',
  'error.session-failed': 'The {backend} backend could not start this model ({detail}).',
  'error.device-lost': 'The WebGPU device was lost ({detail}).',
  'error.prompt-empty': 'Type a prompt first (it cannot be empty or only spaces).',
  'error.tokenizer-failed': 'The tokenizer could not be loaded ({detail}).',
  'error.worker-crashed': 'The model worker stopped ({detail}). Reload the model to continue.',
  'error.download-cancelled': 'Download cancelled. Choose a model to continue.',
  'error.patching-cancelled':
    'Patching stopped. The cells computed so far are not shown (the grid shown is from the last complete sweep); run it again to compute them all.',
  'error.patch-lengths':
    'Patching needs two prompts of the same length in tokens: the clean one has {clean}, the corrupted one {corrupted}. Change the corrupted prompt so the two line up token for token.',
  'error.ranking-cancelled': 'Ranking stopped. The heads ranked so far are not shown; run it again to rank them all.',
  'error.repo-invalid': '“{repo}” is not a Hub repository name: write it as owner/name, e.g. Xenova/gpt2.',
  'local.title': 'A model from your disk',
  'local.choose': 'Open a folder',
  'local.hint': 'Or drop the files here: config.json, tokenizer.json and an ONNX file. They are read in this browser and sent nowhere.',
  'local.name': 'local model',
  'hub.title': 'Open models from the Hub and its mirrors',
  'hub.source': 'Download from',
  'hub.source.huggingface': 'Hugging Face (huggingface.co)',
  'hub.source.hf-mirror': 'hf-mirror.com (mirror of the Hub; often refuses downloads from web pages)',
  'hub.source.modelscope': 'ModelScope (modelscope.cn, reachable in mainland China)',
  'hub.source.classroom': 'Classroom server ({path} on this site)',
  'hub.sourceReason.locale':
    'ModelScope is chosen because this page is in Chinese: huggingface.co often does not open in mainland China. Pick another source above if it does for you.',
  'hub.sourceReason.url': 'This source was chosen by the link you opened.',
  'hub.offline':
    'No internet in class? Put the repository folder on the server that serves this app, under {path}/owner/name/resolve/main/, and choose “Classroom server”.',
  'hub.placeholder': 'owner/name',
  'hub.load': 'Download',
  'hub.cancel': 'Cancel download',
  'hub.curated': 'Suggestions',
  'hub.stored': 'Stored in this browser',
  'hub.delete': 'Delete',
  'hub.none': 'None yet.',
  'hub.size': '{size} in {files} files',
  'hub.storageFull':
    'The browser’s storage is full (or not allowed here): the model runs now, but will be downloaded again next time. Delete stored models to make room.',
  'hub.note':
    'The app downloads only what you ask for, directly from the source to this browser; ONNX repositories made for transformers.js work best. A model stored from one source is found again from any other.',
  'error.busy': 'The model is still busy; wait for it or press Stop.',
  'error.trace-invalid': '“{file}” is not a run this app can open.',
  'error.internal': 'Something went wrong: {detail}',
  // ---- Open models: the precision that runs ----
  'model.precision': 'Precision: {dtype} ({file}).',
  // ---- end of the open-models block ----
  // ---- Screens and accessibility ----
  'a11y.skipToChart': 'Skip to the flow chart',
  'fold.otherModels': 'Other models: the Hub and your disk',
  'local.noneChosen': 'No folder chosen yet',
  'local.chosen': '{count} files from “{name}”',
  'views.scrollHint': 'Scroll sideways for more →',
  'views.zoom': 'Zoom',
  'views.zoomFit': 'whole matrix',
  'views.attention.scaledLine': 'q · k ÷ √{dHead} = {value}',
  'views.attention.gridScale':
    'Each thumbnail is coloured on its own scale, from 0 to its largest average weight, so weak heads stay visible.',
  // ---- end of the screens block ----
} as const;

export type MessageKey = keyof typeof en;
