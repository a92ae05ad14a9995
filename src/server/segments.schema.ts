import { z } from 'zod';
import type { SegmentKind } from '../core/segments/segment-definition.js';

/**
 * Request and response shapes of the segment routes (src/server/routes/segments.routes.ts), as zod
 * schemas: the routes validate and serialise with them and /openapi.json is generated from them.
 * Instants are ISO-8601 strings named `...At`, as in api.schema.ts.
 */

const JsonObject = z.record(z.string(), z.unknown());
const IsoInstant = z.string().describe('ISO-8601 instant (UTC)');
const Count = z.number().int().min(0);

/** Kinds of segment: `rule` (made through this API), `rfm` and `cluster` (managed by their models). */
export const SEGMENT_KINDS = ['rule', 'rfm', 'cluster'] as const satisfies readonly SegmentKind[];

const SegmentKeySchema = z.string().min(1).max(64).describe('Lowercase letters, digits, - and _, starting with a letter or digit (at most 64)');

/** A list of segment keys in one query parameter: `a,b,c` (blanks ignored). */
const KeyListSchema = z
  .string()
  .max(10_000)
  .optional()
  .transform((text) => {
    if (text === undefined) return null;
    const keys = text
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '');
    return keys.length === 0 ? null : keys;
  });

// ---------------------------------------------------------------------------------------------
// Definitions

export const SegmentRuleSchema = JsonObject.describe('The rule in its JSON form (see docs/api.md, "Segment rules")');

export const RuleDependenciesSchema = z.object({
  traits: z.array(z.string()).describe('Top-level trait names the rule reads'),
  features: z.array(z.string()).describe('Feature paths without `features.`'),
  computed: z.array(z.string()),
  predicted: z.array(z.string()),
  events: z.array(z.string()).describe('Event names of did / did not / sequence conditions'),
  segments: z.array(z.string()).describe('Segments read with in_segment'),
  timeRelative: z.boolean().describe('Membership can change with time alone (windows, relative dates)'),
  unscheduledTime: z.boolean(),
});

export const SegmentResponseSchema = z
  .object({
    key: z.string(),
    name: z.string(),
    description: z.string(),
    kind: z.enum(SEGMENT_KINDS),
    rule: SegmentRuleSchema,
    text: z.string().describe('The same rule in the text form'),
    dependsOn: RuleDependenciesSchema,
    size: Count.describe('Members now'),
    version: z.number().int().min(1).describe('Increases with every edit'),
    createdAt: IsoInstant,
    updatedAt: IsoInstant,
    links: z.object({ self: z.string(), members: z.string(), history: z.string() }),
  })
  .meta({ id: 'Segment' });

export const BackfillOutcomeSchema = z.object({
  mode: z
    .enum(['memory', 'scan'])
    .describe("'memory': the rule reads only values held in memory (traits, static features) and was evaluated there; 'scan': every stored profile was read"),
  profiles: Count.describe('Profiles evaluated'),
  entered: Count,
  exited: Count,
  elapsedMs: z.number().min(0),
});

export const SavedSegmentResponseSchema = SegmentResponseSchema.extend({
  backfill: BackfillOutcomeSchema.describe('The evaluation of every existing profile, done before the answer'),
}).meta({ id: 'SavedSegment' });

export const SegmentListResponseSchema = z.object({ segments: z.array(SegmentResponseSchema) }).meta({ id: 'SegmentList' });

const RuleFields = {
  rule: z.unknown().optional().describe('The rule in its JSON form; send this or `text`'),
  text: z.unknown().optional().describe('The rule in its text form, e.g. `traits.plan = "pro" and features.frequency >= 3`; send this or `rule`'),
};

export const CreateSegmentRequestSchema = z.object({
  key: SegmentKeySchema,
  name: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  ...RuleFields,
});

export const PutSegmentRequestSchema = z.object({
  key: z.string().optional().describe('May be omitted (taken from the path) or must equal it'),
  name: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  ...RuleFields,
});

export const SegmentKeyParamsSchema = z.object({ key: z.string().min(1).max(200) });

// ---------------------------------------------------------------------------------------------
// Preview and overlap

export const PreviewRequestSchema = z.object(RuleFields);

export const SegmentPreviewResponseSchema = z
  .object({
    rule: SegmentRuleSchema,
    text: z.string(),
    dependsOn: RuleDependenciesSchema,
    population: Count.describe('Profiles in the workspace'),
    sampleSize: Count,
    matchedInSample: Count,
    estimatedSize: Count.describe('matched / sample × population; exact when the sample is the whole population'),
    low: Count.describe('95% interval of the size (equal to the estimate when exact)'),
    high: Count,
    exact: z.boolean(),
    examples: z.array(z.object({ profileId: z.string(), reasons: z.array(z.string()) })).describe('A few matching profiles with why they match'),
    tookMs: z.number().min(0),
  })
  .meta({ id: 'SegmentPreview' });

