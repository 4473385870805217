import { ACE_DOMAINS, DOMAIN_NAMES, isAceDomain, type AceDomain } from '../calls/domains.ts';
import { parseArgs } from 'node:util';
import type { Queue } from 'bullmq';
import { loadConfig } from '../config/load-config.ts';
import { silentLogger } from '../lib/logger.ts';
import { callJobId } from '../queue/jobs.ts';
import { enqueueInsights } from '../queue/producer.ts';
import { parseInsightsBody } from '../ringcentral/insights-event.schema.ts';
import { recordInsightsPath } from '../ringcentral/domain-paths.ts';
import { meetingHistoryPath, meetingWasRecorded } from '../ringcentral/meeting-history.adapter.ts';
import { PacedRequests } from '../ringcentral/paced-requests.ts';
import type { Platform } from '../ringcentral/sdk.ts';
import { ringCentralProblem, withAdminRedis, withCallsQueue, withRingCentral } from './admin-queue.ts';
import {
  checkpointKey, countOutcomes, freshCheckpoint, freshNote, isBackfillDomain, LISTINGS, pendingIds, planStart, resumeNote,
  type BackfillDomain, type BackfillOutcome as Outcome, type BackfillWindow, type StoredCheckpoint,
} from './backfill-checkpoint.ts';
import { BackfillCheckpointStore, type CheckpointRedis } from './backfill-checkpoint-store.ts';
import { listRecordings, type ListingStart } from './backfill-listing.ts';
import { progressLine, summary, type Tally } from './backfill-report.ts';
import { write, type Command, type CommandContext } from './command.ts';
import { parseDateArg } from './date-arg.ts';
import { formatUtc } from './failed-format.ts';
import { createProgress, createRateMeter, type Progress } from './progress.ts';

/**
 * `ringsense-sync backfill --since <date> [--until <date>] [--domain pbx|rcv] [--dry-run]`: every recording of the
 * window, its RingSense insights fetched and queued (source `backfill`). pbx lists the recorded calls of the account
 * call log; rcv the meetings of the account's RingCentral Video meeting history, where a meeting without insights is
 * looked up (meeting history) to tell an unrecorded meeting (skipped: `not recorded`) from one not analysed. Job ids
 * are deterministic, so a recording already queued or synced is counted as such and not queued twice; re-running is
 * safe. A checkpoint in Redis (backfill-checkpoint.ts) lets a killed run go on where it stopped. Call-log pages are
 * paced to the Heavy rate group, meeting-history pages and insights to the Light one, by one PacedRequests (its
 * X-Rate-Limit-* headers and 429 Retry-After). Listing: backfill-listing.ts; output: backfill-report.ts.
 * Exit codes: 0 done, 1 RingCentral or Redis failed (the counts so far are printed), 2 usage, 130 interrupted.
 */

const USAGE =
  'ringsense-sync backfill --since <date> [--until <date>] [--domain pbx|rcv] [--restart] [--dry-run] [--page-size <n>]\n' +
  '  <date>: 2024-06-01 (a whole day: --until includes it) or 2024-06-01T09:30 (UTC unless a zone is given, e.g. Z or +02:00); --until defaults to now\n' +
  '  A run keeps a checkpoint in Redis (30 days): run the same command again (same --since, --until and --domain) and a killed or interrupted run goes on where it stopped; --restart deletes it and starts over.\n' +
  '  --dry-run queues nothing and reads and writes no checkpoint.\n' +
  '  --domain: pbx (the default): the recorded calls of the call log (RingEX phone); rcv: the meetings that started in the window, from the account\'s RingCentral Video meeting history (a meeting nobody recorded is skipped, counted as not recorded). The other domains have no API that lists recordings.\n' +
  '  --page-size: listing page size: pbx call log 1..1000 (default 1000), rcv meeting history 10..100 (default 100); smaller only for tests';

interface Run {
  readonly ctx: CommandContext;
  readonly queue: Queue;
  readonly paced: PacedRequests;
  readonly window: BackfillWindow;
  readonly perPage: number;
  readonly dryRun: boolean;
  readonly domain: BackfillDomain;
  /** The domains synced (config.domains). */
  readonly domains: readonly AceDomain[];
  readonly progress: Progress;
  readonly tally: Tally;
  /** None on a dry run. */
  readonly store: BackfillCheckpointStore | undefined;
}

/** Where a run starts: nothing yet, or what a resumed checkpoint holds. */
interface Start extends ListingStart {
  readonly settled: ReadonlyMap<string, Outcome>;
}
const FROM_SCRATCH: Start = { ids: [], settled: new Map(), nextPage: 1, nextPageToken: undefined, listed: false };

/** A job already stored under this id: what it means for the admin. */
async function existing(queue: Queue, jobId: string): Promise<Outcome | undefined> {
  const job = await queue.getJob(jobId);
  const state = job ? await job.getState() : 'unknown';
  if (state === 'unknown') return undefined;
  return state === 'completed' ? 'already_synced' : state === 'failed' ? 'in_failed_set' : 'already_queued';
}

