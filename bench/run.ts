/**
 * `npm run bench`: drives synthetic calls through the real pipeline (simulators, a private Redis, the worker as
 * separate processes) for the product ("optimized") and a naive baseline, side by side, and writes
 * report.json, summary.md, latency.svg and requests-per-call.svg. Figures are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { startRedisServer } from '../src/lib/local-redis.ts';
import { parseBenchArgs, USAGE, type BenchOptions } from './args.ts';
import { runBackfill, type BackfillResult } from './backfill.ts';
import { latencyChart, requestsChart } from './charts.ts';
import { renderSummary, type Report, type Workload } from './report.ts';
import { runScenario, type BenchContext, type ScenarioResult, type ScenarioSpec } from './scenario.ts';
import { round } from './stats.ts';
import { syntheticCall } from './synthetic-calls.ts';
import { buildWorld, type World } from './synthetic-org.ts';
import { ROOT } from './worker-process.ts';

function describeWorkload(world: World, seed: number, calls: number, sample: number): Workload {
  let bytes = 0;
  let maxBytes = 0;
  let returning = 0;
  let steps = 0;
  let three = 0;
  const sampled = Math.min(calls, sample);
  for (let i = 0; i < sampled; i++) {
    const c = syntheticCall(world, seed, i);
    const b = Buffer.byteLength(JSON.stringify(c.notification));
    bytes += b;
    maxBytes = Math.max(maxBytes, b);
    if (c.returning) returning++;
    steps += c.nextSteps;
    if ((c.notification.body.speakerInfo as unknown[]).length === 3) three++;
  }
  const records = world.salesforce.records ?? {};
  return {
    calls,
    sampled,
    meanEventKb: bytes / sampled / 1024,
    maxEventKb: maxBytes / 1024,
    returningShare: returning / sampled,
    meanNextSteps: steps / sampled,
    threeSpeakerShare: three / sampled,
    org: Object.fromEntries(Object.entries(records).map(([k, v]) => [k, v.length])),
    reps: world.reps.length,
  };
}

/** The runs, modes interleaved so each pair is measured under the same conditions. */
function plan(o: BenchOptions): ScenarioSpec[] {
  const specs: ScenarioSpec[] = [];
  for (const sfLatencyMs of o.latencies)
    for (const workers of o.workers) for (const mode of o.modes) specs.push({ kind: 'backlog', mode, sfLatencyMs, workers, calls: o.calls });
  if (o.rate > 0) for (const mode of o.modes) specs.push({ kind: 'paced', mode, sfLatencyMs: o.pacedLatency, workers: o.workers[0]!, calls: o.pacedCalls, rate: o.rate });
  if (o.queued > 0) for (const mode of o.modes) specs.push({ kind: 'memory', mode, sfLatencyMs: 0, workers: 1, calls: o.queued, maxSeconds: o.memorySeconds });
  return specs;
}

function progress(r: ScenarioResult): string {
  if (r.kind === 'memory') {
    return `${r.completed + r.failed} of ${r.sent} queued calls processed in ${r.maxSeconds} s, Redis ${round((r.redis?.bytesPerQueuedCall ?? 0) / 1024, 1)} KB/queued call, ` +
      `worker RSS ${Math.round(r.workerStartRssMb)} MB at start, ${Math.round(r.workerPeakRssMb)} MB peak`;
  }
  return `${r.completed}/${r.sent} done, ${r.failed} failed, ${round(r.callsPerSecond, 1)} calls/s (enqueued in ${round(r.enqueueSeconds, 1)} s), p99 ${Math.round(r.latencyMs.p99)} ms, ` +
    `SF ${round(r.salesforce.perCall)} req/call, RC ${round(r.ringcentral.perCall)} req/call, ${round(r.cpuSecondsPerCall, 4)} CPU s/call, RSS ${Math.round(r.workerStartRssMb)}→${Math.round(r.workerPeakRssMb)} MB` +
    (r.timedOut ? ' (TIMED OUT)' : '');
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseBenchArgs(argv);
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const o = parsed;
  if (o.entry === 'dist' && (o.modes.includes('optimized') || o.modes.includes('full') || o.backfill > 0)) {
    console.error('building the worker (npm run build) ...');
    const built = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the build failed: run `npm run build` to see why, or pass --entry src');
  }
  const outDir = resolve(ROOT, o.out);
  mkdirSync(outDir, { recursive: true });
  const world = buildWorld(o.seed);
  const tmp = mkdtempSync(join(tmpdir(), 'ringsense-bench-'));
  const mappingFile = join(tmp, 'mapping.yaml');
  writeFileSync(mappingFile, world.mappingYaml);
  const fullMappingFile = join(tmp, 'mapping-full.yaml');
  writeFileSync(fullMappingFile, world.fullMappingYaml);
  const redisServer = await startRedisServer();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const ctx: BenchContext = {
    redis, redisUrl: redisServer.url, world, seed: o.seed, mappingFile, fullMappingFile, concurrency: o.concurrency, timeoutSeconds: o.timeoutSeconds, entry: o.entry,
    ...(redisServer.process.pid ? { redisPid: redisServer.process.pid } : {}),
    ...(o.nodeOptions ? { workerNodeOptions: o.nodeOptions } : {}),
  };
  const runs: ScenarioResult[] = [];
  let backfill: BackfillResult | undefined;
  const startedAt = new Date().toISOString();
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    console.error('interrupted: finishing the current run, then writing what was measured');
  };
  process.once('SIGINT', onSignal);
  try {
    const specs = plan(o);
    for (const [i, spec] of specs.entries()) {
      if (interrupted) break;
      const name = `${spec.kind}${spec.rate ? ` ${spec.rate}/s` : ''} · ${spec.mode} · SF ${spec.sfLatencyMs} ms · ${spec.workers} worker(s) · ${spec.calls} calls`;
      console.error(`[${i + 1}/${specs.length}] ${name} ...`);
      const t = Date.now();
      const r = await runScenario(spec, ctx);
      runs.push(r);
      console.error(`    ${progress(r)} (${round((Date.now() - t) / 1000, 1)} s)`);
    }
    if (o.backfill > 0 && !interrupted) {
      console.error(`[backfill] ${o.backfill} recordings, call-log pages of ${o.backfillPageSize}, RingCentral's rate limits enforced (minute ÷ 10): a whole run, then one killed half-way and resumed ...`);
      const t = Date.now();
      backfill = await runBackfill({ recordings: o.backfill, pageSize: o.backfillPageSize }, ctx, (line) => console.error(line));
      console.error(`    (${round((Date.now() - t) / 1000, 1)} s)`);
    }
  } finally {
    redis.disconnect();
    await redisServer.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  const report: Report = {
    startedAt,
    machine: { cpus: availableParallelism(), node: process.versions.node, platform: `${process.platform} ${process.arch}` },
    options: { ...o },
    workload: describeWorkload(world, o.seed, o.calls, 2000),
    runs,
    ...(backfill ? { backfill } : {}),
  };
  writeFileSync(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const summary = renderSummary(report);
  writeFileSync(join(outDir, 'summary.md'), `${summary}\n`);
  writeFileSync(join(outDir, 'latency.svg'), latencyChart(runs));
  writeFileSync(join(outDir, 'requests-per-call.svg'), requestsChart(runs));
  console.log(summary);
  console.error(`\nwrote ${['report.json', 'summary.md', 'latency.svg', 'requests-per-call.svg'].map((f) => join(o.out, f)).join(', ')}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
