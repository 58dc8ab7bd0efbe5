import { defineConfig } from 'vitest/config';

// `npx vitest run` from the repository root runs the web app's unit tests with its own config (jsdom, React).
export default defineConfig({ test: { projects: ['apps/web/vite.config.ts'] } });
