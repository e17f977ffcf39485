/** The built app's Content-Security-Policy: no inline script, no eval; 'wasm-unsafe-eval' because onnxruntime-web
 * compiles WebAssembly; inline styles because Svelte and KaTeX set style attributes; the model sources a learner
 * can pick (src/engine/models/sources.ts) and the hosts their large files redirect to: the Hub's LFS, Xet and CDN
 * hosts are all under *.hf.co (older redirects under *.huggingface.co), hf-mirror.com rewrites them to its own
 * subdomains, ModelScope's LFS CDN is cdn-lfs-cn-*.modelscope.cn. Used by the build (a meta tag), by `vite preview` and by the test server (headers,
 * which also cover the worker). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' https://huggingface.co https://*.hf.co https://*.huggingface.co https://hf-mirror.com https://*.hf-mirror.com https://modelscope.cn https://*.modelscope.cn",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');
