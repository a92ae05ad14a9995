import { simulateExperiment } from '../../app/experiments/simulate-experiment.js';
import { bootstrapStore, formatBootstrapNotice, loadCommandConfig, resolveWorkspace, withApp } from '../app-session.js';
import { STORE_FLAG_NAMES, STORE_OPTIONS, STORE_OPTIONS_HELP, configFlagsOf, parseCommandArgsOrHelp } from '../cli-args.js';
import type { CliCommand } from '../cli-command.js';
import type { CliRuntime } from '../cli-runtime.js';
import { createProgressBar } from '../progress-bar.js';
import { EXIT_OK, UsageError } from '../usage-error.js';

const OPTIONS = {
  ...STORE_OPTIONS,
  shoppers: { type: 'string' },
  days: { type: 'string' },
  visits: { type: 'string' },
  seed: { type: 'string' },
  workspace: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const SIMULATED_BANNER = 'SIMULATED SHOPPERS: not real customers';

const HELP = `Usage: attune simulate [--shoppers 500] [--days 14] [--visits 1] [--seed 7] [--workspace WS] [--json]

${SIMULATED_BANNER}. Runs a whole experiment end to end on a population of simulated shoppers
with hidden preferences (src/core/experiments/simulated-shoppers.ts): it sets up a simulated
catalog, a warm-up history, trait segments, offers, the placement sim-home and the experiment
sim-personalization (arms control / segments / personalized); then every simulated visit asks the
real decide API and the shopper's clicks and orders go back through ingest. Prints the
experiment's report (Markdown, or JSON with --json). Every id starts with sim- and every event
carries context.simulated = true. Use a scratch store (e.g. --storage memory://): the data stays.

Options:
  --shoppers N        simulated shoppers (default 500)
  --days N            days of the experiment (default 14)
  --visits X          mean visits per shopper per day (default 1)
  --seed N            seed of the population and its behaviour (default 7)
  --workspace WS      workspace (default ws_default)
  --json              machine-readable output
${STORE_OPTIONS_HELP}
`;

function intOption(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  return value;
}

async function run(args: readonly string[], runtime: CliRuntime): Promise<number> {
  const parsed = parseCommandArgsOrHelp(args, OPTIONS, { text: HELP, out: runtime.stdout });
  if (parsed === null) return EXIT_OK;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`simulate takes no argument (got "${positionals.join(' ')}")`);
  const shoppers = intOption(values.shoppers, 'shoppers', 500, 3, 100_000);
  const days = intOption(values.days, 'days', 14, 1, 90);
  const seed = intOption(values.seed, 'seed', 7, 0, 2 ** 31);
  const visits = values.visits === undefined ? 1 : Number(values.visits);
  if (!(Number.isFinite(visits) && visits > 0 && visits <= 20)) throw new UsageError('--visits must be a number above 0, at most 20');
  const config = loadCommandConfig(runtime, { argv: configFlagsOf(values, STORE_FLAG_NAMES) });
  return withApp(runtime, config, async (session) => {
    const outcome = await bootstrapStore(session);
    if (outcome !== null) runtime.stderr.write(formatBootstrapNotice(outcome));
    const workspace = await resolveWorkspace(session.app, values.workspace);
    runtime.stderr.write(`\n*** ${SIMULATED_BANNER} ***\n${shoppers} simulated shoppers, ${days} days, seed ${seed}\n`);
    const bars = {
      'warm-up': createProgressBar({ stream: runtime.stderr, label: 'simulated warm-up', unit: 'events', nowMs: () => runtime.nowMs() }),
      visits: createProgressBar({ stream: runtime.stderr, label: 'simulated visits', unit: 'visits', nowMs: () => runtime.nowMs() }),
    };
    const finished = new Set<string>();
    const result = await simulateExperiment(session.app, workspace, {
      shoppers,
      days,
      visitsPerShopperPerDay: visits,
      seed,
      endMs: runtime.nowMs(),
      onProgress: (p) => {
        const bar = bars[p.phase];
        const state = { done: p.done, fraction: p.total === 0 ? null : p.done / p.total };
        if (p.done >= p.total && !finished.has(p.phase)) {
          finished.add(p.phase);
          bar.finish(state);
        } else if (p.done < p.total) bar.update(state);
      },
    });
    const summary = `${result.visits} visits, ${result.clicks} clicks, ${result.orders} orders, ${result.events} events (all simulated)`;
    if (values.json === true) {
      const { report: _report, ...rest } = result;
      runtime.stdout.write(`${JSON.stringify({ banner: SIMULATED_BANNER, ...rest }, null, 2)}\n`);
    } else {
      runtime.stdout.write(`> **${SIMULATED_BANNER}.** ${summary}.\n\n${result.report}`);
      if (!result.report.endsWith('\n')) runtime.stdout.write('\n');
    }
    return EXIT_OK;
  });
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  aliases: [],
  summary: 'simulate: run an experiment end to end on SIMULATED shoppers (not real customers)',
  help: HELP,
  run,
};
