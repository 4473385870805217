#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { ServiceError } from '../lib/service-error.ts';
import { write, type Command, type CommandContext } from './command.ts';
import { relaunchWithServiceHeap } from './heap-limits.ts';
import { notifyOutputClosed } from './signals.ts';

/**
 * A command by name, and how to load it. Each command's module (and what it imports: the simulators, the admin
 * tools, the service) is loaded only when that command runs, so `work` does not carry the code of the others.
 */
interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<Command>;
  /** A long-running service: run with its V8 heap limits (see heap-limits.ts). */
  readonly service?: true;
}

const COMMANDS: readonly CommandEntry[] = [
  { name: 'demo', load: async () => (await import('./demo.ts')).demoCommand },
  { name: 'start', service: true, load: async () => (await import('./start.ts')).startCommand },
  { name: 'listen', service: true, load: async () => (await import('./start.ts')).listenCommand },
  { name: 'work', service: true, load: async () => (await import('./start.ts')).workCommand },
  { name: 'simulate', load: async () => (await import('./simulate.ts')).simulateCommand },
  { name: 'config check', load: async () => (await import('./config-check.ts')).configCheckCommand },
  { name: 'failed list', load: async () => (await import('./failed.ts')).failedListCommand },
  { name: 'failed show', load: async () => (await import('./failed.ts')).failedShowCommand },
  { name: 'failed retry', load: async () => (await import('./failed.ts')).failedRetryCommand },
  { name: 'failed purge', load: async () => (await import('./failed.ts')).failedPurgeCommand },
  { name: 'replay', load: async () => (await import('./replay.ts')).replayCommand },
  { name: 'backfill', load: async () => (await import('./backfill.ts')).backfillCommand },
  { name: 'unmapped', load: async () => (await import('./unmapped.ts')).unmappedCommand },
  { name: 'fields refusals', load: async () => (await import('./fields.ts')).fieldsRefusalsCommand },
];

/** Loads a command's module; its own name must be the one it is routed by. */
async function load(entry: CommandEntry): Promise<Command> {
  const command = await entry.load();
  if (command.name !== entry.name) throw new Error(`CLI command table: "${entry.name}" loads the command "${command.name}"`);
  return command;
}

/** The overview (loads every command, for its summary). */
async function help(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map(load));
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'ringsense-sync: RingCentral RingSense for Sales -> Salesforce call activities and follow-up tasks',
    '',
    'Usage: ringsense-sync <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `ringsense-sync <command> --help` for a command\'s options, `ringsense-sync --version` for the version.',
    'Configuration: see .env.example and README.md.',
  ].join('\n');
}

/** The package's version: package.json sits two levels up from src/cli/main.ts and from dist/cli/main.js alike. */
function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The commands of a group (`config`, `failed`: the first word of two-word names), for `ringsense-sync failed --help`. */
async function groupHelp(group: string): Promise<string | undefined> {
  const entries = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  if (entries.length === 0) return undefined;
  const commands = await Promise.all(entries.map(load));
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `Usage: ringsense-sync ${group} <command> [options]`,
    '',
    'Commands:',
    ...commands.flatMap((c) => [`  ${c.name.padEnd(width)}  ${c.summary}`, `  ${' '.repeat(width)}  usage: ${c.usage}`]),
    '',
    `Run \`ringsense-sync ${group} <command> --help\` for one command.`,
  ].join('\n');
}

const isHelp = (arg: string | undefined): boolean => arg === '--help' || arg === '-h' || arg === 'help';

/** Finds the command whose (possibly two-word) name starts `argv`. */
function route(argv: readonly string[]): { entry: CommandEntry; rest: string[] } | undefined {
  for (const c of COMMANDS) {
    const words = c.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { entry: c, rest: argv.slice(words.length) };
  }
  return undefined;
}

export async function main(argv: readonly string[], ctx: Omit<CommandContext, 'args'>): Promise<number> {
  if (argv.length === 0 || isHelp(argv[0])) {
    write(ctx.out, await help());
    return argv.length === 0 ? 1 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version') {
    write(ctx.out, `ringsense-sync ${version()}`);
    return 0;
  }
  const routed = route(argv);
  if (!routed) {
    const group = await groupHelp(argv[0]!);
    if (group && (argv.length === 1 || isHelp(argv[1]))) {
      // `ringsense-sync failed` alone is a usage error; `failed --help` is what was asked for.
      write(argv.length === 1 ? ctx.err : ctx.out, group);
      return argv.length === 1 ? 2 : 0;
    }
    write(ctx.err, `Unknown command "${argv.join(' ')}".\n\n${group ?? (await help())}`);
    return 2;
  }
  const found = { command: await load(routed.entry), rest: routed.rest };
  if (found.rest.includes('--help') || found.rest.includes('-h')) {
    write(ctx.out, `Usage: ${found.command.usage}\n\n${found.command.summary}`);
    return 0;
  }
  try {
    return await found.command.run({ ...ctx, args: found.rest });
  } catch (e) {
    if (e instanceof ConfigError) {
      write(ctx.err, e.message);
      return 1;
    }
    // A Salesforce connected app refused at the first login (app/salesforce-availability.ts): its message says what to check.
    if (e instanceof Error && e.name === 'SalesforceConfigurationError') {
      write(ctx.err, e.message);
      return 1;
    }
    if (e instanceof ServiceError && e.failure.kind === 'auth') {
      write(ctx.err, `${e.service === 'ringcentral' ? 'RingCentral' : 'Salesforce'} refused the credentials (${e.failure.code}): ${e.failure.message}\nCheck the ${e.service === 'ringcentral' ? 'RINGCENTRAL_*' : 'SALESFORCE_*'} settings (see .env.example).`);
      return 1;
    }
    if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      write(ctx.err, `${e.message}\nUsage: ${found.command.usage}`);
      return 2;
    }
    throw e;
  }
}

// `ringsense-sync ... | head` closes stdout early: that is not an error. A command that has something to clean up
// first (the demo: its Redis keys, its redis-server) is told and ends by itself; any other ends at once.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' && !notifyOutputClosed()) process.exit(process.exitCode ?? 0);
  });
}

const isEntryPoint = import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('/ringsense-sync');
if (isEntryPoint) {
  // The service runs with its heap limits: this replaces the process (same pid) before anything else is loaded.
  if (route(process.argv.slice(2))?.entry.service) relaunchWithServiceHeap();
  main(process.argv.slice(2), { env: process.env, cwd: process.cwd(), out: process.stdout, err: process.stderr }).then(
    (code) => {
      process.exitCode = code;
      // The command is done; a library timer left behind (the WebSocket client keeps one for up to 60 s after
      // a refused connection) must not hold the process. Unref'd, so a clean exit happens sooner.
      setTimeout(() => process.exit(code), 500).unref();
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
