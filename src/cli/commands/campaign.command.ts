import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AttuneApp, ProfileLookup } from '../../app/attune-app.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import { parseInstant, type EpochMs } from '../../core/shared/time.js';
import { bootstrapStore, formatBootstrapNotice, loadCommandConfig, resolveWorkspace, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime, OutputStream } from '../cli-runtime.js';
import { csvCell, formatCount, formatDurationMs } from '../format.js';
import { createProgressBar } from '../progress-bar.js';
import { EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  segment: { type: 'string' },
  template: { type: 'string' },
  body: { type: 'string' },
  subject: { type: 'string' },
  'subject-file': { type: 'string' },
  text: { type: 'string' },
  channel: { type: 'string' },
  purpose: { type: 'string' },
  recommendations: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  workspace: { type: 'string' },
  at: { type: 'string' },
} as const;

export const CAMPAIGN_CHANNELS = ['email', 'push', 'app', 'chatbot', 'web'] as const;
const DEFAULT_PURPOSE = 'marketing_email';
const DEFAULT_RECOMMENDATIONS = 3;
const MAX_RECOMMENDATIONS = 50;
/** Members read per page from the segment. */
const PAGE_SIZE = 1000;
/** Recipients rendered at once (in order) within a page. */
const CONCURRENCY = 16;

const HELP = `Usage: attune campaign render --segment KEY (--template FILE | --body FILE)
                       [--subject "TEXT" | --subject-file FILE] [--text FILE]
                       [--channel email|push|app|chatbot|web] [--purpose ${DEFAULT_PURPOSE}]
                       [--recommendations ${DEFAULT_RECOMMENDATIONS}] [--format csv|ndjson] [--out FILE]
                       [--workspace WS] [--at ISO]

Renders one personalized message per member of a segment, from Liquid templates (docs/templates.md):
one row per recipient with profile_id, user_id, email (trait), subject, body, text. Members without
consent to the purpose, or without a profile, are skipped and counted. The templates are checked
before anything is written: a bad one is refused with its field, line and column. Progress goes to
stderr, then a summary (rendered, skipped by reason, time taken).

Options:
  --segment KEY          the segment whose members receive the message
  --template FILE        the body template (Liquid); --body FILE is the same
  --subject "TEXT"       the subject template, inline; or --subject-file FILE
  --text FILE            a plain-text template (the text part, push or chatbot text)
  --channel C            email (default), push, app, chatbot or web; the body is HTML-escaped for
                         email and web, written as is otherwise
  --purpose P            the consent purpose checked (default ${DEFAULT_PURPOSE})
  --recommendations N    recommendations per recipient for the template (default ${DEFAULT_RECOMMENDATIONS}; 0 for none)
  --format F             csv (default) or ndjson
  --out FILE             write the rows to FILE (default stdout)
  --workspace WS         workspace (default ws_default)
  --at ISO               the time the messages are rendered for (default now)
${STORE_OPTIONS_HELP}

Exit status: 0 done (skips are counted in the summary), 1 failure (unknown segment, bad
template), 2 usage error (bad flags, unreadable template file).
`;

type Format = 'csv' | 'ndjson';

interface CampaignRequest {
  readonly segment: string;
  readonly templates: { readonly subject: string | null; readonly body: string | null; readonly text: string | null };
  readonly channel: string;
  readonly purpose: string;
  readonly recommendations: number;
  readonly format: Format;
  readonly out: string | null;
  readonly atMs: EpochMs | null;
}

async function run(args: readonly string[], runtime: CliRuntime): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined || action === '--help' || action === '-h') {
    runtime.stdout.write(HELP);
    return EXIT_OK;
  }
  if (action !== 'render') throw new UsageError(`unknown action "${action}": use render`);
  const parsed = parseCommandArgsOrHelp(rest, OPTIONS, { text: HELP, out: runtime.stdout });
  if (parsed === null) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`render takes no positional argument, got "${positionals.join(' ')}"`);
  const request = await readRequest(values);
  const config = loadCommandConfig(runtime, { argv: configFlagsOf(values, STORE_FLAG_NAMES) });
  return withApp(runtime, config, async (session) => {
    const outcome = await bootstrapStore(session);
    if (outcome !== null) runtime.stderr.write(formatBootstrapNotice(outcome));
    const workspace = await resolveWorkspace(session.app, values.workspace);
    await render(session.app, workspace, request, runtime);
    return EXIT_OK;
  });
}

