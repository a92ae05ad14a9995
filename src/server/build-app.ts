import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AttuneApp } from '../app/attune-app.js';
import { installAuth } from './auth.js';
import { registerJsonBodyParser } from './body-parsing.js';
import { installErrorHandling } from './error-handler.js';
import { catalogRoutes } from './routes/catalog.routes.js';
import { computedTraitRoutes } from './routes/computed-traits.routes.js';
import { dashboardRoutes } from './routes/dashboard.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { ingestRoutes } from './routes/ingest.routes.js';
import { keyRoutes } from './routes/keys.routes.js';
import { profileRoutes } from './routes/profiles.routes.js';
import { rfmRoutes } from './routes/rfm.routes.js';
import { modelRoutes } from './routes/models.routes.js';
import { recommendationRoutes } from './routes/recommendations.routes.js';
import { decisionRoutes } from './routes/decisions.routes.js';
import { experimentRoutes } from './routes/experiments.routes.js';
import { clusteringRoutes } from './routes/clusterings.routes.js';
import { webhookRoutes } from './routes/webhooks.routes.js';
import { segmentRoutes } from './routes/segments.routes.js';
import { sdkRoutes } from './routes/sdk.routes.js';
import { sessionRoutes } from './routes/session.routes.js';
import type { SessionRouteOptions } from './routes/session.routes.js';
import { generateRequestId, installSecurityHeaders } from './security-headers.js';
import type { ServerOptions } from './server-options.js';

export interface ServerDeps {
  readonly app: AttuneApp;
  /** Log one line per request (method, route pattern, status, time, request id) and failures. */
  readonly log: boolean;
  /** Login throttling of the dashboard session routes (tests shorten the delay). */
  readonly session?: SessionRouteOptions;
}

/**
 * Builds the HTTP face over an AttuneApp. Never listens (main-server.ts does), so tests drive it
 * with `inject()`. Hooks run in this order: security headers and request id, auth from headers
 * (onRequest), body parsing, auth from `writeKey` in the body (preValidation), zod validation,
 * the handler (one AttuneApp call), zod serialisation; any error goes through error-handler.ts.
 */
export async function buildApp(deps: ServerDeps, opts: ServerOptions): Promise<FastifyInstance> {
  if (opts.maxSingleEventBodyBytes < opts.maxEventBytes) {
    throw new Error(`maxSingleEventBodyBytes (${opts.maxSingleEventBodyBytes}) must be at least maxEventBytes (${opts.maxEventBytes})`);
  }
  const instance = Fastify({
    // Pino, with request logging replaced by our own line: URLs hold user ids and must not be logged.
    logger: deps.log ? { level: 'info' } : false,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    genReqId: generateRequestId,
    requestIdHeader: false,
    bodyLimit: opts.maxBatchBytes,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
  });
  instance.setValidatorCompiler(validatorCompiler);
  instance.setSerializerCompiler(serializerCompiler);

  installSecurityHeaders(instance);
  installErrorHandling(instance);
  installAuth(instance, deps.app);
  registerJsonBodyParser(instance);
  if (deps.log) {
    instance.addHook('onResponse', async function logRequest(request, reply) {
      request.log.info(
        { method: request.method, route: request.routeOptions.url ?? null, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    });
  }

  await instance.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Attune API',
        version: '1',
        description: 'Segment-compatible ingestion, profiles, catalog and computed traits. Errors: docs/errors.md.',
      },
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic', description: 'The API key as the username, empty password' },
          bearerAuth: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ basicAuth: [] }, { bearerAuth: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  await instance.register(healthRoutes({ app: deps.app }));
  await instance.register(ingestRoutes({ app: deps.app, options: opts }));
  await instance.register(profileRoutes({ app: deps.app }));
  await instance.register(keyRoutes({ app: deps.app }));
  await instance.register(catalogRoutes({ app: deps.app }));
  await instance.register(computedTraitRoutes({ app: deps.app }));
  await instance.register(rfmRoutes({ app: deps.app }));
  await instance.register(modelRoutes({ app: deps.app }));
  await instance.register(recommendationRoutes({ app: deps.app }));
  await instance.register(decisionRoutes({ app: deps.app }));
  await instance.register(experimentRoutes({ app: deps.app }));
  await instance.register(clusteringRoutes({ app: deps.app }));
  await instance.register(webhookRoutes({ app: deps.app }));
  await instance.register(segmentRoutes({ app: deps.app }));
  await instance.register(sessionRoutes({ app: deps.app, ...(deps.session === undefined ? {} : { options: deps.session }) }));
  await instance.register(sdkRoutes());
  await instance.register(dashboardRoutes());
  await instance.ready();
  return instance;
}
