import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, runCli, startCli } from './cli-harness.js';

const tmp = makeTempDir('attune-cli-demo-');
afterAll(() => tmp.remove());

describe('attune demo', () => {
  const data = join(tmp.path, 'demo');

  it('imports the sample and its catalog, keeping the store and its keys for the next run', async () => {
    const result = await runCli(['demo', '--data', data, '--import-only']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('shown ONCE');
    expect(result.stdout).toMatch(/rows read\s+39,506/);
    expect(result.stdout).toMatch(/Catalog: [\d,]+ products upserted/);
    expect(result.stdout).toContain('the import is idempotent');
    // Step 5: the customers are segmented, with numbers.
    expect(result.stdout).toMatch(/RFM fitted on [\d,]+ customers/);
    expect(result.stdout).toMatch(/Champions\s+\d+\s+[\d.]+%\s+[\d.]+%/);
    expect(result.stdout).toMatch(/k-means on log R, F, M \(standardized\): k = \d/);
    expect(result.stdout).toMatch(/Rule segment big-spenders: .*\n\s+\d+ members now/);
    const keysFile = join(data, 'demo-keys.json');
    expect(existsSync(keysFile)).toBe(true);
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);
  });

  it('serves on a second run without re-importing, printing commands that work', async () => {
    const demo = startCli(['demo', '--data', data, '--port', '0']);
    try {
      const [, url] = await demo.waitForStdout(/serving the demo on (http:\/\/\S+)/, 60_000);
      await demo.waitForStdout(/Press Ctrl\+C/, 5000);
      const out = demo.stdout();
      expect(out).not.toContain('shown ONCE');
      expect(out).toMatch(/accepted \(new\)\s+0\n/);
      expect(out).toContain('all duplicates');
      const profileCommand = /curl -s -u '([^']+):' (http:\/\/\S+\/v1\/profiles\/\d+)\n/.exec(out);
      expect(profileCommand).not.toBeNull();
      const [, adminKey, profileUrl] = profileCommand ?? [];
      const profile = await fetch(profileUrl ?? '', { headers: { authorization: `Basic ${Buffer.from(`${adminKey ?? ''}:`).toString('base64')}` } });
      expect(profile.status).toBe(200);
      const body = (await profile.json()) as { features: { frequency: number } };
      expect(body.features.frequency).toBeGreaterThanOrEqual(3);
      const health = await fetch(`${url ?? ''}/health`);
      expect(health.status).toBe(200);
      const openapi = await fetch(`${url ?? ''}/openapi.json`);
      expect(openapi.status).toBe(200);
      // The segment commands it prints answer too.
      const auth = { authorization: `Basic ${Buffer.from(`${adminKey ?? ''}:`).toString('base64')}` };
      for (const path of ['/v1/rfm', '/v1/clusterings/rfm_clusters', '/v1/segments']) {
        expect(out).toContain(`${url ?? ''}${path}`);
        expect((await fetch(`${url ?? ''}${path}`, { headers: auth })).status, path).toBe(200);
      }
      const saved = JSON.parse(readFileSync(join(data, 'demo-keys.json'), 'utf8')) as { admin: string };
      expect(saved.admin).toBe(adminKey);
    } finally {
      demo.child.kill('SIGTERM');
    }
    const exit = await demo.exited;
    expect(exit.code, demo.stderr()).toBe(0);
  });
});
