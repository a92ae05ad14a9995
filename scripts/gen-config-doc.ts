/**
 * Writes docs/config.md from the config schema. `--check` writes nothing and exits 1 when the file
 * is stale (the test in test/integration/cli-config-doc.test.ts does the same check).
 *   npx tsx scripts/gen-config-doc.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigDoc } from '../src/config/render-config-doc.js';

const target = fileURLToPath(new URL('../docs/config.md', import.meta.url));
const expected = renderConfigDoc();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = '';
  }
  if (current !== expected) {
    process.stderr.write('docs/config.md is stale: run `npx tsx scripts/gen-config-doc.ts`\n');
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, expected);
  process.stdout.write(`wrote ${target}\n`);
}
