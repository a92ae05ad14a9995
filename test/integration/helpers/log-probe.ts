/**
 * Run as a child process by http-logging.test.ts: starts the real server with logging on, sends
 * requests full of personal data, and lets pino write to stdout for the parent to inspect.
 */
import { ADMIN_KEY, WRITE_KEY, bearer, startTestApp } from './start-test-app.js';

const t = await startTestApp({ log: true });
await t.fastify.inject({
  method: 'POST',
  url: '/v1/batch',
  headers: bearer(WRITE_KEY),
  payload: { batch: [{ type: 'identify', userId: 'secret-user-42', traits: { email: 'ana.private@example.com' } }, { type: 'track', userId: 'secret-user-42' }] },
});
await t.fastify.inject({ method: 'GET', url: '/v1/profiles/secret-user-42', headers: bearer(ADMIN_KEY) });
await t.fastify.inject({ method: 'GET', url: '/v1/profiles/secret-user-42/timeline?before=bogus', headers: bearer(ADMIN_KEY) });
await t.fastify.inject({
  method: 'POST',
  url: '/v1/track',
  headers: { 'content-type': 'application/json' },
  payload: '{"writeKey":"wk_test","userId":"secret-user-42","email":"ana.private@example.com",',
});
await t.fastify.inject({ method: 'GET', url: '/v1/profiles/anonymous/secret-anon-7', headers: bearer('wrong-key-secret') });
// An infrastructure fault: the storage under the app is gone.
await t.storage.close();
await t.fastify.inject({ method: 'GET', url: '/v1/profiles/secret-user-42', headers: bearer(ADMIN_KEY) });
await t.fastify.close();
process.stdout.write('\nPROBE-DONE\n');
