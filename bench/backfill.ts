/**
 * The backfill run (`--backfill N`): N recorded calls in the RingCentral simulator's call log, its rate groups
 * enforced with RingCentral's documented limits and the minute scaled down 10× (Light 50 and Heavy 10 requests per
 * 6 s, a 6 s penalty after a 429), and the product's `backfill` command run as its own process through a counting
 * proxy (counting-proxy.ts). Run 1 backfills the whole window: its insights rate against the allowed one. Run 2 is
 * killed (SIGKILL) once half the insights have been fetched and run again: the requests the resumed run repeats.
 * Run 3 is killed half-way through the call log and run again until it has read it: the pages read twice.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { CALLS_QUEUE } from '../src/queue/jobs.ts';
import type { RateLimitOptions } from '../src/simulators/ringcentral/ringcentral-simulator.ts';
import { startSimulators, type Simulators } from '../src/simulators/start-simulators.ts';
import { countByKey, startCountingProxy, type CountingProxy, type Seen } from './counting-proxy.ts';
import { workerEnv, type BenchContext } from './scenario.ts';
import { fittedRate, mostInWindow } from './stats.ts';
import { syntheticCall } from './synthetic-calls.ts';
import { ROOT } from './worker-process.ts';

/** RingCentral's limits are per minute; the bench's windows are a minute divided by this. */
export const COMPRESSION = 10;
const WINDOW_S = 60 / COMPRESSION;
const LIMITS = { Light: 50, Medium: 40, Heavy: 10, Auth: 5 } as const;
/** Requests of the Light group PacedRequests leaves to other readers in each window (catch-up-policy.ts GROUPS.light.reserve). */
export const LIGHT_RESERVE = 5;

export interface BackfillSpec {
  readonly recordings: number;
  readonly pageSize: number;
}

export interface BackfillRunFigures {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly seconds: number;
  /** Call-log pages asked for (429s left out), and from the first request to the last answer. */
  readonly callLogPages: number;
  readonly callLogSeconds: number;
  /** Insights requests answered 200 (a recording fetched) and all of them not refused (404s included). */
  readonly insightsFetched: number;
  readonly insightsRequests: number;
  /** 429 answers, any group. */
  readonly rateLimited: number;
  /** First insights request to last insights answer. */
  readonly insightsSeconds: number;
  /** Recordings fetched per window over insightsSeconds. */
  readonly perWindow: number;
  /** The same from a straight line fitted to the requests' times (stats.ts fittedRate). */
  readonly steadyPerWindow?: number;
  /** The most insights requests in any one window. */
  readonly mostInWindow: number;
}

export interface BackfillResult extends BackfillSpec {
  readonly limits: { readonly compression: number; readonly windowSeconds: number; readonly light: number; readonly heavy: number; readonly penaltySeconds: number };
  readonly lightReserve: number;
  /** The Light limit less the reserve, per window. */
  readonly allowedPerWindow: number;
  readonly full: BackfillRunFigures & { readonly queued: number };
  /** steadyPerWindow (perWindow when there is none) ÷ allowedPerWindow, and ÷ the Light limit. */
  readonly shareOfAllowed: number;
  readonly shareOfLimit: number;
  readonly resumed: {
    readonly killedAfterInsights: number;
    readonly killed: BackfillRunFigures;
    readonly again: BackfillRunFigures;
    /** What the resumed run said it found settled in the checkpoint. */
    readonly settledBefore?: number;
    readonly pagesReadTwice: number;
    readonly insightsRepeated: number;
    /** Every request (call-log or insights, 429s left out) of the second run that the first had made. */
    readonly requestsRepeated: number;
    readonly queued: number;
  };
  /** A run killed at the answer of its middle call-log page (it never got it), and the run after it. */
  readonly resumedListing: {
    readonly pages: number;
    readonly killedAtPage: number;
    /** Pages the run after it read. */
    readonly pagesAgain: number;
    readonly pagesReadTwice: number;
    readonly signals: Array<string | null>;
  };
}

function rateLimits(): RateLimitOptions {
  const group = (limit: number) => ({ limit, windowSeconds: WINDOW_S, penaltySeconds: WINDOW_S });
  return { enforce: true, groups: { Light: group(LIMITS.Light), Medium: group(LIMITS.Medium), Heavy: group(LIMITS.Heavy), Auth: group(LIMITS.Auth) } };
}

/** The call log's window of the N recordings: from the first one's start to just after the last one's. */
function window(ctx: BenchContext, n: number): { since: string; until: string } {
  const start = (i: number) => Date.parse(syntheticCall(ctx.world, ctx.seed, i).recording.callLog!.startTime!);
  return { since: new Date(start(0)).toISOString(), until: new Date(start(n - 1) + 1000).toISOString() };
}

