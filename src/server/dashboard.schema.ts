import { z } from 'zod';

/** POST /v1/session: an API key (read or admin), or a user account. */
export const LoginRequestSchema = z.union([
  z.strictObject({ key: z.string().min(1).max(512) }),
  z.strictObject({ username: z.string().min(1).max(200), password: z.string().min(1).max(1024) }),
]);

export const SessionResponseSchema = z.object({
  workspace: z.string(),
  scope: z.enum(['read', 'admin']),
  user: z.string().describe('The username, or the name of the API key used to log in'),
  expiresAt: z.string(),
  csrfToken: z.string().describe('Send it as x-csrf-token on every POST, PUT, PATCH and DELETE made with the session cookie'),
});

export const OverviewResponseSchema = z.object({
  profiles: z.number().int(),
  events: z.number().int(),
  identitiesMerged: z.number().int(),
  eventsPerSecond: z.object({ last1m: z.number(), last1h: z.number() }),
  segments: z.array(z.object({ key: z.string(), name: z.string(), size: z.number().int() })),
  models: z.array(z.object({ key: z.string(), kind: z.string(), version: z.number().int(), trainedAt: z.string(), auc: z.number().nullable() })),
  recommender: z.object({ version: z.number().int(), trainedAt: z.string() }).nullable(),
  experiments: z.array(z.object({ key: z.string(), placement: z.string(), status: z.enum(['running', 'stopped']), arms: z.number().int() })),
  decisionsLast24h: z.number().int(),
});
