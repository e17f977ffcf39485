/** The built app's Content-Security-Policy: no inline script, no eval; 'wasm-unsafe-eval' because onnxruntime-web
 * compiles WebAssembly; inline styles because Svelte and KaTeX set style attributes; Hugging Face for the model
 * downloads a learner asks for. Used by the build (a meta tag), by `vite preview` and by the test server (headers,
 * which also cover the worker). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' https://huggingface.co https://*.hf.co",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
