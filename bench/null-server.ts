/**
 * The baseline for the ingest benchmark: the same HTTP framework and the same JSON parsing as
 * Attune's /v1/batch, and nothing else (no validation, no storage). It prints its URL and serves
 * until killed.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 512_000 });
app.post('/v1/batch', async (request) => {
  const body = request.body as { batch?: unknown[] } | null;
  return { success: true, accepted: Array.isArray(body?.batch) ? body.batch.length : 0 };
});
const address = await app.listen({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0) });
process.stdout.write(`${address}\n`);
