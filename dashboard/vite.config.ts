import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const DASHBOARD_DIR = fileURLToPath(new URL('.', import.meta.url));

/**
 * The dashboard (issue 8): a Preact app built to dist/dashboard/ and served by `attune serve` at
 * /app/ (src/server/routes/dashboard.routes.ts). Scripts and styles are external files only, so the
 * page runs under a CSP without 'unsafe-inline'.
 */
export default defineConfig({
  root: DASHBOARD_DIR,
  base: '/app/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/dashboard/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // No inline data: URLs for assets: everything is a file the CSP allows by 'self'.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
