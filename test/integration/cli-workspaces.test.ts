import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, parseJsonOutput, runCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-workspaces-');
afterAll(() => tmp.remove());

describe('attune workspaces', () => {
  it('creates a tenant with its own keys, lists it, and refuses a taken or malformed slug', async () => {
    const data = join(tmp.path, 'store');
    const created = await runCli(['workspaces', 'create', 'shop-eu', '--name', 'Shop EU', '--data', data, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const body = parseJsonOutput(created) as { workspace: { id: string; name: string }; keys: { scope: string; secret: string }[] };
    expect(body.workspace).toMatchObject({ id: 'ws_shop-eu', name: 'Shop EU' });
    expect(body.keys.map((k) => k.scope).sort()).toEqual(['admin', 'write']);
    expect(body.keys.every((k) => k.secret.length > 20)).toBe(true);

    const listed = parseJsonOutput(await runCli(['workspaces', 'list', '--data', data, '--json'])) as { workspaces: { id: string }[] };
    expect(listed.workspaces.map((w) => w.id).sort()).toEqual(['ws_default', 'ws_shop-eu']);

    const keys = parseJsonOutput(await runCli(['keys', 'list', '--workspace', 'shop-eu', '--data', data, '--json'])) as { keys: unknown[] };
    expect(keys.keys).toHaveLength(2);

    const again = await runCli(['workspaces', 'create', 'shop-eu', '--data', data]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const bad = await runCli(['workspaces', 'create', 'Shop EU!', '--data', data]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/slug/);
  });
});
