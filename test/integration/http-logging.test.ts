import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const LogLineSchema = z.object({ level: z.number(), reqId: z.string().optional(), msg: z.string() }).loose();

describe('HTTP request logs', () => {
  it('record method, route pattern, status and request id, never ids, traits, keys or bodies', () => {
    const probe = fileURLToPath(new URL('./helpers/log-probe.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', probe], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('PROBE-DONE');

    const lines = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => LogLineSchema.parse(JSON.parse(line)));
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests.length).toBe(6);
    for (const line of requests) expect(line.reqId).toMatch(/^req_/);
    expect(requests.map((line) => line['route'])).toEqual([
      '/v1/batch',
      '/v1/profiles/:userId',
      '/v1/profiles/:userId/timeline',
      '/v1/track',
      '/v1/profiles/anonymous/:anonymousId',
      '/v1/profiles/:userId',
    ]);
    expect(requests.map((line) => line['status'])).toEqual([207, 200, 400, 400, 401, 500]);
    const failure = lines.find((line) => line.msg === 'request failed');
    expect(failure).toMatchObject({ code: 'ERR_INTERNAL', route: '/v1/profiles/:userId' });

    for (const secret of ['secret-user-42', 'secret-anon-7', 'ana.private@example.com', 'wk_test', 'adm_test', 'wrong-key-secret', 'bogus']) {
      expect(run.stdout, secret).not.toContain(secret);
      expect(run.stderr, secret).not.toContain(secret);
    }
  });
});