async function startWorld(ctx: BenchContext, n: number): Promise<{ sims: Simulators; proxy: CountingProxy }> {
  const sims = await startSimulators({ seed: { ringcentral: { extensions: [...ctx.world.extensions] }, salesforce: ctx.world.salesforce } });
  for (let i = 0; i < n; i++) {
    // The insights served are the whole notification body (transcript and all), as RingSense answers them.
    const c = syntheticCall(ctx.world, ctx.seed, i);
    sims.rc.addRecording({ insights: c.notification.body, ...(c.recording.callLog ? { callLog: c.recording.callLog } : {}) });
  }
  sims.rc.configureRateLimits(rateLimits());
  try {
    return { sims, proxy: await startCountingProxy(sims.rc.url) };
  } catch (e) {
    await sims.stop();
    throw e;
  }
}

interface Cli {
  readonly done: Promise<{ code: number | null; signal: string | null; out: string }>;
  kill(): void;
}

function runCli(ctx: BenchContext, env: Record<string, string>, args: string[]): Cli {
  const entry = join(ROOT, ctx.entry, 'cli', ctx.entry === 'dist' ? 'main.js' : 'main.ts');
  const child = spawn(process.execPath, [entry, ...args], { cwd: ROOT, env: { ...process.env, LOG_FORMAT: 'json', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-64 * 1024));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const timer = setTimeout(() => child.kill('SIGKILL'), ctx.timeoutSeconds * 1000);
  const done = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out });
    }),
  );
  return { done, kill: () => child.kill('SIGKILL') };
}

function figures(seen: readonly Seen[], exit: { code: number | null; signal: string | null }, seconds: number): BackfillRunFigures {
  const W = WINDOW_S * 1000;
  const pages = seen.filter((s) => s.kind === 'call-log' && s.status !== 429);
  const insights = seen.filter((s) => s.kind === 'insights' && s.status !== 429);
  const fetched = insights.filter((s) => s.status === 200);
  const span = (xs: readonly Seen[]) => (xs.length ? (Math.max(...xs.map((s) => s.answeredAt ?? s.at)) - Math.min(...xs.map((s) => s.at))) / 1000 : 0);
  const insightsSeconds = span(insights);
  const steady = fittedRate(insights.map((s) => s.at), W);
  return {
    exitCode: exit.code,
    signal: exit.signal,
    seconds,
    callLogPages: pages.length,
    callLogSeconds: span(pages),
    insightsFetched: fetched.length,
    insightsRequests: insights.length,
    rateLimited: seen.filter((s) => s.status === 429).length,
    insightsSeconds,
    perWindow: insightsSeconds > 0 ? fetched.length / (insightsSeconds / WINDOW_S) : 0,
    ...(steady === undefined ? {} : { steadyPerWindow: steady }),
    mostInWindow: mostInWindow(insights.map((s) => s.at), W),
  };
}

/** Kills the CLI (SIGKILL) at the answer it says yes to, before the CLI gets that answer. */
type KillWhen = (s: Seen) => boolean;

/** The `n`th answer of `kind` with status 200. */
function nthAnswer(kind: Seen['kind'], n: number): KillWhen {
  let seen = 0;
  return (s) => s.kind === kind && s.status === 200 && ++seen === n;
}

/** One backfill process through the proxy, its requests noted from a clean slate; with `killWhen`, killed. */
async function backfillOnce(ctx: BenchContext, w: { sims: Simulators; proxy: CountingProxy }, prefix: string, args: string[], killWhen?: KillWhen) {
  w.proxy.seen.length = 0;
  const env = { ...workerEnv(ctx, w.sims, prefix, 'optimized'), RINGCENTRAL_SERVER_URL: w.proxy.url };
  const t0 = Date.now();
  const cli = runCli(ctx, env, args);
  w.proxy.onAnswer = (s) => {
    if (killWhen?.(s)) cli.kill();
  };
  const exit = await cli.done;
  w.proxy.onAnswer = () => undefined;
  const seen = [...w.proxy.seen];
  const expected = killWhen === undefined ? exit.code === 0 : exit.signal === 'SIGKILL';
  if (!expected) process.stderr.write(`backfill ${killWhen === undefined ? 'run' : 'killed run'} ended with ${exit.signal ?? `exit code ${exit.code}`}; its last lines:\n${exit.out.split('\n').slice(-15).join('\n')}\n`);
  return { seen, exit, out: exit.out, figures: figures(seen, exit, (Date.now() - t0) / 1000) };
}

async function queuedJobs(ctx: BenchContext, prefix: string): Promise<number> {
  const queue = new Queue(CALLS_QUEUE, { connection: ctx.redis, prefix });
  try {
    const c = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed');
    return Object.values(c).reduce((a, b) => a + b, 0);
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    const keys = await ctx.redis.keys(`${prefix}:*`);
    if (keys.length) await ctx.redis.del(...keys);
  }
}

