import type { AceDomain } from '../calls/domains.ts';
import { parseArgs } from 'node:util';
import type { Queue } from 'bullmq';
import { loadConfig } from '../config/load-config.ts';
import { silentLogger } from '../lib/logger.ts';
import { callJobId } from '../queue/jobs.ts';
import { enqueueInsights } from '../queue/producer.ts';
import { parseInsightsBody } from '../ringcentral/insights-event.schema.ts';
import { recordInsightsPath } from '../ringcentral/domain-paths.ts';
import { PacedRequests, recordedCallPages } from '../ringcentral/paced-requests.ts';
import type { Platform } from '../ringcentral/sdk.ts';
import { ringCentralProblem, withCallsQueue, withRingCentral } from './admin-queue.ts';
import { write, type Command, type CommandContext } from './command.ts';
import { parseDateArg } from './date-arg.ts';
import { formatUtc, table } from './failed-format.ts';
import { createProgress, progressBar, type Progress } from './progress.ts';

/**
 * `ringsense-sync backfill --since <date> [--until <date>] [--dry-run]`: every recorded call of the window from
 * the account call log, its RingSense insights fetched and queued (source `backfill`). Job ids are deterministic,
 * so a recording already queued or synced is counted as such and not queued twice; re-running is safe.
 * Exit codes: 0 done, 1 RingCentral or Redis failed (the counts so far are printed), 2 usage, 130 interrupted.
 */

const USAGE =
  'ringsense-sync backfill --since <date> [--until <date>] [--dry-run]\n' +
  '  <date>: 2024-06-01 (a whole day: --until includes it) or 2024-06-01T09:30 (UTC unless a zone is given, e.g. Z or +02:00); --until defaults to now';
const OUTCOMES = ['queued', 'already_queued', 'already_synced', 'in_failed_set', 'not_analysed', 'invalid'] as const;
type Outcome = (typeof OUTCOMES)[number];

interface Tally {
  total: number;
  done: number;
  readonly counts: Record<Outcome, number>;
  readonly notAnalysed: string[];
  rateLimitedMs: number;
}

interface Run {
  readonly ctx: CommandContext;
  readonly queue: Queue;
  readonly paced: PacedRequests;
  readonly window: { readonly from: number; readonly to: number };
  readonly dryRun: boolean;
  /** The domains synced (config.domains). */
  readonly domains: readonly AceDomain[];
  readonly progress: Progress;
  readonly tally: Tally;
}

const LABELS: Record<Outcome, string> = {
  queued: 'queued',
  already_queued: 'already queued',
  already_synced: 'already synced',
  in_failed_set: 'in the failed set',
  not_analysed: 'not analysed',
  invalid: 'invalid',
};
const label = (o: Outcome, dryRun: boolean): string => (dryRun && o === 'queued' ? 'to queue' : LABELS[o]);

function progressLine(t: Tally, dryRun: boolean): string {
  const always: Outcome[] = ['queued', 'already_synced', 'not_analysed'];
  const parts = OUTCOMES.filter((o) => always.includes(o) || t.counts[o] > 0).map((o) => `${t.counts[o]} ${label(o, dryRun)}`);
  return `${progressBar(t.done, t.total)} ${t.done}/${t.total} recordings, ${parts.join(', ')}`;
}

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

/** The recording ids of the window, every call-log page read first (so the total is known). */
async function listRecordings(run: Run, onRateWait: (ms: number) => void): Promise<{ ids: string[]; pages: number }> {
  const seen = new Set<string>();
  let pages = 0;
  for await (const ids of recordedCallPages(run.paced, { ...run.window, perPage: 1000, onRateWait })) {
    pages += 1;
    for (const id of ids) seen.add(id);
    run.progress.update(`Reading the call log: page ${pages}, ${seen.size} recordings so far`);
  }
  return { ids: [...seen], pages };
}

