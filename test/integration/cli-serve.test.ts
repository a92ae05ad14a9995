import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, startCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-serve-');
afterAll(() => tmp.remove());

const URL_LINE = /listening on (http:\/\/\S+)/;

describe('attune serve', () => {
  it('prints generated keys once, serves /health, and exits 0 on SIGTERM', async () => {
    const data = join(tmp.path, 'first');
    const server = startCli(['serve', '--port', '0', '--data', data]);
    try {
      const [, url] = await server.waitForStdout(URL_LINE, 20_000);
      expect(server.stdout()).toContain('shown ONCE');
      expect(server.stdout()).toMatch(/atk_admin_\S+/);
      const health = await fetch(`${url ?? ''}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
    } finally {
      server.child.kill('SIGTERM');
    }
    const exit = await server.exited;
    expect(exit.code, server.stderr()).toBe(0);
    expect(server.stdout()).toContain('Stopped cleanly');
  });

  it('does not print keys again on a second start', async () => {
    const data = join(tmp.path, 'first');
    const server = startCli(['serve', '--port', '0', '--data', data]);
    try {
      await server.waitForStdout(URL_LINE, 20_000);
      expect(server.stdout()).not.toContain('atk_');
    } finally {
      server.child.kill('SIGINT');
    }
    expect((await server.exited).code).toBe(0);
  });

  it('uses keys from the environment without printing them', async () => {
    const adminKey = 'env-admin-key-0123456789abcdef';
    const writeKey = 'env-write-key-0123456789abcdef';
    const server = startCli(['serve', '--port', '0', '--data', join(tmp.path, 'env')], {
      env: { ATTUNE_ADMIN_KEY: adminKey, ATTUNE_WRITE_KEY: writeKey },
    });
    try {
      const [, url] = await server.waitForStdout(URL_LINE, 20_000);
      expect(server.stdout()).toContain('taken from the configuration');
      expect(server.stdout()).not.toContain(adminKey);
      expect(server.stderr()).not.toContain(adminKey);
      const keys = await fetch(`${url ?? ''}/v1/keys`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(keys.status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect((await server.exited).code).toBe(0);
  });

  it('accepts events and keeps them across a graceful shutdown', async () => {
    const data = join(tmp.path, 'durable');
    const writeKey = 'durable-write-key-0123456789';
    const adminKey = 'durable-admin-key-0123456789';
    const env = { ATTUNE_ADMIN_KEY: adminKey, ATTUNE_WRITE_KEY: writeKey };
    const first = startCli(['serve', '--port', '0', '--data', data], { env });
    try {
      const [, url] = await first.waitForStdout(URL_LINE, 20_000);
      const batch = Array.from({ length: 50 }, (_, i) => ({ type: 'track', event: 'Tested', userId: `u-${i % 5}`, messageId: `m-${i}` }));
      const sent = await fetch(`${url ?? ''}/v1/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
        body: JSON.stringify({ batch }),
      });
      expect(sent.status).toBe(200);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect((await first.exited).code).toBe(0);

    const second = startCli(['serve', '--port', '0', '--data', data], { env });
    try {
      const [, url] = await second.waitForStdout(URL_LINE, 20_000);
      const profile = await fetch(`${url ?? ''}/v1/profiles/u-3/timeline`, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(profile.status).toBe(200);
      const body = (await profile.json()) as { events: unknown[] };
      expect(body.events).toHaveLength(10);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect((await second.exited).code).toBe(0);
  });
});
