/**
 * One measured run: fresh simulators seeded with the world, a fresh queue prefix in the private Redis, the
 * workers as separate processes, the calls enqueued, and what the processes, BullMQ and the simulators report.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CALLS_QUEUE } from '../src/queue/jobs.ts';
import { startSimulators, type Simulators } from '../src/simulators/start-simulators.ts';
import { callKey } from '../src/sync/call-key.ts';
import { enqueueBacklog, enqueuePaced, jobTimings, redisUsedMemory, type Sent } from './drive.ts';
import { cpuSeconds } from './proc-stats.ts';
import { byClass, delta, perCall, percentiles, sum, type Percentiles } from './stats.ts';
import { syntheticCall } from './synthetic-calls.ts';
import type { World } from './synthetic-org.ts';
import { WorkerProcess, type Mode } from './worker-process.ts';

export type ScenarioKind = 'backlog' | 'paced' | 'memory';

export interface ScenarioSpec {
  readonly kind: ScenarioKind;
  readonly mode: Mode;
  /** Latency the Salesforce simulator adds to every API request. */
  readonly sfLatencyMs: number;
  readonly workers: number;
  readonly calls: number;
  /** Calls per second for `paced`. */
  readonly rate?: number;
  /** `memory`: how long the worker runs on the queued calls at most. */
  readonly maxSeconds?: number;
}

export interface BenchContext {
  readonly redis: Redis;
  readonly redisUrl: string;
  readonly world: World;
  readonly seed: number;
  readonly mappingFile: string;
  /** The `full` mode's mapping (mapped Task fields, Opportunity next step). */
  readonly fullMappingFile: string;
  readonly concurrency: number;
  readonly timeoutSeconds: number;
  /** The private redis-server's pid, to charge its CPU to the run. */
  readonly redisPid?: number;
  /** Where the product's worker runs from: the compiled build or the sources. */
  readonly entry: 'dist' | 'src';
  /** NODE_OPTIONS for the worker processes (e.g. a heap cap). */
  readonly workerNodeOptions?: string;
}

export interface RequestFigures {
  readonly total: number;
  readonly perCall: number;
  readonly byKindPerCall: Record<string, number>;
  readonly byClassPerCall?: Record<string, number>;
}

export interface ScenarioResult extends ScenarioSpec {
  readonly sent: number;
  readonly completed: number;
  readonly failed: number;
  readonly failedReasons: Record<string, number>;
  readonly timedOut: boolean;
  /** How long the producer took to enqueue every call (a backlog forms when this is shorter than the processing). */
  readonly enqueueSeconds: number;
  readonly wallSeconds: number;
  readonly callsPerSecond: number;
  /**
   * A backlog's rate once under way: the middle 80 % of its calls (10th to 90th finished) over the time between
   * them, leaving out the start (cold caches, code not yet optimised) and the last stragglers.
   */
  readonly steadyCallsPerSecond?: number;
  readonly workerCpuSeconds: number;
  readonly cpuSecondsPerCall: number;
  /** The bench process (simulators, producer) over the same window: context, not the worker's cost. */
  readonly driverCpuSeconds: number;
  readonly redisCpuSeconds: number;
  readonly latencyMs: Percentiles;
  readonly latenciesMs: number[];
  readonly salesforce: RequestFigures & { readonly tokenRequests: number; readonly warmPerCall?: number; readonly warmByClassPerCall?: Record<string, number> };
  readonly ringcentral: RequestFigures;
  readonly workerStartRssMb: number;
  readonly workerPeakRssMb: number;
  readonly workerPeakRssSumMb: number;
  /** memory run: before/after enqueuing; other runs: before enqueuing and after every call is done (what stays). */
  readonly redis?: { readonly usedBeforeBytes: number; readonly usedAfterBytes: number; readonly bytesPerQueuedCall?: number; readonly bytesRetainedPerCall?: number; readonly meanEventBytes: number };
  readonly records?: { readonly callTasks: number; readonly followUps: number; readonly expectedFollowUps: number; readonly duplicates: number; readonly missingCalls: number };
}

