// Vite build of the staff UI. The server sends a strict Content-Security-Policy
// (script-src 'self'; style-src 'self'; no 'unsafe-inline'), so the output must contain
// no inline <script> or <style>: assets are never inlined as data: URIs and the
// module-preload polyfill (an inline script) is switched off.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export default defineConfig({
  root: webRoot,
  base: '/',
  publicDir: 'public',
  plugins: [react()],
  build: {
    outDir: `${repoRoot}dist/web`,
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // No source maps in the shipped bundle: the UI is internal tooling and maps only add surface.
    sourcemap: false,
    target: 'es2022',
    cssCodeSplit: false,
    rolldownOptions: {
      output: {
        // Long-lived vendor chunks: a UI change does not re-download React or Zod.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom|@tanstack|cookie|set-cookie-parser)[\\/]/ },
            { name: 'zod', test: /node_modules[\\/]zod[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // `vite --config src/web/vite.config.ts` during development: the API runs separately.
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/healthz': 'http://127.0.0.1:3000',
      '/readyz': 'http://127.0.0.1:3000',
    },
  },
});
