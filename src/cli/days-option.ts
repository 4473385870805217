import { parseArgs } from 'node:util';
import { write, type CommandContext } from './command.ts';

const DAY_MS = 24 * 3600_000;

/**
 * `[--days N] [--json]` of the commands that read the admin's counted lists (`unmapped`, `fields refusals`): N from 1
 * to the days the list keeps (default 30). The window's start, or exit code 2 with the rule said on stderr.
 */
export function daysAndJson(ctx: CommandContext, usage: string, retentionMs: number): { days: number; sinceMs: number; json: boolean } | 2 {
  const maxDays = retentionMs / DAY_MS;
  const { values } = parseArgs({
    args: [...ctx.args],
    options: { days: { type: 'string', default: '30' }, json: { type: 'boolean', default: false } },
    allowPositionals: false,
  });
  if (!/^\d{1,2}$/.test(values.days) || Number(values.days) < 1 || Number(values.days) > maxDays) {
    write(ctx.err, `--days must be a whole number from 1 to ${maxDays} (entries are kept ${maxDays} days), not "${values.days}".\nUsage: ${usage}`);
    return 2;
  }
  const days = Number(values.days);
  return { days, sinceMs: Date.now() - days * DAY_MS, json: values.json };
}
