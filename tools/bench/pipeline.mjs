// The plain-generation baseline of `npm run bench` on the current transformers.js (@huggingface/transformers 4.x):
// its own text-generation pipeline on a model folder of this origin (no capture, no UI), with its own
// onnxruntime-web (served locally, as is the model: nothing is fetched from the internet).
import { env, pipeline } from '/bench-lib4/transformers.min.js';

env.allowLocalModels = true;
env.allowRemoteModels = false;
env.useBrowserCache = false; // a 500 MB graph would be stored again in Cache Storage
env.useWasmCache = false;
env.backends.onnx.wasm.wasmPaths = {
  mjs: '/bench-ort4/ort-wasm-simd-threaded.asyncify.mjs',
  wasm: '/bench-ort4/ort-wasm-simd-threaded.asyncify.wasm',
};

/** Tokens per second of `repeats` generations of exactly `tokens` new tokens (sampling as the app does).
 * `dtype` and `fileName` pick the file as transformers.js does: onnx/{fileName}{suffix of dtype}.onnx. */
window.measurePipeline = async ({ modelRoot, model, device, dtype, fileName, prompt, tokens, repeats }) => {
  env.localModelPath = modelRoot;
  const requested = [];
  const loadStarted = performance.now();
  const generator = await pipeline('text-generation', model, {
    device,
    dtype,
    ...(fileName ? { model_file_name: fileName } : {}),
    progress_callback: (event) => {
      if (event.status === 'initiate') requested.push(event.file);
    },
  });
  const loadMs = performance.now() - loadStarted;
  // The page and its workers once the model is loaded (onnxruntime's wasm heap included), after a garbage collection,
  // as the app's is measured; only a cross-origin isolated page can ask.
  let loadedBytes = null;
  if (globalThis.crossOriginIsolated && performance.measureUserAgentSpecificMemory) {
    for (let i = 0; i < 3; i++) globalThis.gc?.();
    loadedBytes = (await performance.measureUserAgentSpecificMemory()).bytes;
  }
  const options = { max_new_tokens: tokens, min_new_tokens: tokens, do_sample: true, temperature: 0.8, top_k: 40, top_p: 0.95 };
  const counting = () => {
    const streamer = {
      calls: 0,
      put() {
        streamer.calls++;
      },
      end() {},
    };
    return streamer;
  };
  await generator(prompt, { ...options, max_new_tokens: 2, min_new_tokens: 2 }); // warm-up
  const speeds = [];
  for (let i = 0; i < repeats; i++) {
    const streamer = counting();
    const started = performance.now();
    await generator(prompt, { ...options, streamer });
    // The streamer's first call carries the prompt, each later one a generated token.
    speeds.push((streamer.calls - 1) / ((performance.now() - started) / 1000));
  }
  await generator.dispose();
  return {
    loadMs,
    loadedBytes,
    speeds,
    files: requested,
    threads: env.backends.onnx.wasm.numThreads ?? null,
    isolated: crossOriginIsolated,
  };
};
window.pipelineReady = true;

/** The first generated token on screen, timed from navigation start as the app's is: this page, opened with
 * `?first-token=<model>&root=<folder root>&device=<backend>&dtype=<dtype>&file=<file name>&prompt=<text>` in a fresh
 * browser context, loads the library, its onnxruntime-web and the model (nothing cached), generates, and writes the
 * first new token into the page. */
const asked = new URLSearchParams(location.search);
if (asked.has('first-token')) {
  try {
    env.localModelPath = asked.get('root');
    const generator = await pipeline('text-generation', asked.get('first-token'), {
      device: asked.get('device'),
      dtype: asked.get('dtype'),
      model_file_name: asked.get('file'),
    });
    let calls = 0;
    const streamer = {
      put(ids) {
        // The first call carries the prompt; the second, the first generated token.
        if (++calls !== 2) return;
        const chip = document.createElement('span');
        chip.className = 'first-token';
        chip.textContent = generator.tokenizer.decode(ids.flat().map(Number));
        document.body.append(chip);
        window.__firstTokenAt = performance.now();
      },
      end() {},
    };
    await generator(asked.get('prompt'), { max_new_tokens: 8, do_sample: true, temperature: 0.8, top_k: 40, top_p: 0.95, streamer });
  } catch (error) {
    window.__firstTokenError = String(error?.message ?? error).split('\n')[0];
  }
}