export const OverlapQuerySchema = z.object({
  keys: KeyListSchema.describe('Segment keys, comma-separated (at most 100); default every segment'),
});

export const OverlapResponseSchema = z
  .object({
    keys: z.array(z.string()),
    sizes: z.array(Count),
    counts: z.array(z.array(Count)).describe('counts[i][j] = members of both keys[i] and keys[j]; the diagonal is the size'),
  })
  .meta({ id: 'SegmentOverlap' });

// ---------------------------------------------------------------------------------------------
// Members (export)

export const MEMBER_FORMATS = ['json', 'csv', 'ndjson'] as const;
export type MemberFormat = (typeof MEMBER_FORMATS)[number];

export const MembersQuerySchema = z.object({
  format: z.enum(MEMBER_FORMATS).default('json').describe('json: one page; csv and ndjson: every member, streamed as a download'),
  after: z.string().min(1).max(200).optional().describe('Start after this profileId (`next` of the previous page)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('Page size (json only)'),
});

export const MemberSchema = z.object({
  profileId: z.string(),
  enteredAt: IsoInstant,
  reasons: z.array(z.string()).describe('Why it entered, in plain words'),
});

export const MembersResponseSchema = z
  .object({
    key: z.string(),
    members: z.array(MemberSchema).describe('Ordered by profileId'),
    next: z.string().nullable().describe('Pass as `after` for the next page; null on the last page'),
  })
  .meta({ id: 'SegmentMembers' });

export const MembersExportSchema = z
  .string()
  .describe('format=csv: text/csv with columns profile_id, entered_at, reasons (joined by "; "); format=ndjson: one {profile_id, entered_at, reasons} per line');

// ---------------------------------------------------------------------------------------------
// History and the change feed

export const HistoryResponseSchema = z
  .object({
    key: z.string(),
    points: z.array(
      z.object({
        date: z.string().describe('UTC day, YYYY-MM-DD'),
        enters: Count,
        exits: Count,
        size: Count.describe('Members at the end of that day'),
      }),
    ).describe('Days with at least one change, oldest first'),
  })
  .meta({ id: 'SegmentHistory' });

export const MembershipChangeSchema = z
  .object({
    seq: z.number().int().min(1).describe('Position in the workspace\'s change history; resume after it'),
    segment: z.string(),
    profileId: z.string(),
    kind: z.enum(['enter', 'exit']),
    at: IsoInstant,
    reasons: z.array(z.string()),
    segmentVersion: z.number().int(),
  })
  .meta({ id: 'MembershipChange' });

const SeqSchema = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const ChangesQuerySchema = z.object({
  after: SeqSchema.default(0).describe('Changes with a seq greater than this (`next` of the previous page)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  segment: KeyListSchema.describe('Only these segments, comma-separated; default every segment'),
  profileId: z.string().min(1).max(200).optional().describe('Only this profile'),
});

export const ChangesResponseSchema = z
  .object({
    changes: z.array(MembershipChangeSchema).describe('In seq order'),
    next: z.number().int().nullable().describe('Pass as `after` for the next page; null on the last page (to follow the feed, keep the last seq you saw)'),
  })
  .meta({ id: 'MembershipChanges' });

export const StreamQuerySchema = z.object({
  segment: KeyListSchema.describe('Only these segments, comma-separated; default every segment'),
  after: SeqSchema.optional().describe('Replay the changes after this seq first (the Last-Event-ID header wins)'),
});

export const StreamHeadersSchema = z.object({
  'last-event-id': z.string().max(32).optional().describe('Sent by EventSource when it reconnects: the seq of the last event received'),
});

export const StreamResponseSchema = z
  .string()
  .describe('text/event-stream: `id: <seq>`, `event: enter|exit`, `data: <MembershipChange JSON>`; a comment every 15 s');

// ---------------------------------------------------------------------------------------------
// The profile's segments (GET /v1/profiles/...)

export const ProfileSegmentSchema = z.object({
  key: z.string(),
  name: z.string(),
  kind: z.enum(SEGMENT_KINDS),
  enteredAt: IsoInstant,
  reasons: z.array(z.string()).describe('Why the profile is in the segment now'),
});

export type SegmentResponse = z.output<typeof SegmentResponseSchema>;
export type SavedSegmentResponse = z.output<typeof SavedSegmentResponseSchema>;
export type SegmentPreviewResponse = z.output<typeof SegmentPreviewResponseSchema>;
export type OverlapResponse = z.output<typeof OverlapResponseSchema>;
export type MemberResponse = z.output<typeof MemberSchema>;
export type MembersResponse = z.output<typeof MembersResponseSchema>;
export type HistoryResponse = z.output<typeof HistoryResponseSchema>;
export type MembershipChangeResponse = z.output<typeof MembershipChangeSchema>;
export type ChangesResponse = z.output<typeof ChangesResponseSchema>;
export type ProfileSegmentResponse = z.output<typeof ProfileSegmentSchema>;
