import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AttuneApp } from '../../app/attune-app.js';
import type { Experiment } from '../../core/experiments/experiment.js';
import { toIso } from '../../core/shared/time.js';
import { NoContentSchema, errorResponses } from '../api.schema.js';
import { requireAuth } from '../auth.js';
import { HttpError } from '../http-errors.js';
import { plainJsonSerializer } from '../plain-json-serializer.js';

const TAGS = ['experiments'];
const KeyParams = z.object({ key: z.string().min(1).max(64) });
const ExperimentSchema = z
  .object({
    key: z.string(),
    placement: z.string(),
    version: z.number().int(),
    arms: z.array(z.object({ key: z.string(), treatment: z.string(), weight: z.number() })),
    baseline: z.string(),
    status: z.string(),
    attributionHours: z.number(),
    marginRate: z.number(),
    startedAt: z.string(),
  })
  .meta({ id: 'Experiment' });
const ResultsQuery = z.object({ format: z.enum(['json', 'markdown']).default('json'), currency: z.string().max(8).optional() });

function view(e: Experiment): z.output<typeof ExperimentSchema> {
  const { startedAtMs, arms, ...rest } = e;
  return { ...rest, arms: arms.map((a) => ({ ...a })), startedAt: toIso(startedAtMs) };
}

/** Experiments on decision placements (admin to define, read to see) and their results. */
export function experimentRoutes(deps: { readonly app: AttuneApp }): FastifyPluginAsync {
  return async function registerExperimentRoutes(instance) {
    const server = instance.withTypeProvider<ZodTypeProvider>();
    const experiments = deps.app.experiments;
    server.put(
      '/v1/experiments/:key',
      { config: { scope: 'admin' }, schema: { params: KeyParams, response: { 200: ExperimentSchema, ...errorResponses(400, 401, 403, 415) }, tags: TAGS, summary: 'Create, change, stop (status: stopped) or restart (a new version) an experiment' } },
      async function putExperiment(request) {
        const { workspaceId } = requireAuth(request);
        return view(await experiments.put(workspaceId, request.params.key, request.body));
      },
    );
    server.get('/v1/experiments', { config: { scope: 'read' }, schema: { response: { 200: z.object({ experiments: z.array(ExperimentSchema) }), ...errorResponses(401, 403) }, tags: TAGS } }, async function listExperiments(request) {
      const { workspaceId } = requireAuth(request);
      return { experiments: experiments.list(workspaceId).map(view) };
    });
    server.get(
      '/v1/experiments/:key',
      { config: { scope: 'read' }, schema: { params: KeyParams, response: { 200: ExperimentSchema, ...errorResponses(401, 403, 404) }, tags: TAGS } },
      async function getExperiment(request) {
        const { workspaceId } = requireAuth(request);
        return view(experiments.get(workspaceId, request.params.key));
      },
    );
    server.delete(
      '/v1/experiments/:key',
      { config: { scope: 'admin' }, schema: { params: KeyParams, response: { 204: NoContentSchema, ...errorResponses(401, 403, 404) }, tags: TAGS } },
      async function deleteExperiment(request, reply) {
        const { workspaceId } = requireAuth(request);
        if (!(await experiments.delete(workspaceId, request.params.key))) throw new HttpError('ERR_NOT_FOUND', { message: `No experiment "${request.params.key}"` });
        return reply.code(204).send(null);
      },
    );
    server.get(
      '/v1/experiments/:key/results',
      {
        config: { scope: 'read' },
        serializerCompiler: plainJsonSerializer,
        schema: {
          params: KeyParams,
          querystring: ResultsQuery,
          response: { 200: z.unknown().describe('ExperimentResults (src/core/experiments/experiment-results.ts) with the report, or the report as Markdown'), ...errorResponses(400, 401, 403, 404) },
          tags: TAGS,
          summary: 'Results so far: per arm and against the baseline, with intervals, always-valid tests, the Bayesian view, ROI, per segment and a readable report',
        },
      },
      async function experimentResults(request, reply) {
        const { workspaceId } = requireAuth(request);
        const { experiment, results, report } = await experiments.results(workspaceId, request.params.key, request.query.currency === undefined ? {} : { currency: request.query.currency });
        if (request.query.format === 'markdown') return reply.type('text/markdown; charset=utf-8').send(report);
        return { experiment: view(experiment), results, report };
      },
    );
  };
}
