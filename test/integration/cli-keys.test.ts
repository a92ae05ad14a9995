import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonOutput, runCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-keys-');
afterAll(() => tmp.remove());

interface KeyJson {
  readonly id: string;
  readonly name: string;
  readonly scope: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

describe('attune keys', () => {
  const data = join(tmp.path, 'store');

  it('creates a key and prints its secret once; lists it without the secret; revokes it', async () => {
    const created = await runCli(['keys', 'create', '--name', 'ci-loader', '--scope', 'write', '--data', data, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const key = parseJsonOutput(created) as KeyJson & { secret: string };
    expect(key).toMatchObject({ name: 'ci-loader', scope: 'write', revokedAt: null });
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    // First use of an empty store bootstraps it: the generated keys go to stderr, not into the JSON.
    expect(created.stderr).toContain('shown ONCE');

    const listed = await runCli(['keys', 'list', '--data', data, '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(key.secret);
    const keys = (parseJsonOutput(listed) as { keys: KeyJson[] }).keys;
    expect(keys.map((k) => [k.name, k.scope]).sort()).toEqual([
      ['admin', 'admin'],
      ['ci-loader', 'write'],
      ['write', 'write'],
    ]);

    const revoked = await runCli(['keys', 'revoke', key.id, '--data', data]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked key ${key.id}`);
    const again = await runCli(['keys', 'revoke', key.id, '--data', data]);
    expect(again.code).toBe(1);

    const table = await runCli(['keys', 'list', '--data', data]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/ID\s+NAME\s+SCOPE\s+PREFIX\s+CREATED\s+STATUS/);
    expect(table.stdout).toMatch(new RegExp(`${key.id}\\s+ci-loader\\s+write\\s+.*revoked`));
  });

  it('prints the new secret in the table form too', async () => {
    const created = await runCli(['keys', 'create', '--name', 'dashboard', '--scope', 'read', '--data', data]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created read key "dashboard"/);
    expect(created.stdout).toMatch(/\n {2}atk_read_\S+\n/);
  });

  it('rejects bad arguments with exit 2', async () => {
    expect((await runCli(['keys', 'create', '--name', 'x', '--scope', 'root', '--data', data])).code).toBe(2);
    expect((await runCli(['keys', 'create', '--scope', 'read', '--data', data])).code).toBe(2);
    expect((await runCli(['keys', 'rotate', '--data', data])).code).toBe(2);
    expect((await runCli(['keys', 'revoke', '--data', data])).code).toBe(2);
    expect((await runCli(['keys', 'list', '--workspace', 'nope', '--data', data])).code).toBe(2);
  });
});