/** The environment of a product process (the worker; the backfill CLI too) pointed at `sims` and the private Redis. */
export function workerEnv(ctx: BenchContext, sims: Simulators, prefix: string, mode: ScenarioSpec['mode']): Record<string, string> {
  return {
    ...sims.env,
    REDIS_URL: ctx.redisUrl,
    QUEUE_PREFIX: prefix,
    MAPPING_FILE: mode === 'full' ? ctx.fullMappingFile : ctx.mappingFile,
    WORKER_CONCURRENCY: String(ctx.concurrency),
    LOG_LEVEL: 'info',
    ...(ctx.workerNodeOptions ? { NODE_OPTIONS: ctx.workerNodeOptions } : {}),
    SHUTDOWN_TIMEOUT_MS: '5000',
    HTTP_PORT: '0',
  };
}

/** Counts each call's Tasks in the simulated org: one call activity and each follow-up once, nothing twice. */
function tally(sims: Simulators, sent: readonly Sent[]): NonNullable<ScenarioResult['records']> {
  const byKey = new Map<string, number>();
  for (const t of sims.sf.records('Task')) {
    const key = t.CallObject;
    if (typeof key === 'string') byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }
  let callTasks = 0;
  let followUps = 0;
  let expectedFollowUps = 0;
  let duplicates = 0;
  let missingCalls = 0;
  const stepsOf = new Map<string, number>();
  for (const [key, n] of byKey) {
    duplicates += n - 1;
    const m = /^(ringsense:.+):step:/.exec(key);
    if (m) stepsOf.set(m[1]!, (stepsOf.get(m[1]!) ?? 0) + 1);
  }
  for (const s of sent) {
    const key = callKey(s.sourceRecordId);
    if (byKey.has(key)) callTasks++;
    else missingCalls++;
    followUps += stepsOf.get(key) ?? 0;
    expectedFollowUps += s.nextSteps;
  }
  return { callTasks, followUps, expectedFollowUps, duplicates, missingCalls };
}

