/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The web app builds into dist/apps/web, beside the services' builds: the
 * gateway serves it from there and the Docker image copies dist/ whole.
 * During `vite` (dev server) /api goes to a gateway on port 3000.
 *
 * No @vitejs/plugin-react: Vite 8 compiles JSX itself (Oxc, automatic
 * runtime); the plugin would add only hot reload that keeps component state
 * in development, and its optional Babel peers do not install beside jest's
 * Babel 7 with npm 11.
 */
export default defineConfig({
  root: here('.'),
  resolve: {
    alias: { '@sessionledger/api-client': here('../../libs/api-client/src/index.ts') },
  },
  build: {
    outDir: here('../../dist/apps/web'),
    emptyOutDir: true,
    sourcemap: true,
    // React, Mantine and TanStack Query make one ≈750 kB script (≈230 kB gzipped), fetched once and then cached for good.
    chunkSizeWarningLimit: 1000,
    rolldownOptions: {
      // Mantine marks its modules "use client" for React Server Components; meaningless in a browser-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
  test: {
    root: here('.'),
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test-setup.ts'],
  },
});
