import type { FastifySerializerCompiler } from 'fastify/types/schema.js';

/**
 * For the hot decision routes (decide, recommendations): responses are serialized with plain
 * JSON.stringify instead of being re-validated by their zod schema on every request. Their bodies
 * are built by typed code from typed results, the schemas still document them in OpenAPI, and the
 * tests parse every such response with its schema; the per-request validation of a nested
 * response cost as much as ranking it.
 */
export const plainJsonSerializer: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);