async function settle(run: Run, insights: unknown): Promise<Outcome> {
  const parsed = parseInsightsBody(insights, run.domains);
  if (run.dryRun) {
    if (!parsed.ok) return 'invalid';
    return (await existing(run.queue, callJobId(parsed.value.sourceRecordId, parsed.value.lastModifiedTime))) ?? 'queued';
  }
  const r = await enqueueInsights(run.queue, insights, 'backfill', silentLogger(), { domains: run.domains });
  if (r.rejection) return 'invalid';
  if (r.status === 'enqueued') return 'queued';
  return (await existing(run.queue, r.jobId)) ?? 'already_queued';
}

/** One recording's insights fetched and settled. No insights (404): for rcv, a meeting that kept no recording is not recorded (skipped), as catch-up decides; else not analysed. */
async function fetchAndSettle(run: Run, id: string, onRateWait: (ms: number) => void): Promise<Outcome> {
  const insights = await run.paced.get('light', recordInsightsPath(run.domain, id), undefined, { absentOk: true, onRateWait });
  if (insights !== undefined) return settle(run, insights);
  if (run.domain === 'rcv' && !meetingWasRecorded(await run.paced.get('light', meetingHistoryPath(id), undefined, { absentOk: true, onRateWait }))) return 'not_recorded';
  return 'not_analysed';
}

async function backfill(run: Run, start: Start): Promise<{ pages: number }> {
  const { tally, progress } = run;
  const onRateWait = (ms: number): void => {
    tally.rateLimitedMs += ms;
    if (ms >= 5000) progress.note(`Waiting ${Math.ceil(ms / 1000)} s for RingCentral's rate limit...`);
  };
  const { ids, pages } = await listRecordings(run, start, onRateWait);
  tally.total = ids.length;
  tally.done = tally.doneBefore = ids.filter((id) => start.settled.has(id)).length;
  Object.assign(tally.counts, countOutcomes(start.settled));
  tally.notAnalysed.push(...ids.filter((id) => start.settled.get(id) === 'not_analysed'));
  if (tally.doneBefore) progress.note(`resuming: ${tally.doneBefore} of ${tally.total} done before`);
  const meter = createRateMeter();
  progress.update(progressLine(run, meter.perMinute()));
  for (const id of pendingIds(ids, start.settled)) {
    const outcome = await fetchAndSettle(run, id, onRateWait);
    if (outcome === 'not_analysed') tally.notAnalysed.push(id);
    await run.store?.settled(id, outcome);
    tally.counts[outcome] += 1;
    tally.done += 1;
    meter.tick();
    progress.update(progressLine(run, meter.perMinute()));
  }
  await run.store?.finish();
  return { pages };
}

interface Options {
  readonly window: BackfillWindow;
  readonly perPage: number;
  readonly dryRun: boolean;
  readonly restart: boolean;
  readonly domain: BackfillDomain;
  readonly domains: readonly AceDomain[];
}

/** Resumes the window's unfinished checkpoint or starts a new one; says which. A resumed run keeps its window end and page size. */
async function openCheckpoint(ctx: CommandContext, store: BackfillCheckpointStore, o: Options): Promise<{ window: BackfillWindow; perPage: number; start: Start }> {
  const decision = planStart(await store.load(o.domain), { restart: o.restart });
  if (decision.kind === 'resume') {
    const s: StoredCheckpoint = decision.stored;
    const c = s.checkpoint;
    write(ctx.out, resumeNote(s, (ms) => formatUtc(ms, { seconds: true })));
    if (c.perPage !== o.perPage) write(ctx.out, `Its pages were read ${c.perPage} ${o.domain === 'rcv' ? 'meetings' : 'calls'} a page: going on with that page size.`);
    const start: Start = { ids: s.ids, settled: s.settled, nextPage: c.nextPage, nextPageToken: c.nextPageToken, listed: c.listed };
    return { window: { from: c.from, to: c.to, openEnded: o.window.openEnded }, perPage: c.perPage, start };
  }
  const note = freshNote(decision, (ms) => formatUtc(ms, { seconds: true }));
  if (note) write(ctx.out, note);
  await store.begin(freshCheckpoint(o.domain, o.window, o.perPage, Date.now()));
  return { window: o.window, perPage: o.perPage, start: FROM_SCRATCH };
}