/** Checks the flags and reads the template files, before the store is opened. */
async function readRequest(values: {
  readonly segment?: string;
  readonly template?: string;
  readonly body?: string;
  readonly subject?: string;
  readonly 'subject-file'?: string;
  readonly text?: string;
  readonly channel?: string;
  readonly purpose?: string;
  readonly recommendations?: string;
  readonly format?: string;
  readonly out?: string;
  readonly at?: string;
}): Promise<CampaignRequest> {
  if (values.segment === undefined || values.segment === '') throw new UsageError('--segment KEY is required');
  if (values.template !== undefined && values.body !== undefined) throw new UsageError('give --template or --body, not both (they are the same)');
  const bodyFile = values.template ?? values.body;
  if (bodyFile === undefined) throw new UsageError('--template FILE (the body template) is required');
  if (values.subject !== undefined && values['subject-file'] !== undefined) throw new UsageError('give --subject or --subject-file, not both');
  const channel = values.channel ?? 'email';
  if (!(CAMPAIGN_CHANNELS as readonly string[]).includes(channel)) throw new UsageError(`--channel must be one of ${CAMPAIGN_CHANNELS.join(', ')}, got "${channel}"`);
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'ndjson') throw new UsageError(`--format must be csv or ndjson, got "${format}"`);
  const purpose = values.purpose ?? DEFAULT_PURPOSE;
  if (purpose.trim() === '') throw new UsageError('--purpose must not be empty');
  const recommendations = parseCount(values.recommendations);
  let atMs: EpochMs | null = null;
  if (values.at !== undefined) {
    atMs = parseInstant(values.at);
    if (atMs === null) throw new UsageError(`--at must be an ISO 8601 time, e.g. 2024-05-01T09:00:00Z, got "${values.at}"`);
  }
  const subjectFile = values['subject-file'];
  return {
    segment: values.segment,
    templates: {
      subject: subjectFile !== undefined ? await readTemplate(subjectFile, '--subject-file') : (values.subject ?? null),
      body: await readTemplate(bodyFile, values.template !== undefined ? '--template' : '--body'),
      text: values.text === undefined ? null : await readTemplate(values.text, '--text'),
    },
    channel,
    purpose,
    recommendations,
    format,
    out: values.out ?? null,
    atMs,
  };
}

function parseCount(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RECOMMENDATIONS;
  if (!/^\d+$/.test(value) || Number(value) > MAX_RECOMMENDATIONS) {
    throw new UsageError(`--recommendations must be a whole number from 0 to ${MAX_RECOMMENDATIONS}, got "${value}"`);
  }
  return Number(value);
}

async function readTemplate(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : 'unreadable';
    throw new UsageError(`${flag}: cannot read ${path} (${code})`, { cause: e });
  }
}

/** Where the rows go: stdout, or a file written with back-pressure. */
interface RowSink {
  write(line: string): Promise<void>;
  close(): Promise<void>;
}

function stdoutSink(out: OutputStream): RowSink {
  return {
    write: (line) => {
      out.write(line);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

async function fileSink(path: string): Promise<RowSink> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  let failure: Error | null = null;
  stream.on('error', (e) => {
    failure = e;
  });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (e) => reject(new UsageError(`--out: cannot write ${path} (${'code' in e ? String(e.code) : e.message})`, { cause: e })));
  });
  return {
    async write(line) {
      if (failure !== null) throw failure;
      if (!stream.write(line)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (failure !== null) {
          reject(failure);
          return;
        }
        stream.end(() => resolve());
      }),
  };
}

