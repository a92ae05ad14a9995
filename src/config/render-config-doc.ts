import { CONFIG_FILE_ENV, CONFIG_FILE_FLAG, listConfigSettings, type ConfigSetting } from './config-settings.js';

function formatDefault(setting: ConfigSetting): string {
  if (setting.key === 'storage.url') return '`sqlite://<dataDir>/attune.db`';
  if (setting.defaultValue === undefined) return setting.secret ? '(none: generated, printed once)' : '(none)';
  return `\`${JSON.stringify(setting.defaultValue)}\``;
}

function formatType(setting: ConfigSetting): string {
  if (setting.values !== null) return setting.values.map((v) => `\`${v}\``).join(' \\| ');
  return setting.type;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** docs/config.md, generated from ConfigSchema. Regenerate with `npx tsx scripts/gen-config-doc.ts`. */
export function renderConfigDoc(): string {
  const settings = listConfigSettings();
  const lines: string[] = [
    '# Configuration',
    '',
    '<!-- Generated from src/config/config.schema.ts by scripts/gen-config-doc.ts. Do not edit by hand:',
    '     run `npx tsx scripts/gen-config-doc.ts`; test/integration/cli-config-doc.test.ts fails when this file is stale. -->',
    '',
    'Attune reads its settings from, in rising precedence: the defaults below, a JSON config file, the',
    'environment, and command-line flags. Everything is validated at start; every problem is printed',
    'at once and the command exits with status 2.',
    '',
    `- **Config file**: JSON with the same nesting as the keys below (e.g. \`{"server": {"port": 8080}}\`),`,
    `  named by \`${CONFIG_FILE_FLAG} FILE\` or \`${CONFIG_FILE_ENV}\`. Unknown keys are errors.`,
    '- **Environment**: `ATTUNE_*` variables as listed. An empty variable counts as unset.',
    '- **Flags**: where listed, on `attune serve`, `attune demo` and the other commands that open the store.',
    '- **Secrets** (`auth.*`) are never printed or logged; prefer the environment to the config file for them.',
    '',
    'Units are in the key names (`…Bytes`, `…Ms`). Relative paths are relative to the working directory.',
    '',
  ];
  let area = '';
  for (const setting of settings) {
    if (setting.path[0] !== area) {
      area = setting.path[0];
      lines.push(`## ${area}`, '', '| key | env | flag | type | default | description |', '|---|---|---|---|---|---|');
    }
    lines.push(
      `| \`${setting.key}\` | \`${setting.env}\` | ${setting.flag === null ? '' : `\`${setting.flag}\``} | ${formatType(setting)} | ${formatDefault(setting)} | ${escapeCell(setting.description)} |`,
    );
    const next = settings[settings.indexOf(setting) + 1];
    if (next === undefined || next.path[0] !== area) lines.push('');
  }
  lines.push(
    '## Storage URLs',
    '',
    '| URL | engine |',
    '|---|---|',
    '| `sqlite:///var/lib/attune/attune.db` | SQLite file, absolute path |',
    '| `sqlite://./data/attune.db` | SQLite file, relative to the working directory |',
    '| `memory://` | in memory, lost when the process exits (tests, trying things out) |',
    '',
  );
  return lines.join('\n');
}
