import { ACE_DOMAINS, isAceDomain } from '../calls/domains.ts';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.ts';
import { replayInsights, type ReplayOutcome } from '../queue/replay-recording.ts';
import { fetchRecordingInsights } from '../ringcentral/telephony.adapter.ts';
import { ringCentralProblem, withCallsQueue, withRingCentral } from './admin-queue.ts';
import { write, type Command, type CommandContext } from './command.ts';
import { formatUtc } from './failed-format.ts';

const USAGE = 'ringsense-sync replay <sourceRecordId> [--domain pbx|rcx|nice-incontact] [--force]';

/** Says what came of the replay (replay-recording.ts does it); returns the exit code. */
function report(ctx: CommandContext, recordId: string, r: ReplayOutcome): number {
  if ((r.kind === 'queued' || r.kind === 'duplicate' || r.kind === 'invalid') && r.replaced) write(ctx.out, `Removed the ${r.replaced} job ${r.jobId} (--force).`);
  switch (r.kind) {
    case 'no_insights':
      write(ctx.err, `No RingSense insights for recording ${recordId}: not analysed yet or not a RingSense recording.`);
      return 1;
    case 'pending':
      write(ctx.out, `Recording ${recordId} is already queued as job ${r.jobId} (${r.state}): nothing to do.`);
      return 0;
    case 'finished':
      write(
        ctx.out,
        r.state === 'completed'
          ? `Recording ${recordId} was already processed at this version: job ${r.jobId} completed ${formatUtc(r.finishedOn)}. Nothing queued.\n` +
              'Use --force to process it again (writes are idempotent: the call Task is updated, not duplicated).'
          : `Recording ${recordId} at this version is in the failed set as job ${r.jobId}. Nothing queued.\n` +
              `Fix the cause, then: ringsense-sync failed retry ${r.jobId} (or replay with --force to replace it with the insights just fetched).`,
      );
      return 0;
    case 'invalid':
      write(ctx.err, `RingSense returned insights for ${recordId} that are not valid (${r.rejection.reason}: ${r.rejection.message}).`);
      write(ctx.err, `They were ${r.status === 'enqueued' ? 'queued' : 'already queued'} as job ${r.jobId} and will be kept in the failed set: ringsense-sync failed show ${r.jobId}`);
      return 1;
    case 'duplicate':
      write(ctx.out, `Recording ${recordId} was queued meanwhile as job ${r.jobId}: nothing to do.`);
      return 0;
    case 'queued':
      write(ctx.out, `Queued recording ${recordId} as job ${r.jobId} (replay). A running worker (ringsense-sync start / work) writes it to Salesforce.`);
      return 0;
  }
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
      if (insights === undefined) return report(ctx, recordId, { kind: 'no_insights' });
      return await withCallsQueue(ctx, cfg, async (queue) => report(ctx, recordId, await replayInsights(queue, insights, { force: values.force, domains: cfg.domains })));
    });
  },
};
