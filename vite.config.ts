import { defineConfig, type Plugin } from 'vitest/config';
// @ts-expect-error plain ESM module without types
import { CONTENT_SECURITY_POLICY } from './tools/csp.mjs';

/** The CSP as a meta tag of the built page (only in the build: Vite's dev server injects inline scripts). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`),
  };
}
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation lets onnxruntime-web use more than one WASM thread (see shared PITFALLS).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    svelte(),
    contentSecurityPolicy(),
    // Offline after one visit: the app shell and onnxruntime-web's wasm are precached; the embedded models are
    // cached the first time they load (see README, "Offline").
    VitePWA({
      registerType: 'autoUpdate',
      // Registered by the app after the first model has run (src/app/serviceWorker.ts), not at page load.
      injectRegister: false,
      includeAssets: ['favicon.svg'],
      manifest: {
        name: 'Transformer Flow · 透视 Transformer',
        short_name: '透视 Transformer',
        description: 'Run a small language model in your browser and watch every step. 在浏览器里一步一步看语言模型如何计算。',
        lang: 'zh-CN',
        start_url: '.',
        display: 'standalone',
        background_color: '#f6f7f9',
        theme_color: '#2f6fdf',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,svg,png,woff2,webmanifest}'],
        // The tokenizer lab's data loads only when a tokenizer is first shown, and the lab keeps it in Cache
        // Storage itself (src/engine/lab/sources.ts): js-tiktoken's rank files (4 MB, here as .js assets) are not
        // precached; Qwen3's and DeepSeek-V3's tokenizer.json (19 MB) are outside the glob anyway.
        globIgnores: ['**/node_modules/**/*', '**/assets/{r50k_base,cl100k_base,o200k_base}-*.js'],
        // onnxruntime-web's wasm: 27 MB for WebGPU, 14 MB for the CPU backend; both, so a device lost offline
        // still falls back (PITFALLS: the default 2 MiB limit fails the build).
        maximumFileSizeToCacheInBytes: 40 * 1024 * 1024,
        navigateFallbackDenylist: [/^\/models\//, /^\/test-models\//],
        // Adds COOP and COEP to every response the service worker serves, so the app is cross-origin isolated
        // (WASM threads) on any static server (docs/isolation.md).
        importScripts: ['sw-isolation.js'],
        runtimeCaching: [
          {
            urlPattern: ({ url }) => url.pathname.startsWith('/models/'),
            handler: 'CacheFirst',
            options: { cacheName: 'embedded-models', cacheableResponse: { statuses: [200] } },
          },
          {
            // A class pack's settings (npm run class-pack): fresh from the server, kept for a class offline.
            urlPattern: ({ url }) => url.pathname === '/classroom.json',
            handler: 'NetworkFirst',
            options: { cacheName: 'classroom-settings', networkTimeoutSeconds: 3, cacheableResponse: { statuses: [200] } },
          },
        ],
      },
    }),
  ],
  server: { headers: isolation },
  preview: { headers: { ...isolation, 'Content-Security-Policy': CONTENT_SECURITY_POLICY } },
  // Pre-bundling moves onnxruntime-web's .wasm to /.vite/deps/, where it is not served (PITFALLS).
  optimizeDeps: { exclude: ['onnxruntime-web/webgpu', 'onnxruntime-web/wasm'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/model/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // In Node the engine runs on onnxruntime-web's Node build (WASM backend), the same kernels as the browser's.
    alias: { 'onnxruntime-web/webgpu': 'onnxruntime-web', 'onnxruntime-web/wasm': 'onnxruntime-web' },
  },
});
