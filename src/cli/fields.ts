import { loadConfig } from '../config/load-config.ts';
import { FIELD_REFUSALS_RETENTION_MS, FieldRefusalStore, type FieldRefusalEntry } from '../sync/field-refusals.ts';
import { withAdminRedis } from './admin-queue.ts';
import { write, type Command } from './command.ts';
import { daysAndJson } from './days-option.ts';
import { table } from './failed-format.ts';

const USAGE = 'ringsense-sync fields refusals [--days <n>] [--json]';

const when = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** The list as text: one row per field and code, then what to do. Pure. */
export function formatRefusals(entries: readonly FieldRefusalEntry[], days: number): string[] {
  if (entries.length === 0) return [`No mapped field was refused in the last ${days} day(s): every call was written with all its mapped fields.`];
  const calls = entries.reduce((n, e) => n + e.count, 0);
  return [
    `${entries.length} mapped field refusal(s) in the last ${days} day(s), ${calls} call(s) written without the field:`,
    '',
    ...table([
      ['FIELD', 'CODE', 'CALLS', 'LAST SEEN (UTC)', 'LAST CALL', 'REASON'],
      ...entries.map((e) => [e.field, e.code, String(e.count), when(e.lastSeen), e.lastSourceRecordId, e.message]),
    ]),
    '',
    'The calls were written without these fields. Fix the field in Salesforce (its type, picklist values or field-level',
    'security) or the mapping file (fields.task), then check with `ringsense-sync config check --online`.',
  ];
}

/** `ringsense-sync fields refusals [--days N] [--json]`: mapped Task fields calls were written without, and why. */
export const fieldsRefusalsCommand: Command = {
  name: 'fields refusals',
  summary: 'Mapped Task fields (fields.task) that calls were written without, with Salesforce\'s reason and how many calls',
  usage: USAGE,
  run(ctx) {
    const opts = daysAndJson(ctx, USAGE, FIELD_REFUSALS_RETENTION_MS);
    if (opts === 2) return Promise.resolve(2);
    const { days, sinceMs } = opts;
    const cfg = loadConfig(ctx.env, {}, ctx.cwd);
    return withAdminRedis(ctx, cfg, async (redis) => {
      const entries = await new FieldRefusalStore(redis, cfg.redis.prefix).list({ sinceMs });
      if (opts.json) {
        write(ctx.out, JSON.stringify({ days, refusals: entries.map((e) => ({ ...e, firstSeen: new Date(e.firstSeen).toISOString(), lastSeen: new Date(e.lastSeen).toISOString() })) }, null, 2));
      } else write(ctx.out, formatRefusals(entries, days).join('\n'));
      return 0;
    });
  },
};
