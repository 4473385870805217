import { parseArgs } from 'node:util';
import type { Queue } from 'bullmq';
import { loadConfig } from '../config/load-config.ts';
import { findFailed, listFailed, purgeFailed, retryAllFailed, retryFailed } from '../queue/failed-set.ts';
import { parseDays, purgeSummary, retryAllSummary } from '../queue/failed-summary.ts';
import { withCallsQueue } from './admin-queue.ts';
import { write, type Command, type CommandContext } from './command.ts';
import { formatFailedJob, formatListing, listingJson } from './failed-format.ts';

/**
 * `ringsense-sync failed list|show|retry|purge`: the failed set (the dead-letter queue) from the command line.
 * Exit codes: 0 done (nothing to do included), 1 a problem (unknown job, Redis unreachable), 2 usage.
 */

const DAY_MS = 24 * 3600_000;
const RESTART_NOTE =
  'Note: running workers reload a changed mapping file by themselves (their log says mapping_reloaded, or ' +
  'mapping_reload_refused with the problems); a job retried before the reload fails again with the same reason.';

function usageError(ctx: CommandContext, message: string, usage: string): Promise<number> {
  write(ctx.err, `${message}\nUsage: ${usage}`);
  return Promise.resolve(2);
}

/** Runs `fn` on the queue named by REDIS_URL and QUEUE_PREFIX. */
function onQueue(ctx: CommandContext, fn: (queue: Queue, where: string) => Promise<number>): Promise<number> {
  const cfg = loadConfig(ctx.env, {}, ctx.cwd);
  return withCallsQueue(ctx, cfg, (queue) => fn(queue, `queue "${queue.name}" (prefix ${cfg.redis.prefix})`));
}

function notRetriable(ctx: CommandContext, jobId: string, where: string, state: string | undefined): number {
  write(ctx.err, state === undefined ? `No job "${jobId}" in ${where}.` : `Job "${jobId}" is not in the failed set (it is ${state}).`);
  return 1;
}

const LIST_USAGE = 'ringsense-sync failed list [--reason <code>] [--limit <n>] [--json]';
export const failedListCommand: Command = {
  name: 'failed list',
  summary: 'Failed jobs: counts per reason, then the newest jobs (ids and reasons, no call content)',
  usage: LIST_USAGE,
  run(ctx) {
    const { values } = parseArgs({
      args: [...ctx.args],
      options: { reason: { type: 'string' }, limit: { type: 'string', default: '20' }, json: { type: 'boolean', default: false } },
      allowPositionals: false,
    });
    if (!/^[1-9]\d{0,5}$/.test(values.limit)) return usageError(ctx, `--limit must be a whole number from 1 to 999999, not "${values.limit}".`, LIST_USAGE);
    const limit = Number(values.limit);
    return onQueue(ctx, async (queue) => {
      const listing = await listFailed(queue, { limit, ...(values.reason ? { reason: values.reason } : {}) });
      if (values.json) write(ctx.out, JSON.stringify(listingJson(listing), null, 2));
      else write(ctx.out, formatListing(listing, { limit, ...(values.reason ? { reason: values.reason } : {}) }).join('\n'));
      return 0;
    });
  },
};

const SHOW_USAGE = 'ringsense-sync failed show <jobId> [--content]';
export const failedShowCommand: Command = {
  name: 'failed show',
  summary: 'One failed job: its reason, full message, attempts, times and stored event (content redacted unless --content)',
  usage: SHOW_USAGE,
  run(ctx) {
    const { values, positionals } = parseArgs({ args: [...ctx.args], options: { content: { type: 'boolean', default: false } }, allowPositionals: true });
    const [jobId, ...extra] = positionals;
    if (!jobId || extra.length) return usageError(ctx, 'Give exactly one job id (see `ringsense-sync failed list`).', SHOW_USAGE);
    return onQueue(ctx, async (queue, where) => {
      const found = await findFailed(queue, jobId);
      if (found.kind !== 'failed') return notRetriable(ctx, jobId, where, found.kind === 'not_failed' ? found.state : undefined);
      write(ctx.out, formatFailedJob(found.job, found.data, { processedOn: found.processedOn, content: values.content, dataProblem: found.dataProblem }).join('\n'));
      return 0;
    });
  },
};

const RETRY_USAGE = 'ringsense-sync failed retry <jobId> | --all [--reason <code>]';
export const failedRetryCommand: Command = {
  name: 'failed retry',
  summary: 'Move failed jobs back to waiting with attempts reset (after fixing the cause)',
  usage: RETRY_USAGE,
  run(ctx) {
    const { values, positionals } = parseArgs({
      args: [...ctx.args],
      options: { all: { type: 'boolean', default: false }, reason: { type: 'string' } },
      allowPositionals: true,
    });
    const [jobId, ...extra] = positionals;
    if (extra.length || (jobId === undefined) === !values.all) return usageError(ctx, 'Give one job id, or --all.', RETRY_USAGE);
    if (values.reason !== undefined && !values.all) return usageError(ctx, '--reason goes with --all.', RETRY_USAGE);
    return onQueue(ctx, async (queue, where) => {
      if (jobId !== undefined) {
        const r = await retryFailed(queue, jobId);
        if (r.kind !== 'retried') return notRetriable(ctx, jobId, where, r.kind === 'not_failed' ? r.state : undefined);
        write(ctx.out, `Retried ${jobId} (${r.job.reason}): back to waiting with its attempts reset.\n${RESTART_NOTE}`);
        return 0;
      }
      const result = await retryAllFailed(queue, values.reason ? { reason: values.reason } : {});
      const summary = retryAllSummary(result, values.reason);
      write(ctx.out, result.retried.length === 0 ? summary : `${summary}\n${RESTART_NOTE}`);
      return 0;
    });
  },
};

const PURGE_USAGE = 'ringsense-sync failed purge --older-than <days>';
export const failedPurgeCommand: Command = {
  name: 'failed purge',
  summary: 'Remove failed jobs that failed more than <days> ago (they expire after 30 days anyway)',
  usage: PURGE_USAGE,
  run(ctx) {
    const { values } = parseArgs({ args: [...ctx.args], options: { 'older-than': { type: 'string' } }, allowPositionals: false });
    const days = values['older-than'];
    if (days === undefined) return usageError(ctx, '--older-than <days> is required (0 removes every failed job).', PURGE_USAGE);
    const olderThan = parseDays(days);
    if (olderThan === undefined) return usageError(ctx, `--older-than must be a number of days (e.g. 7 or 0.5), not "${days}".`, PURGE_USAGE);
    return onQueue(ctx, async (queue) => {
      const removed = await purgeFailed(queue, olderThan * DAY_MS);
      write(ctx.out, purgeSummary(removed.length, days));
      return 0;
    });
  },
};