/** The call-log pages both runs asked for. */
function pagesInBoth(first: readonly Seen[], second: readonly Seen[]): number {
  const again = countByKey(second, 'call-log');
  return [...countByKey(first, 'call-log').keys()].filter((k) => again.has(k)).length;
}

/** The requests of `kind` in `second` for a key `first` had asked for already. */
function repeatedIn(first: readonly Seen[], second: readonly Seen[], kind: 'call-log' | 'insights'): number {
  const before = countByKey(first, kind);
  return [...countByKey(second, kind)].reduce((a, [k, n]) => a + (before.has(k) ? n : 0), 0);
}

export async function runBackfill(spec: BackfillSpec, ctx: BenchContext, log: (line: string) => void): Promise<BackfillResult> {
  const { since, until } = window(ctx, spec.recordings);
  const args = ['backfill', '--since', since, '--until', until, '--page-size', String(spec.pageSize)];

  let w = await startWorld(ctx, spec.recordings);
  let full: Awaited<ReturnType<typeof backfillOnce>>;
  let fullQueued: number;
  try {
    const prefix = `benchbf${randomUUID().slice(0, 8)}`;
    full = await backfillOnce(ctx, w, prefix, args);
    fullQueued = await queuedJobs(ctx, prefix);
  } finally {
    await w.proxy.stop();
    await w.sims.stop();
  }
  log(`    whole window: ${full.figures.insightsFetched} recordings in ${Math.round(full.figures.insightsSeconds)} s, ${Math.round(full.figures.steadyPerWindow ?? full.figures.perWindow)} per ${WINDOW_S} s window, ${full.figures.rateLimited} × 429`);

  const half = Math.ceil(spec.recordings / 2);
  w = await startWorld(ctx, spec.recordings);
  try {
    const prefix = `benchbf${randomUUID().slice(0, 8)}`;
    const killed = await backfillOnce(ctx, w, prefix, args, nthAnswer('insights', half));
    const again = await backfillOnce(ctx, w, prefix, args);
    const pagesTwice = pagesInBoth(killed.seen, again.seen);
    const insightsRepeated = repeatedIn(killed.seen, again.seen, 'insights');
    const settled = /resuming: (\d+) of \d+ done before/.exec(again.out)?.[1];
    const queued = await queuedJobs(ctx, prefix);
    log(`    killed after ${half} insights, resumed: ${pagesTwice} page(s) read twice, ${insightsRepeated} insights request(s) repeated, ${queued}/${spec.recordings} queued`);

    // Killed at the answer of its middle call-log page; the run after it is stopped at its first insights answer
    // (its call-log pages are what counts here).
    const pages = Math.ceil(spec.recordings / spec.pageSize);
    const killedAtPage = Math.ceil(pages / 2);
    const listPrefix = `benchbf${randomUUID().slice(0, 8)}`;
    const inList = await backfillOnce(ctx, w, listPrefix, args, nthAnswer('call-log', killedAtPage));
    const listAgain = await backfillOnce(ctx, w, listPrefix, args, nthAnswer('insights', 1));
    await queuedJobs(ctx, listPrefix);
    const listing = { pages, killedAtPage, pagesAgain: listAgain.figures.callLogPages, pagesReadTwice: pagesInBoth(inList.seen, listAgain.seen), signals: [inList.exit.signal, listAgain.exit.signal] };
    log(`    killed at call-log page ${killedAtPage} of ${pages}, resumed: ${listing.pagesReadTwice} page(s) read twice`);
    const effective = full.figures.steadyPerWindow ?? full.figures.perWindow;
    const allowed = LIMITS.Light - LIGHT_RESERVE;
    return {
      ...spec,
      limits: { compression: COMPRESSION, windowSeconds: WINDOW_S, light: LIMITS.Light, heavy: LIMITS.Heavy, penaltySeconds: WINDOW_S },
      lightReserve: LIGHT_RESERVE,
      allowedPerWindow: allowed,
      full: { ...full.figures, queued: fullQueued },
      shareOfAllowed: effective / allowed,
      shareOfLimit: effective / LIMITS.Light,
      resumed: {
        killedAfterInsights: half,
        killed: killed.figures,
        again: again.figures,
        ...(settled === undefined ? {} : { settledBefore: Number(settled) }),
        pagesReadTwice: pagesTwice,
        insightsRepeated,
        requestsRepeated: repeatedIn(killed.seen, again.seen, 'call-log') + insightsRepeated,
        queued,
      },
      resumedListing: listing,
    };
  } finally {
    await w.proxy.stop();
    await w.sims.stop();
  }
}
