import { defineConfig, type Plugin } from 'vitest/config';
// @ts-expect-error plain ESM module without types
import { CONTENT_SECURITY_POLICY } from './tools/csp.mjs';

/** The CSP as a meta tag of the built page (only in the build: Vite's dev server injects inline scripts). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`),
  };
}
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Cross-origin isolation lets onnxruntime-web use more than one WASM thread (see shared PITFALLS).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [svelte(), contentSecurityPolicy()],
  server: { headers: isolation },
  preview: { headers: { ...isolation, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  // Pre-bundling moves onnxruntime-web's .wasm to /.vite/deps/, where it is not served (PITFALLS).
  optimizeDeps: { exclude: ['onnxruntime-web/webgpu'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/model/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // In Node the engine runs on onnxruntime-web's Node build (WASM backend), the same kernels as the browser's.
    alias: { 'onnxruntime-web/webgpu': 'onnxruntime-web' },
  },
});
