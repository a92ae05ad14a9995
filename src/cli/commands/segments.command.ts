import type { AttuneApp } from '../../app/attune-app.js';
import type { ProfileId, WorkspaceId } from '../../core/shared/ids.js';
import { bootstrapStore, formatBootstrapNotice, loadCommandConfig, resolveWorkspace, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime, OutputStream } from '../cli-runtime.js';
import { csvCell } from '../format.js';
import { createProgressBar } from '../progress-bar.js';
import { EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  workspace: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  json: { type: 'boolean' },
  format: { type: 'string' },
} as const;

const HELP = `Usage: attune segments list [--json]
       attune segments create KEY "RULE" [--name NAME] [--description TEXT] [--json]
       attune segments preview "RULE" [--json]
       attune segments show KEY [--json]
       attune segments export KEY [--format csv|ndjson]
       attune segments delete KEY

Rule segments in the text form, e.g.
  features.frequency >= 3 and traits.country = "FR"
  did "Product Viewed" where category = "shoes" at least 3 times within 30 days
  did "Product Viewed" then did not "Order Completed" within 2 days
  in_segment("vip") and not features.buyingStage.stage = "lapsed"
(see docs/api.md, Segments). create backfills the segment over every profile, with progress.
export writes every member to stdout: profile_id, user_id, email (trait), entered_at, reasons.

Options:
  --workspace WS      workspace (default ws_default)
  --json              machine-readable output
${STORE_OPTIONS_HELP}
`;

type Values = { readonly workspace?: string; readonly name?: string; readonly description?: string; readonly json?: boolean; readonly format?: string };

async function run(args: readonly string[], runtime: CliRuntime): Promise<number> {
  const [action, ...rest] = args;
  if (action === undefined || action === '--help' || action === '-h') {
    runtime.stdout.write(HELP);
    return EXIT_OK;
  }
  if (!['list', 'create', 'preview', 'show', 'export', 'delete'].includes(action)) {
    throw new UsageError(`unknown action "${action}": use list, create, preview, show, export or delete`);
  }
  const parsed = parseCommandArgsOrHelp(rest, OPTIONS, { text: HELP, out: runtime.stdout });
  if (parsed === null) return EXIT_OK;
  const { values, positionals } = parsed;
  const config = loadCommandConfig(runtime, { argv: configFlagsOf(values, STORE_FLAG_NAMES) });
  return withApp(runtime, config, async (session) => {
    const outcome = await bootstrapStore(session);
    if (outcome !== null) runtime.stderr.write(formatBootstrapNotice(outcome));
    const workspace = await resolveWorkspace(session.app, values.workspace);
    await perform(session.app, workspace, action, positionals, values, runtime);
    return EXIT_OK;
  });
}

async function perform(app: AttuneApp, workspace: WorkspaceId, action: string, positionals: readonly string[], values: Values, runtime: CliRuntime): Promise<void> {
  const out = runtime.stdout;
  const json = values.json === true;
  const need = (count: number, what: string): string[] => {
    if (positionals.length !== count) throw new UsageError(`${action} takes ${what}`);
    return [...positionals];
  };
  switch (action) {
    case 'list': {
      need(0, 'no argument');
      const segments = await app.segments.list(workspace);
      if (json) out.write(`${JSON.stringify(segments.map((s) => ({ key: s.definition.key, name: s.definition.name, kind: s.definition.kind, size: s.size, text: s.text })), null, 2)}\n`);
      else for (const s of segments) out.write(`${s.definition.key.padEnd(28)} ${String(s.size).padStart(9)}  ${s.text}\n`);
      return;
    }
    case 'create': {
      const [key, text] = need(2, 'KEY and "RULE"');
      const bar = createProgressBar({ stream: runtime.stderr, label: `backfilling ${key ?? ''}`, unit: 'profiles', nowMs: () => runtime.nowMs() });
      const saved = await app.segments.create(
        workspace,
        { key, text, ...(values.name === undefined ? {} : { name: values.name }), ...(values.description === undefined ? {} : { description: values.description }) },
        (p) => bar.update({ done: p.profilesDone, fraction: p.profilesTotal === 0 ? null : p.profilesDone / p.profilesTotal }),
      );
      bar.finish({ done: saved.backfill.profiles, fraction: 1 });
      if (json) out.write(`${JSON.stringify(saved, null, 2)}\n`);
      else out.write(`segment ${saved.definition.key} (v${saved.definition.version}): ${saved.size} members of ${saved.backfill.profiles} profiles, backfilled in ${saved.backfill.elapsedMs} ms (${saved.backfill.mode === 'memory' ? 'from memory' : 'reading every profile'})\n  ${saved.text}\n`);
      return;
    }
    case 'preview': {
      const [text] = need(1, '"RULE"');
      const p = await app.segments.preview(workspace, { text });
      if (json) out.write(`${JSON.stringify(p, null, 2)}\n`);
      else {
        const size = p.exact ? `${p.estimatedSize} (exact)` : `about ${p.estimatedSize} (95% ${p.low}..${p.high}, ${p.matchedInSample} of a sample of ${p.sampleSize})`;
        out.write(`${size} of ${p.population} profiles, in ${p.tookMs} ms\n  ${p.text}\n`);
        for (const e of p.examples) out.write(`  e.g. ${e.profileId}: ${e.reasons.join('; ')}\n`);
      }
      return;
    }
    case 'show': {
      const [key] = need(1, 'KEY');
      const s = await app.segments.get(workspace, key ?? '');
      const history = await app.segments.sizeOverTime(workspace, key ?? '');
      if (json) out.write(`${JSON.stringify({ ...s, history }, null, 2)}\n`);
      else {
        out.write(`${s.definition.key}: ${s.definition.name} (${s.definition.kind}, v${s.definition.version}), ${s.size} members\n  ${s.text}\n`);
        for (const point of history.slice(-14)) out.write(`  ${point.date}  +${point.enters} -${point.exits}  = ${point.size}\n`);
      }
      return;
    }
    case 'export': {
      const [key] = need(1, 'KEY');
      await exportMembers(app, workspace, key ?? '', values.format ?? 'csv', out);
      return;
    }
    case 'delete': {
      const [key] = need(1, 'KEY');
      const deleted = await app.segments.delete(workspace, key ?? '');
      out.write(deleted ? `deleted ${key ?? ''}\n` : `no segment ${key ?? ''}\n`);
      return;
    }
  }
}

async function exportMembers(app: AttuneApp, workspace: WorkspaceId, key: string, format: string, out: OutputStream): Promise<void> {
  if (format !== 'csv' && format !== 'ndjson') throw new UsageError('--format must be csv or ndjson');
  if (format === 'csv') out.write('profile_id,user_id,email,entered_at,reasons\n');
  let after: ProfileId | null = null;
  for (;;) {
    const page = await app.segments.exportMembers(workspace, key, { afterProfileId: after, limit: 1000 });
    for (const m of page) {
      const at = new Date(m.enteredAtMs).toISOString();
      out.write(
        format === 'csv'
          ? `${[m.profileId, m.userId ?? '', m.email ?? '', at, m.reasons.join('; ')].map(csvCell).join(',')}\n`
          : `${JSON.stringify({ profile_id: m.profileId, user_id: m.userId, email: m.email, entered_at: at, reasons: m.reasons })}\n`,
      );
    }
    const last = page.at(-1);
    if (last === undefined || page.length < 1000) return;
    after = last.profileId;
  }
}

export const segmentsCommand: CliCommand = {
  name: 'segments',
  aliases: ['segment'],
  summary: 'segments list|create|preview|show|export|delete: real-time rule segments',
  help: HELP,
  run,
};
