import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listConfigSettings } from '../../src/config/config-settings.js';
import { renderConfigDoc } from '../../src/config/render-config-doc.js';

const ROOT = new URL('../../', import.meta.url);

describe('docs/config.md', () => {
  it('is what scripts/gen-config-doc.ts generates from the schema (run `npx tsx scripts/gen-config-doc.ts`)', () => {
    expect(readFileSync(new URL('docs/config.md', ROOT), 'utf8')).toBe(renderConfigDoc());
  });

  it('documents every setting with its env variable', () => {
    const doc = renderConfigDoc();
    for (const setting of listConfigSettings()) {
      expect(doc).toContain(`\`${setting.key}\``);
      expect(doc).toContain(`\`${setting.env}\``);
    }
  });
});

describe('config.schema.ts doc comments', () => {
  const source = readFileSync(new URL('src/config/config.schema.ts', ROOT), 'utf8');

  it('has a doc comment on every key that states its default', () => {
    for (const setting of listConfigSettings()) {
      const name = setting.path[1];
      const match = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*\\n\\s*${name}: setting\\(`).exec(source);
      expect(match, `doc comment on ${setting.key}`).not.toBeNull();
      const comment = match?.[1] ?? '';
      expect(comment, setting.key).toMatch(/Default/);
      if (setting.defaultValue !== undefined) expect(comment, setting.key).toContain(String(setting.defaultValue));
    }
  });

  it('uses ATTUNE_ names and unique env variables and flags', () => {
    const settings = listConfigSettings();
    expect(settings.every((s) => /^ATTUNE_[A-Z_]+$/.test(s.env))).toBe(true);
    expect(new Set(settings.map((s) => s.env)).size).toBe(settings.length);
    const flags = settings.flatMap((s) => (s.flag === null ? [] : [s.flag]));
    expect(new Set(flags).size).toBe(flags.length);
  });
});