async function runBackfill(ctx: CommandContext, queue: Queue, redis: CheckpointRedis, prefix: string, platform: Platform, o: Options): Promise<number> {
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  const tally: Tally = { total: 0, done: 0, doneBefore: 0, counts: countOutcomes(new Map()), notAnalysed: [], rateLimitedMs: 0 };
  const progress = createProgress(ctx.out);
  const paced = new PacedRequests({ platform, logger: silentLogger(), eventPrefix: 'backfill', signal: abort.signal });
  const store = o.dryRun ? undefined : new BackfillCheckpointStore(redis, checkpointKey(prefix, o.domain, o.window));
  const opened = store ? await openCheckpoint(ctx, store, o) : { window: o.window, perPage: o.perPage, start: FROM_SCRATCH };
  const run: Run = { ctx, queue, paced, window: opened.window, perPage: opened.perPage, dryRun: o.dryRun, domain: o.domain, domains: o.domains, progress, tally, store };
  const { from, to } = run.window;
  const what = o.domain === 'rcv' ? 'meeting history' : 'call log';
  const which = o.domain === 'rcv' ? 'meetings that started in the window' : 'recorded calls';
  write(ctx.out, `${o.dryRun ? 'Dry run (no checkpoint read or written): reading' : 'Reading'} the ${what} from ${formatUtc(from)} to ${formatUtc(to)} (${which})...`);
  try {
    const { pages } = await backfill(run, opened.start);
    progress.end();
    write(ctx.out, summary(run, pages).join('\n'));
    if (store) write(ctx.out, `Done: the checkpoint of this window is marked finished (kept 30 days; running the same window again checks every recording again).`);
    return 0;
  } catch (e) {
    progress.end();
    write(ctx.out, summary(run, undefined).join('\n'));
    const again = store ? 'Run the same command again to resume from the checkpoint (--restart to start over).' : 'Run it again to start over (a dry run keeps no checkpoint).';
    if (abort.signal.aborted) {
      write(ctx.err, `Interrupted after ${tally.done} of ${tally.total} ${LISTINGS[o.domain].item}s. ${again}`);
      return 130;
    }
    const code = ringCentralProblem(ctx, 'Reading RingCentral', e);
    write(ctx.err, again);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** Why `--domain` cannot be backfilled, or undefined for a domain whose recordings RingCentral lists (pbx: the call log; rcv: the meeting history). */
export function backfillDomainProblem(raw: string): string | undefined {
  if (!isAceDomain(raw)) return `--domain ${raw}: unknown domain (ACE's domains are ${ACE_DOMAINS.join(', ')}); only pbx and rcv can be backfilled.`;
  if (isBackfillDomain(raw)) return undefined;
  return `--domain ${raw} (${DOMAIN_NAMES[raw]}) cannot be backfilled: backfill finds recordings in the call log, which lists only pbx (RingEX phone) recordings, and RingCentral has no API that lists ${raw} recordings (only its events deliver them).`;
}

export const backfillCommand: Command = {
  name: 'backfill',
  summary: 'Queue every recorded call (pbx: call log) or meeting (rcv: meeting history) of a past window (insights fetched per recording; resumable, safe to re-run)',
  usage: USAGE,
  async run(ctx) {
    const { values } = parseArgs({
      args: [...ctx.args],
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        domain: { type: 'string', default: 'pbx' },
        restart: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        'page-size': { type: 'string' },
      },
      allowPositionals: false,
    });
    const usage = (message: string): number => {
      write(ctx.err, `${message}\nUsage: ${USAGE}`);
      return 2;
    };
    if (values.since === undefined) return usage('--since is required (an ISO date such as 2024-06-01, or a date-time; UTC unless a zone is given).');
    const since = parseDateArg(values.since, 'since');
    if (!since.ok) return usage(since.message);
    const until = values.until === undefined ? { ok: true as const, ms: Date.now() } : parseDateArg(values.until, 'until');
    if (!until.ok) return usage(until.message);
    if (since.ms >= until.ms) {
      const dayEnd = values.until !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(values.until.trim()) ? ', the end of that day' : '';
      const what = values.until === undefined ? `now (${formatUtc(until.ms)})` : `--until ${values.until} (${formatUtc(until.ms)}${dayEnd})`;
      return usage(`--since ${values.since} (${formatUtc(since.ms)}) is not before ${what}: the window is empty.`);
    }
    const domainProblem = backfillDomainProblem(values.domain);
    if (domainProblem) return usage(domainProblem);
    const domain = values.domain as BackfillDomain;
    const { min, max } = LISTINGS[domain].pageSize;
    const perPage = values['page-size'] === undefined ? max : Number(values['page-size']);
    if (!Number.isInteger(perPage) || perPage < min || perPage > max) return usage(`--page-size ${values['page-size']}: a whole number from ${min} to ${max} (the ${domain} ${LISTINGS[domain].name}'s page size bounds).`);
    if (values.restart && values['dry-run']) return usage('--restart with --dry-run: a dry run reads and writes no checkpoint, so there is nothing to restart.');
    const cfg = loadConfig(ctx.env, { ringcentral: true }, ctx.cwd);
    if (!cfg.domains.includes(domain)) {
      write(ctx.err, `${domain} is not among the synced domains (RINGSENSE_DOMAINS: ${cfg.domains.join(', ')}): its insights would be refused. Enable it first.`);
      return 1;
    }
    const o: Options = { window: { from: since.ms, to: until.ms, openEnded: values.until === undefined }, perPage, dryRun: values['dry-run'], restart: values.restart, domain, domains: cfg.domains };
    return withRingCentral(ctx, cfg, (rc) =>
      withAdminRedis(ctx, cfg, (redis) => withCallsQueue(ctx, cfg, (queue) => runBackfill(ctx, queue, redis, cfg.redis.prefix, rc.platform, o))),
    );
  },
};
