/**
 * The `descent` command line. Each subcommand lives in its own module under commands/ and
 * exports `help` (its --help text) and `execute(args) → exit code`.
 */
import { ConfigError } from '../config/config.ts';

export interface Command {
  readonly summary: string;
  readonly help: string;
  execute(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<{ command: Command }>> = {
  run: () => import('./commands/run.ts'),
  sweep: () => import('./commands/sweep.ts'),
  submit: () => import('./commands/submit.ts'),
  status: () => import('./commands/status.ts'),
  watch: () => import('./commands/watch.ts'),
  runs: () => import('./commands/runs.ts'),
  metrics: () => import('./commands/metrics.ts'),
  cancel: () => import('./commands/cancel.ts'),
  start: () => import('./commands/start.ts'),
  serve: () => import('./commands/serve.ts'),
  worker: () => import('./commands/worker.ts'),
  migrate: () => import('./commands/migrate.ts'),
  keys: () => import('./commands/keys.ts'),
};

/**
 * The commands for which a reader of their output going away is a failure: the services (`start`,
 * `serve`, `worker`) and `migrate`, whose log it is (they go through their graceful shutdown and
 * exit 1), and `keys`, whose new key is shown once (unread, it is lost). Every other command
 * prints an answer for whoever reads it, and one whose reader stops early (`descent runs | head`)
 * ends there, quietly, with status 0, as other command-line tools do.
 */
const failsWhenReaderLeaves = new Set(['start', 'serve', 'worker', 'migrate', 'keys']);

/** Whether `descent <argv>` ends quietly when its standard output's reader goes away. */
export function endsQuietlyWhenReaderLeaves(argv: readonly string[]): boolean {
  const [name] = argv;
  return name === undefined || !failsWhenReaderLeaves.has(name);
}

/**
 * `npx descent` outside the project resolves to an unrelated package of that name on npm, so
 * the ways that do reach this CLI are spelled out.
 */
const runningFromAnywhere = [
  'From any directory:',
  '  npm link                          once, in the Descent checkout; then `descent <command>` anywhere',
  '  node <checkout>/bin/descent.js    without installing anything',
  '  npx descent                       only inside the checkout (elsewhere npx fetches another package)',
];

async function usage(): Promise<string> {
  const lines = ['Usage: descent <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const { command } = await load();
    lines.push(`  ${name.padEnd(9)} ${command.summary}`);
  }
  lines.push('', "Run 'descent <command> --help' for a command's options.", '', ...runningFromAnywhere);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version') {
    const { createRequire } = await import('node:module');
    console.log(createRequire(import.meta.url)('../../package.json').version);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    console.error(`descent: unknown command '${name}'\n\n${await usage()}`);
    return 2;
  }
  const { command } = await load();
  if (args.includes('--help') || args.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.execute(args);
  } catch (error) {
    // A bad setting is the user's to fix: one line naming every bad variable, no stack trace.
    if (!(error instanceof ConfigError)) throw error;
    console.error(`descent ${name}: ${error.message}`);
    return 2;
  }
}
