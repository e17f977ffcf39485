import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Cross-origin isolation lets onnxruntime-web use more than one WASM thread (see shared PITFALLS).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [svelte()],
  server: { headers: isolation },
  preview: { headers: isolation },
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
