import { AppError } from '../app/app-error.js';
import type { CliCommand } from './cli-command.js';
import type { CliRuntime } from './cli-runtime.js';
import { catalogCommand, importCatalogCommand } from './commands/catalog.command.js';
import { segmentsCommand } from './commands/segments.command.js';
import { campaignCommand } from './commands/campaign.command.js';
import { evalCommand } from './commands/eval.command.js';
import { demoCommand } from './commands/demo.command.js';
import { importCommand } from './commands/import.command.js';
import { keysCommand } from './commands/keys.command.js';
import { workspacesCommand } from './commands/workspaces.command.js';
import { usersCommand } from './commands/users.command.js';
import { rebuildCommand } from './commands/rebuild.command.js';
import { serveCommand } from './commands/serve.command.js';
import { simulateCommand } from './commands/simulate.command.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';

export const COMMANDS: readonly CliCommand[] = [
  demoCommand,
  serveCommand,
  importCommand,
  catalogCommand,
  segmentsCommand,
  campaignCommand,
  evalCommand,
  simulateCommand,
  importCatalogCommand,
  rebuildCommand,
  keysCommand,
  usersCommand,
  workspacesCommand,
];

function globalHelp(version: string): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `attune ${version}: self-hosted customer data and personalization engine`,
    '',
    'Usage: attune <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `attune <command> --help` for its options. Start with `attune demo`.',
    'Configuration: flags > ATTUNE_* environment > --config FILE > defaults (docs/config.md).',
    'Exit status: 0 ok, 1 failure, 2 usage or configuration error.',
    '',
  ].join('\n');
}

function findCommand(name: string): CliCommand | undefined {
  return COMMANDS.find((c) => c.name === name || c.aliases.includes(name));
}

/** Runs one command line (without `node` and the script). Never throws: every outcome is an exit status. */
export async function runCli(argv: readonly string[], runtime: CliRuntime): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    runtime.stderr.write(globalHelp(runtime.version));
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = args[0] === undefined ? undefined : findCommand(args[0]);
    runtime.stdout.write(topic === undefined ? globalHelp(runtime.version) : topic.help);
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    runtime.stdout.write(`${runtime.version}\n`);
    return EXIT_OK;
  }
  const command = findCommand(name);
  if (command === undefined) {
    runtime.stderr.write(`attune: unknown command "${name}"\n\n${globalHelp(runtime.version)}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, runtime);
  } catch (e) {
    return reportFailure(e, command, runtime);
  }
}

function reportFailure(e: unknown, command: CliCommand, runtime: CliRuntime): number {
  if (e instanceof UsageError) {
    const details = e.details.map((d) => `  - ${d}\n`).join('');
    runtime.stderr.write(`attune ${command.name}: ${e.message}\n${details}Run \`attune ${command.name} --help\` for usage.\n`);
    return EXIT_USAGE;
  }
  if (e instanceof AppError) {
    const details = e.details.map((d) => `  - ${d.field === null ? '' : `${d.field}: `}${d.message}\n`).join('');
    runtime.stderr.write(`attune ${command.name}: ${e.code}: ${e.message}\n${details}`);
    return EXIT_FAILURE;
  }
  const message = e instanceof Error ? e.message : String(e);
  runtime.stderr.write(`attune ${command.name}: failed: ${message}\n`);
  if (e instanceof Error && e.stack !== undefined) runtime.stderr.write(`${e.stack}\n`);
  return EXIT_FAILURE;
}