async function settle(queue: Queue, n: number, deadline: number, onProgress: (finished: number) => void, signal?: AbortSignal): Promise<boolean> {
  for (;;) {
    if (signal?.aborted) return false;
    const c = await queue.getJobCounts('completed', 'failed');
    const finished = (c.completed ?? 0) + (c.failed ?? 0);
    onProgress(finished);
    if (finished >= n) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** ScenarioResult.steadyCallsPerSecond from the jobs' finish times; nothing when too few finished to tell. */
function steadyRate(finishedOn: number[]): { steadyCallsPerSecond?: number } {
  if (finishedOn.length < 20) return {};
  const t = [...finishedOn].sort((a, b) => a - b);
  const i10 = Math.floor(0.1 * (t.length - 1));
  const i90 = Math.floor(0.9 * (t.length - 1));
  const seconds = (t[i90]! - t[i10]!) / 1000;
  return seconds > 0 ? { steadyCallsPerSecond: (i90 - i10) / seconds } : {};
}

/** The simulated org's daily API allocation in the bench: more than any run uses. */
const BENCH_API_LIMIT = 100_000_000;

export async function runScenario(spec: ScenarioSpec, ctx: BenchContext): Promise<ScenarioResult> {
  const callAt = (i: number) => syntheticCall(ctx.world, ctx.seed, i);
  // The org's daily allocation is set out of reach: a run measures speed, and the allocation each mode would use is
  // its requests per call (the naive mode spends a Developer Edition's 15,000 in about 1,400 calls).
  const sims = await startSimulators({ seed: { ringcentral: { extensions: [...ctx.world.extensions] }, salesforce: ctx.world.salesforce }, sfApiLimit: BENCH_API_LIMIT });
  const prefix = `bench${randomUUID().slice(0, 8)}`;
  const queue = new Queue(CALLS_QUEUE, { connection: ctx.redis, prefix });
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < spec.calls; i++) sims.rc.addRecording(callAt(i).recording);
    sims.sf.setLatency(spec.sfLatencyMs);

    let sent: Sent[] = [];
    let redis: ScenarioResult['redis'];
    const redisBefore = await redisUsedMemory(ctx.redis);
    let enqueueSeconds = 0;
    if (spec.kind === 'backlog') {
      // The backlog is queued before the workers start (an outage's worth of calls waiting), so the run measures
      // how fast the workers drain it, not how fast this process can enqueue.
      const q0 = Date.now();
      sent = await enqueueBacklog(queue, spec.calls, callAt, 16);
      enqueueSeconds = (Date.now() - q0) / 1000;
    }
    if (spec.kind === 'memory') {
      const before = redisBefore;
      sent = await enqueueBacklog(queue, spec.calls, callAt, 16);
      const after = await redisUsedMemory(ctx.redis);
      redis = { usedBeforeBytes: before, usedAfterBytes: after, bytesPerQueuedCall: (after - before) / spec.calls, meanEventBytes: sent.reduce((a, s) => a + s.bytes, 0) / sent.length };
    }

    const env = workerEnv(ctx, sims, prefix, spec.mode);
    // A queued backlog is held until every worker is ready: the first worker would otherwise start on it while
    // the others are still starting, and the run (timed from all of them ready) would look faster than it is.
    const held = spec.kind !== 'paced';
    if (held) await queue.pause();
    for (let w = 0; w < spec.workers; w++) workers.push(new WorkerProcess(spec.mode, env, ctx.entry));
    await Promise.all(workers.map((w) => w.ready()));
    if (held) await queue.resume();
    const startRss = Math.max(...workers.map((w) => w.memory()?.rss ?? 0));
    const redisCpu0 = ctx.redisPid ? (cpuSeconds(ctx.redisPid) ?? 0) : 0;
    const sf0 = sims.sf.counters();
    const rc0 = sims.rc.counters();
    const driver0 = process.cpuUsage();
    const t0 = Date.now();

    const limitS = spec.kind === 'memory' ? (spec.maxSeconds ?? 20) : ctx.timeoutSeconds;
    let half: { finished: number; byKind: Record<string, number> } | undefined;
    let peakSeen = 0;
    // Progress is watched while a paced run is still sending, so its second half (warm caches) is timed from
    // when half its calls were done, not from when the last one was sent.
    const stop = new AbortController();
    const settling = settle(queue, spec.calls, t0 + limitS * 1000, (finished) => {
      for (const w of workers) peakSeen = Math.max(peakSeen, w.memory()?.peak ?? 0);
      if (spec.kind === 'paced' && !half && finished >= Math.ceil(spec.calls / 2)) half = { finished, byKind: sims.sf.counters().byKind };
    }, stop.signal);
    if (spec.kind === 'paced') {
      try {
        sent = await enqueuePaced(queue, spec.calls, callAt, spec.rate ?? 20);
      } catch (e) {
        stop.abort();
        await settling.catch(() => false);
        throw e;
      }
      enqueueSeconds = (Date.now() - t0) / 1000;
    }
    const done = await settling;
    const t1 = Date.now();
    if (!done && spec.kind !== 'memory') {
      // Say why: the last lines each worker wrote.
      for (const w of workers) process.stderr.write(`${spec.mode} worker ${w.pid} did not finish in ${limitS} s; its last lines:\n${w.tail()}\n`);
    }
    const workerCpu = workers.reduce((a, w) => a + w.cpuSinceReady(), 0);
    const peaks = workers.map((w) => w.memory()?.peak ?? 0);
    const driver = process.cpuUsage(driver0);
    const redisCpu = ctx.redisPid ? (cpuSeconds(ctx.redisPid) ?? 0) - redisCpu0 : 0;
    const sf1 = sims.sf.counters();
    const rc1 = sims.rc.counters();

    const timings = spec.kind === 'memory' ? [] : await jobTimings(queue, sent.map((s) => s.jobId));
    const counts = await queue.getJobCounts('completed', 'failed');
    const completed = counts.completed ?? 0;
    const failed = counts.failed ?? 0;
    const finishedTimings = timings.filter((t) => t.finishedOn !== undefined);
    // A backlog's latency counts from when the workers were ready (the calls waited for them before that).
    const latencies = finishedTimings.filter((t) => !t.failedReason).map((t) => t.finishedOn! - Math.max(t.receivedAt, spec.kind === 'backlog' ? t0 : 0));
    const failedReasons: Record<string, number> = {};
    for (const t of finishedTimings) if (t.failedReason) failedReasons[t.failedReason.split(':')[0]!] = (failedReasons[t.failedReason.split(':')[0]!] ?? 0) + 1;
    // Throughput: from the first event received (a backlog: the workers ready) to the last job finished
    // (BullMQ's clock), or the run window.
    const first = spec.kind === 'backlog' ? t0 : Math.min(...timings.map((t) => t.receivedAt));
    const last = Math.max(...finishedTimings.map((t) => t.finishedOn!));
    const wallSeconds = finishedTimings.length > 0 ? (last - first) / 1000 : (t1 - t0) / 1000;
    const finished = completed + failed;
    if (spec.kind !== 'memory') {
      const after = await redisUsedMemory(ctx.redis);
      redis = { usedBeforeBytes: redisBefore, usedAfterBytes: after, bytesRetainedPerCall: finished > 0 ? (after - redisBefore) / finished : 0, meanEventBytes: sent.reduce((a, s) => a + s.bytes, 0) / Math.max(1, sent.length) };
    }

    const sfKinds = delta(sf0.byKind, sf1.byKind);
    const rcKinds = delta(rc0.requests, rc1.requests);
    const warm = half && finished > half.finished ? delta(half.byKind, sf1.byKind) : undefined;
    const warmCalls = half ? finished - half.finished : 0;
    return {
      ...spec,
      sent: sent.length,
      completed,
      failed,
      failedReasons,
      timedOut: !done && spec.kind !== 'memory',
      enqueueSeconds,
      wallSeconds,
      callsPerSecond: wallSeconds > 0 ? completed / wallSeconds : 0,
      ...(spec.kind === 'backlog' ? steadyRate(finishedTimings.map((t) => t.finishedOn!)) : {}),
      workerCpuSeconds: workerCpu,
      cpuSecondsPerCall: finished > 0 ? workerCpu / finished : 0,
      driverCpuSeconds: (driver.user + driver.system) / 1e6,
      redisCpuSeconds: redisCpu,
      latencyMs: percentiles(latencies),
      latenciesMs: latencies.sort((a, b) => a - b),
      salesforce: {
        total: sum(sfKinds),
        perCall: finished > 0 ? sum(sfKinds) / finished : 0,
        byKindPerCall: perCall(sfKinds, finished),
        byClassPerCall: perCall(byClass(sfKinds), finished),
        tokenRequests: sf1.tokenRequests - sf0.tokenRequests,
        ...(warm && warmCalls > 0 ? { warmPerCall: sum(warm) / warmCalls, warmByClassPerCall: perCall(byClass(warm), warmCalls) } : {}),
      },
      ringcentral: { total: sum(rcKinds), perCall: finished > 0 ? sum(rcKinds) / finished : 0, byKindPerCall: perCall(rcKinds, finished) },
      workerStartRssMb: startRss,
      workerPeakRssMb: Math.max(peakSeen, ...peaks),
      workerPeakRssSumMb: peaks.reduce((a, b) => a + b, 0),
      ...(redis ? { redis } : {}),
      ...(spec.kind === 'memory' ? {} : { records: tally(sims, sent) }),
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await sims.stop();
  }
}
