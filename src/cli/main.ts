#!/usr/bin/env node
import { ConfigError } from '../config/config-error.ts';
import { ServiceError } from '../lib/service-error.ts';
import { backfillCommand } from './backfill.ts';
import { write, type Command, type CommandContext } from './command.ts';
import { configCheckCommand } from './config-check.ts';
import { demoCommand } from './demo.ts';
import { failedListCommand, failedPurgeCommand, failedRetryCommand, failedShowCommand } from './failed.ts';
import { replayCommand } from './replay.ts';
import { simulateCommand } from './simulate.ts';
import { listenCommand, startCommand, workCommand } from './start.ts';
import { unmappedCommand } from './unmapped.ts';

const COMMANDS: readonly Command[] = [demoCommand, startCommand, listenCommand, workCommand, simulateCommand, configCheckCommand, failedListCommand, failedShowCommand, failedRetryCommand, failedPurgeCommand, replayCommand, backfillCommand, unmappedCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'ringsense-sync: RingCentral RingSense for Sales -> Salesforce call activities and follow-up tasks',
    '',
    'Usage: ringsense-sync <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `ringsense-sync <command> --help` for a command\'s options. Configuration: see .env.example and README.md.',
  ].join('\n');
}

/** Finds the command whose (possibly two-word) name starts `argv`. */
function route(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const c of COMMANDS) {
    const words = c.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command: c, rest: argv.slice(words.length) };
  }
  return undefined;
}

export async function main(argv: readonly string[], ctx: Omit<CommandContext, 'args'>): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    write(ctx.out, help());
    return argv.length === 0 ? 1 : 0;
  }
  const found = route(argv);
  if (!found) {
    write(ctx.err, `Unknown command "${argv.join(' ')}".\n\n${help()}`);
    return 2;
  }
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

// `ringsense-sync ... | head` closes stdout early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

const isEntryPoint = import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('/ringsense-sync');
if (isEntryPoint) {
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
