// The plain-generation baseline of `npm run bench`: @xenova/transformers' own text-generation pipeline on a model
// folder of this origin (no capture, no UI), with its own onnxruntime-web and wasm files served locally.
import { env, pipeline } from '/bench-lib/transformers.min.js';

env.allowRemoteModels = false;
env.backends.onnx.wasm.wasmPaths = '/bench-lib/';

/** Tokens per second of `repeats` generations of exactly `tokens` new tokens (sampling as the app does). */
window.measureBaseline = async ({ modelRoot, model, prompt, tokens, repeats }) => {
  env.localModelPath = modelRoot;
  const loadStarted = performance.now();
  const generator = await pipeline('text-generation', model, { quantized: false });
  const loadMs = performance.now() - loadStarted;
  const options = { max_new_tokens: tokens, min_new_tokens: tokens, do_sample: true, temperature: 0.8, top_k: 40, top_p: 0.95 };
  await generator(prompt, { ...options, max_new_tokens: 2, min_new_tokens: 2 }); // warm-up
  const speeds = [];
  for (let i = 0; i < repeats; i++) {
    let steps = 0;
    const started = performance.now();
    await generator(prompt, { ...options, callback_function: () => steps++ });
    speeds.push(steps / ((performance.now() - started) / 1000));
  }
  await generator.dispose();
  return { loadMs, speeds };
};
window.baselineReady = true;
