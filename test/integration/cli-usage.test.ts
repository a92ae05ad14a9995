import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, runCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-usage-');
afterAll(() => tmp.remove());

describe('attune usage errors and help', () => {
  it('prints help with exit 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['demo', 'serve', 'import', 'catalog', 'segments', 'campaign', 'simulate', 'rebuild', 'keys']) expect(result.stdout).toContain(`  ${command}`);
  });

  it('has --help on every command', async () => {
    // In parallel: each run starts a Node process (about 3 s under tsx).
    const commands = ['demo', 'serve', 'import', 'catalog', 'import-catalog', 'segments', 'campaign', 'simulate', 'rebuild', 'keys'];
    const results = await Promise.all(commands.map((command) => runCli([command, '--help'])));
    for (const [i, result] of results.entries()) {
      expect(result.code, commands[i]).toBe(0);
      expect(result.stdout, commands[i]).toContain('Usage: attune');
    }
  });

  it('exits 2 without a command, on an unknown command and on an unknown flag', async () => {
    expect((await runCli([])).code).toBe(2);
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const flag = await runCli(['serve', '--prot', '80']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--prot'");
  });

  it('reports every configuration problem at once, with exit 2', async () => {
    const result = await runCli(['serve', '--port', '99999', '--data', join(tmp.path, 'x')], {
      env: { ATTUNE_INGEST_IP: 'sometimes', ATTUNE_ADMIN_KEY: 'short' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid configuration');
    expect(result.stderr).toContain('server.port');
    expect(result.stderr).toContain('(from flag --port)');
    expect(result.stderr).toContain('ingest.ip');
    expect(result.stderr).toContain('auth.adminKey');
    expect(result.stderr).not.toContain('short"');
  });

  it('reads a JSON config file named by --config', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = join(tmp.path, 'attune.json');
    writeFileSync(file, JSON.stringify({ server: { port: 'eighty' }, nope: true }));
    const result = await runCli(['serve', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('server.port');
    expect(result.stderr).toContain('Unrecognized key');
  });
});