async function backfill(run: Run): Promise<{ pages: number }> {
  const { tally, progress } = run;
  const onRateWait = (ms: number): void => {
    tally.rateLimitedMs += ms;
    if (ms >= 5000) progress.note(`Waiting ${Math.ceil(ms / 1000)} s for RingCentral's rate limit...`);
  };
  const { ids, pages } = await listRecordings(run, onRateWait);
  tally.total = ids.length;
  progress.update(progressLine(tally, run.dryRun));
  for (const id of ids) {
    const insights = await run.paced.get('light', recordInsightsPath('pbx', id), undefined, { absentOk: true, onRateWait });
    let outcome: Outcome;
    if (insights === undefined) {
      outcome = 'not_analysed';
      tally.notAnalysed.push(id);
    } else outcome = await settle(run, insights);
    tally.counts[outcome] += 1;
    tally.done += 1;
    progress.update(progressLine(tally, run.dryRun));
  }
  return { pages };
}

function summary(run: Run, pages: number | undefined): string[] {
  const { tally: t, dryRun, window } = run;
  const head = `${dryRun ? 'Dry run (nothing queued): ' : ''}${formatUtc(window.from)} to ${formatUtc(window.to)}: ${t.total} recording${t.total === 1 ? '' : 's'} in the call log${pages === undefined ? '' : ` (${pages} page${pages === 1 ? '' : 's'})`}.`;
  const rows = OUTCOMES.map((o) => [`  ${label(o, dryRun)}`, String(t.counts[o])]);
  const lines = [head, ...table(rows)];
  if (t.notAnalysed.length) {
    const shown = t.notAnalysed.slice(0, 50).join(', ');
    const more = t.notAnalysed.length > 50 ? ` and ${t.notAnalysed.length - 50} more` : '';
    lines.push(`Not analysed (no RingSense insights: not analysed yet, or the user has no RingSense licence): ${shown}${more}`);
  }
  if (t.counts.in_failed_set) lines.push('Some are in the failed set: see `ringsense-sync failed list`.');
  if (t.counts.invalid && !dryRun) lines.push('RingSense returned invalid insights for some: they were queued to land in the failed set (see `ringsense-sync failed list`).');
  if (t.rateLimitedMs) lines.push(`Waited ${Math.ceil(t.rateLimitedMs / 1000)} s for RingCentral rate limits.`);
  if (!dryRun && t.counts.queued) lines.push('A running worker (ringsense-sync start / work) writes the queued calls to Salesforce.');
  return lines;
}

async function runBackfill(ctx: CommandContext, queue: Queue, platform: Platform, window: Run['window'], dryRun: boolean, domains: readonly AceDomain[]): Promise<number> {
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.once('SIGINT', onSignal);
  const tally: Tally = { total: 0, done: 0, counts: { queued: 0, already_queued: 0, already_synced: 0, in_failed_set: 0, not_analysed: 0, invalid: 0 }, notAnalysed: [], rateLimitedMs: 0 };
  const progress = createProgress(ctx.out);
  const paced = new PacedRequests({ platform, logger: silentLogger(), eventPrefix: 'backfill', signal: abort.signal });
  const run: Run = { ctx, queue, paced, window, dryRun, domains, progress, tally };
  write(ctx.out, `${dryRun ? 'Dry run: reading' : 'Reading'} the call log from ${formatUtc(window.from)} to ${formatUtc(window.to)} (recorded calls)...`);
  try {
    const { pages } = await backfill(run);
    progress.end();
    write(ctx.out, summary(run, pages).join('\n'));
    return 0;
  } catch (e) {
    progress.end();
    write(ctx.out, summary(run, undefined).join('\n'));
    if (abort.signal.aborted) {
      write(ctx.err, `Interrupted after ${tally.done} of ${tally.total} recordings. Run the same command again to go on (what is queued is skipped).`);
      return 130;
    }
    return ringCentralProblem(ctx, 'Reading RingCentral', e);
  } finally {
    process.off('SIGINT', onSignal);
  }
}

export const backfillCommand: Command = {
  name: 'backfill',
  summary: 'Queue every recorded call of a past window from the call log (insights fetched per recording; safe to re-run)',
  usage: USAGE,
  async run(ctx) {
    const { values } = parseArgs({
      args: [...ctx.args],
      options: { since: { type: 'string' }, until: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
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
    const cfg = loadConfig(ctx.env, { ringcentral: true }, ctx.cwd);
    return withRingCentral(ctx, cfg, (rc) => withCallsQueue(ctx, cfg, (queue) => runBackfill(ctx, queue, rc.platform, { from: since.ms, to: until.ms }, values['dry-run'], cfg.domains)));
  },
};