const CSV_HEADER = 'profile_id,user_id,email,subject,body,text\n';

type Rendered = { readonly subject: string | null; readonly body: string | null; readonly text: string | null };

function formatRow(format: Format, member: { readonly profileId: ProfileId; readonly userId: string | null; readonly email: string | null }, r: Rendered): string {
  if (format === 'ndjson') {
    return `${JSON.stringify({ profile_id: member.profileId, user_id: member.userId, email: member.email, subject: r.subject, body: r.body, text: r.text })}\n`;
  }
  return `${[member.profileId, member.userId ?? '', member.email ?? '', r.subject ?? '', r.body ?? '', r.text ?? ''].map(csvCell).join(',')}\n`;
}

async function render(app: AttuneApp, workspace: WorkspaceId, request: CampaignRequest, runtime: CliRuntime): Promise<void> {
  const startedMs = runtime.nowMs();
  // Both throw before any row is written: an unknown segment, a bad template (field, line, column).
  const segment = await app.segments.get(workspace, request.segment);
  const renderOne = app.decisions.campaign(workspace, request.templates, {
    channel: request.channel,
    purpose: request.purpose,
    recommendations: request.recommendations,
    atMs: request.atMs ?? startedMs,
  });
  const sink = request.out === null ? stdoutSink(runtime.stdout) : await fileSink(request.out);
  if (request.format === 'csv') await sink.write(CSV_HEADER);

  const total = segment.size;
  const bar = createProgressBar({ stream: runtime.stderr, label: `rendering ${request.segment}`, unit: 'recipients', nowMs: () => runtime.nowMs() });
  const skipped = new Map<string, number>([
    [`declined ${request.purpose}`, 0],
    [`no consent to ${request.purpose} on record`, 0],
    ['no profile', 0],
  ]);
  let rendered = 0;
  let done = 0;
  let after: ProfileId | null = null;
  for (;;) {
    const page = await app.segments.exportMembers(workspace, request.segment, { afterProfileId: after, limit: PAGE_SIZE });
    for (let i = 0; i < page.length; i += CONCURRENCY) {
      const chunk = page.slice(i, i + CONCURRENCY);
      const results = await Promise.all(chunk.map((m) => renderOne(lookupOf(m))));
      for (const [j, result] of results.entries()) {
        const member = chunk[j];
        if (member === undefined) continue;
        if ('skipped' in result) {
          skipped.set(result.skipped, (skipped.get(result.skipped) ?? 0) + 1);
        } else {
          await sink.write(formatRow(request.format, member, result.rendered));
          rendered += 1;
        }
      }
      done += chunk.length;
      bar.update({ done, fraction: total === 0 ? null : done / Math.max(total, done) });
    }
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE_SIZE) break;
    after = last.profileId;
  }
  await sink.close();
  bar.finish({ done, fraction: 1 });

  const skippedTotal = [...skipped.values()].reduce((a, b) => a + b, 0);
  const reasons = [...skipped].map(([reason, count]) => `${reason}: ${formatCount(count)}`).join(', ');
  runtime.stderr.write(
    `rendered ${formatCount(rendered)} of ${formatCount(done)} members of ${request.segment}, skipped ${formatCount(skippedTotal)} (${reasons}) in ${formatDurationMs(runtime.nowMs() - startedMs)}${request.out === null ? '' : `; wrote ${request.out}`}\n`,
  );
}

/** The user id when the member has one (as decide looks users up), else the profile id. */
function lookupOf(member: { readonly profileId: ProfileId; readonly userId: string | null }): ProfileLookup {
  return member.userId !== null ? { kind: 'user_id', value: member.userId } : { kind: 'profile_id', value: member.profileId };
}

export const campaignCommand: CliCommand = {
  name: 'campaign',
  aliases: ['campaigns'],
  summary: 'campaign render: one personalized message per segment member (CSV or NDJSON)',
  help: HELP,
  run,
};
