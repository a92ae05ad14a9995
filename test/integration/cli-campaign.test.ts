import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, runCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-campaign-');
afterAll(() => tmp.remove());

const data = join(tmp.path, 'store');
const bodyFile = join(tmp.path, 'body.liquid');
const subjectFile = join(tmp.path, 'subject.liquid');
const badFile = join(tmp.path, 'bad.liquid');

function identify(userId: string, traits: Record<string, string>, context: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'identify', userId, traits, context, messageId: `msg-${userId}`, timestamp: '2024-05-01T09:00:00Z' });
}

/** RFC 4180 rows (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

beforeAll(async () => {
  const events = join(tmp.path, 'events.ndjson');
  writeFileSync(
    events,
    [
      identify('u1', { email: 'ann@example.com', first_name: 'Ann, "the first"', plan: 'pro' }),
      identify('u2', { email: 'bob@example.com', first_name: 'Bob', plan: 'pro' }, { consent: { categoryPreferences: { marketing_email: false } } }),
      identify('u3', { email: 'cy@example.com', plan: 'pro' }),
      identify('u4', { email: 'dee@example.com', first_name: 'Dee', plan: 'free' }),
    ].join('\n') + '\n',
  );
  writeFileSync(bodyFile, 'Hello {{ traits.first_name | default: "there" }},\nyour picks:{% for item in recommendations %} {{ item.name }}{% endfor %}\nBye');
  writeFileSync(subjectFile, 'News for {{ traits.first_name | default: "there" }}');
  writeFileSync(badFile, 'Hi {{ traits.first_name\nand {% if %}');
  const imported = await runCli(['import', events, '--data', data, '--json']);
  expect(imported.code, imported.stderr).toBe(0);
  const created = await runCli(['segments', 'create', 'pro', 'traits.plan = "pro"', '--data', data]);
  expect(created.code, created.stderr).toBe(0);
}, 60_000);

describe('attune campaign render', () => {
  it('writes one personalized CSV row per consenting member and counts the skipped', async () => {
    const result = await runCli(['campaign', 'render', '--segment', 'pro', '--template', bodyFile, '--subject', 'Hi {{ traits.first_name | default: "there" }}!', '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    const rows = parseCsv(result.stdout);
    expect(rows[0]).toEqual(['profile_id', 'user_id', 'email', 'subject', 'body', 'text']);
    const byUser = new Map(rows.slice(1).map((r) => [r[1], r]));
    expect(rows).toHaveLength(3);
    expect([...byUser.keys()].sort()).toEqual(['u1', 'u3']);
    const ann = byUser.get('u1');
    expect(ann?.[0]).toMatch(/^prf_/);
    expect(ann?.[2]).toBe('ann@example.com');
    expect(ann?.[3]).toBe('Hi Ann, "the first"!');
    // The e-mail body is HTML-escaped; the subject is not.
    expect(ann?.[4]).toMatch(/^Hello Ann, &#34;the first&#34;,\nyour picks:.*\nBye$/);
    expect(ann?.[5]).toBe('');
    expect(byUser.get('u3')?.[3]).toBe('Hi there!');
    expect(result.stderr).toMatch(/rendering pro\s+100%/);
    expect(result.stderr).toMatch(/rendered 2 of 3 members of pro, skipped 1 \(declined marketing_email: 1, no consent to marketing_email on record: 0, no profile: 0\) in /);
  });

  it('writes NDJSON to --out, with the subject from a file and no recommendations', async () => {
    const out = join(tmp.path, 'pro.ndjson');
    const result = await runCli(['campaign', 'render', '--segment', 'pro', '--body', bodyFile, '--subject-file', subjectFile, '--text', subjectFile, '--recommendations', '0', '--channel', 'push', '--format', 'ndjson', '--out', out, '--data', data]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    const ann = lines.find((l) => l['user_id'] === 'u1');
    // push is not an HTML channel: the body is written as is.
    expect(ann).toMatchObject({ email: 'ann@example.com', subject: 'News for Ann, "the first"', body: 'Hello Ann, "the first",\nyour picks:\nBye', text: 'News for Ann, "the first"' });
    expect(lines.find((l) => l['user_id'] === 'u3')).toMatchObject({ subject: 'News for there' });
    expect(result.stderr).toContain(`wrote ${out}`);
  });

  it('refuses a bad template with its field, line and column, before writing anything', async () => {
    const result = await runCli(['campaign', 'render', '--segment', 'pro', '--template', badFile, '--data', data]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('ERR_VALIDATION');
    expect(result.stderr).toMatch(/body: .*line \d+, column \d+/);
  });

  it('gives usage errors for missing flags, unreadable files and an unknown segment', async () => {
    const noSegment = await runCli(['campaign', 'render', '--template', bodyFile, '--data', data]);
    expect(noSegment.code).toBe(2);
    expect(noSegment.stderr).toContain('--segment KEY is required');
    const noTemplate = await runCli(['campaign', 'render', '--segment', 'pro', '--data', data]);
    expect(noTemplate.code).toBe(2);
    expect(noTemplate.stderr).toContain('--template FILE');
    const missing = await runCli(['campaign', 'render', '--segment', 'pro', '--template', join(tmp.path, 'nope.liquid'), '--data', data]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
    const unknown = await runCli(['campaign', 'render', '--segment', 'nope', '--template', bodyFile, '--data', data]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nope/);
    expect(unknown.stdout).toBe('');
  });
});
