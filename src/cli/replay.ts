import { ACE_DOMAINS, isAceDomain, type AceDomain } from '../calls/domains.ts';
import { parseArgs } from 'node:util';
import type { Queue } from 'bullmq';
import { loadConfig } from '../config/load-config.ts';
import { silentLogger } from '../lib/logger.ts';
import { callJobId } from '../queue/jobs.ts';
import { enqueueInsights } from '../queue/producer.ts';
import { parseInsightsBody } from '../ringcentral/insights-event.schema.ts';
import { fetchRecordingInsights } from '../ringcentral/telephony.adapter.ts';
import { ringCentralProblem, withCallsQueue, withRingCentral } from './admin-queue.ts';
import { write, type Command, type CommandContext } from './command.ts';
import { formatUtc } from './failed-format.ts';

const USAGE = 'ringsense-sync replay <sourceRecordId> [--domain pbx|rcx|nice-incontact] [--force]';

/**
 * The job of this version already exists: a finished one is replaced only with --force (writes are idempotent,
 * so processing again updates the call Task rather than duplicating it); a pending one is left alone.
 * Returns an exit code to stop with, or undefined to go on and enqueue.
 */
async function settleExisting(ctx: CommandContext, queue: Queue, jobId: string, recordId: string, force: boolean): Promise<number | undefined> {
  const existing = await queue.getJob(jobId);
  if (!existing) return undefined;
  const state = await existing.getState();
  if (state === 'unknown') return undefined;
  if (state !== 'completed' && state !== 'failed') {
    write(ctx.out, `Recording ${recordId} is already queued as job ${jobId} (${state}): nothing to do.`);
    return 0;
  }
  if (!force) {
    write(
      ctx.out,
      state === 'completed'
        ? `Recording ${recordId} was already processed at this version: job ${jobId} completed ${formatUtc(existing.finishedOn)}. Nothing queued.\n` +
            'Use --force to process it again (writes are idempotent: the call Task is updated, not duplicated).'
        : `Recording ${recordId} at this version is in the failed set as job ${jobId}. Nothing queued.\n` +
            `Fix the cause, then: ringsense-sync failed retry ${jobId} (or replay with --force to replace it with the insights just fetched).`,
    );
    return 0;
  }
  await existing.remove();
  write(ctx.out, `Removed the ${state} job ${jobId} (--force).`);
  return undefined;
}

async function replay(ctx: CommandContext, queue: Queue, recordId: string, insights: unknown, force: boolean, domains: readonly AceDomain[]): Promise<number> {
  const parsed = parseInsightsBody(insights, domains);
  if (parsed.ok) {
    const stop = await settleExisting(ctx, queue, callJobId(parsed.value.sourceRecordId, parsed.value.lastModifiedTime), recordId, force);
    if (stop !== undefined) return stop;
  }
  const r = await enqueueInsights(queue, insights, 'replay', silentLogger(), { domains });
  if (r.rejection) {
    write(ctx.err, `RingSense returned insights for ${recordId} that are not valid (${r.rejection.reason}: ${r.rejection.message}).`);
    write(ctx.err, `They were ${r.status === 'enqueued' ? 'queued' : 'already queued'} as job ${r.jobId} and will be kept in the failed set: ringsense-sync failed show ${r.jobId}`);
    return 1;
  }
  if (r.status === 'duplicate') {
    write(ctx.out, `Recording ${recordId} was queued meanwhile as job ${r.jobId}: nothing to do.`);
    return 0;
  }
  write(ctx.out, `Queued recording ${recordId} as job ${r.jobId} (replay). A running worker (ringsense-sync start / work) writes it to Salesforce.`);
  return 0;
}

/** `ringsense-sync replay <sourceRecordId> [--force]`: fetch one call's insights over REST and queue them again. */
export const replayCommand: Command = {
  name: 'replay',
  summary: "Fetch one recording's RingSense insights over REST and queue them for syncing (again with --force)",
  usage: USAGE,
  async run(ctx) {
    const { values, positionals } = parseArgs({ args: [...ctx.args], options: { force: { type: 'boolean', default: false }, domain: { type: 'string', default: 'pbx' } }, allowPositionals: true });
    const [recordId, ...extra] = positionals;
    if (!recordId || extra.length) {
      write(ctx.err, `Give exactly one sourceRecordId (the RingSense recording id).\nUsage: ${USAGE}`);
      return 2;
    }
    const domain = values.domain.trim();
    if (!isAceDomain(domain)) {
      write(ctx.err, `--domain ${JSON.stringify(domain)} is not an ACE domain (${ACE_DOMAINS.join(', ')}).\nUsage: ${USAGE}`);
      return 2;
    }
    const cfg = loadConfig(ctx.env, { ringcentral: true }, ctx.cwd);
    return withRingCentral(ctx, cfg, async (rc) => {
      let insights: unknown;
      try {
        insights = await fetchRecordingInsights(rc.platform, domain, recordId);
      } catch (e) {
        return ringCentralProblem(ctx, `Reading the insights of ${recordId}`, e);
      }
      if (insights === undefined) {
        write(ctx.err, `No RingSense insights for recording ${recordId}: not analysed yet or not a RingSense recording.`);
        return 1;
      }
      return await withCallsQueue(ctx, cfg, (queue) => replay(ctx, queue, recordId, insights, values.force, cfg.domains));
    });
  },
};
