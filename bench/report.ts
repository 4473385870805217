/** The Markdown summary: one row per run, the optimized/naive ratios side by side, memory, and the issue's targets. */
import type { BackfillResult } from './backfill.ts';
import type { ScenarioResult } from './scenario.ts';
import { round } from './stats.ts';

export interface Workload {
  readonly calls: number;
  /** How many of the calls the averages below were computed over (the first ones; generating is not free). */
  readonly sampled?: number;
  readonly meanEventKb: number;
  readonly maxEventKb: number;
  readonly returningShare: number;
  readonly meanNextSteps: number;
  readonly threeSpeakerShare: number;
  readonly org: Record<string, number>;
  readonly reps: number;
}

export interface Report {
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly platform: string };
  readonly options: Record<string, unknown>;
  readonly workload: Workload;
  readonly runs: ScenarioResult[];
  /** `--backfill N`: the backfill at RingCentral's rate limits, and killed and resumed. */
  readonly backfill?: BackfillResult;
}

const f = (n: number, d = 2) => String(round(n, d));
const kb = (bytes: number) => `${f(bytes / 1024, 1)} KB`;
const pct = (share: number) => `${f(share * 100, 1)} %`;

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function label(r: ScenarioResult): string {
  return r.kind === 'paced' ? `paced ${r.rate}/s` : r.kind;
}

const sameCell = (a: ScenarioResult, b: ScenarioResult) => a.kind === b.kind && a.sfLatencyMs === b.sfLatencyMs && a.workers === b.workers && a.rate === b.rate;

/** The full mode's runs beside the optimized ones of the same cell. */
export function fullPairs(runs: readonly ScenarioResult[]): Array<{ opt: ScenarioResult; full: ScenarioResult }> {
  return runs.filter((r) => r.mode === 'optimized' && r.kind !== 'memory').flatMap((opt) => {
    const full = runs.find((n) => n.mode === 'full' && sameCell(n, opt));
    return full ? [{ opt, full }] : [];
  });
}

/** Pairs of runs measured side by side: the same scenario, latency and workers, one per mode. */
export function pairs(runs: readonly ScenarioResult[]): Array<{ opt: ScenarioResult; naive: ScenarioResult }> {
  return runs.filter((r) => r.mode === 'optimized' && r.kind !== 'memory').flatMap((opt) => {
    const naive = runs.find((n) => n.mode === 'naive' && sameCell(n, opt));
    return naive ? [{ opt, naive }] : [];
  });
}

function ratio(a: number, b: number): string {
  return b > 0 && Number.isFinite(a / b) ? `${f(a / b)}×` : 'n/a';
}

function kinds(byKind: Record<string, number>): string {
  return Object.entries(byKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${f(v)}`)
    .join(', ') || '-';
}

export function renderSummary(rep: Report): string {
  const w = rep.workload;
  const runs = rep.runs.filter((r) => r.kind !== 'memory');
  const mem = rep.runs.filter((r) => r.kind === 'memory');
  const out: string[] = [];
  out.push('# RingSense → Salesforce sync: benchmark', '');
  const nodeOptions = typeof rep.options.nodeOptions === 'string' && rep.options.nodeOptions ? ` · worker NODE_OPTIONS="${rep.options.nodeOptions}"` : '';
  out.push(`${rep.startedAt} · ${rep.machine.cpus} CPUs · Node ${rep.machine.node} · simulators and a private Redis on 127.0.0.1 · workers as separate processes (WORKER_CONCURRENCY=${String(rep.options.concurrency)}; the product's worker from ${rep.options.entry === 'dist' ? 'the compiled build, as the Docker image runs it' : 'the TypeScript sources'})${nodeOptions}`, '');
  out.push(
    `Workload: ${w.calls} synthetic calls per run (seed ${String(rep.options.seed)}${w.sampled !== undefined && w.sampled < w.calls ? `; the figures that follow are over the first ${w.sampled}` : ''}), events ${f(w.meanEventKb, 1)} KB on average (max ${f(w.maxEventKb, 1)} KB), ` +
      `${Math.round(w.returningShare * 100)} % from people already in the org, ${Math.round(w.threeSpeakerShare * 100)} % with three speakers, ${f(w.meanNextSteps, 1)} next steps per call, ${w.reps} reps. ` +
      `Org: ${Object.entries(w.org).map(([k, v]) => `${v} ${k}`).join(', ')}.`,
    '',
  );
  out.push('Figures are measured, not asserted. Latency is event received (job data `receivedAt`) to all records written (BullMQ `finishedOn`); in a backlog run the calls are queued before the workers start, and latency and throughput count from the moment the workers are ready (the queue is held until all of them are); steady calls/s is a backlog\'s rate over its middle 80 % of calls (10th to 90th finished), without the start (cold caches) and the last stragglers. ' +
    'CPU is user+system time from /proc after start-up; worker memory is VmRSS at start and VmHWM at the end. Requests are what the simulators counted. ' +
    'Each run has fresh simulators and its own queue prefix; modes alternate run by run.', '');

  out.push('## Runs', '');
  out.push(table(
    ['scenario', 'SF latency', 'workers', 'mode', 'done/sent', 'failed', 'calls/s', 'steady calls/s', 'p50 ms', 'p95 ms', 'p99 ms', 'SF req/call', 'lookups', 'writes', 'RC req/call', 'records written'],
    runs.map((r) => [
      label(r), `${r.sfLatencyMs} ms`, String(r.workers), r.mode, `${r.completed}/${r.sent}${r.timedOut ? ' (timeout)' : ''}`, String(r.failed), f(r.callsPerSecond, 1),
      r.steadyCallsPerSecond === undefined ? '-' : f(r.steadyCallsPerSecond, 1), f(r.latencyMs.p50, 0), f(r.latencyMs.p95, 0), f(r.latencyMs.p99, 0), f(r.salesforce.perCall), f(r.salesforce.byClassPerCall?.lookup ?? 0), f(r.salesforce.byClassPerCall?.write ?? 0),
      f(r.ringcentral.perCall),
      r.records ? `${r.records.callTasks}/${r.sent} calls, ${r.records.followUps}/${r.records.expectedFollowUps} steps, ${r.records.duplicates} dup` : '-',
    ]),
  ), '');

  out.push('## Cost per run', '');
  out.push(`CPU per call finished: the workers, the bench process (simulators and producer) and Redis, all on the same ${rep.machine.cpus} cores. ` +
    'Redis kept per call: used_memory after every call is done minus before enqueuing (completed jobs stay a day for the dashboard, the write ledger 14 days).', '');
  const per = (cpu: number, r: ScenarioResult) => f(cpu / Math.max(1, r.completed + r.failed), 4);
  out.push(table(
    ['scenario', 'SF latency', 'workers', 'mode', 'worker CPU s/call', 'sim CPU s/call', 'Redis CPU s/call', 'enqueued in s', 'worker RSS start MB', 'worker RSS peak MB', 'Redis kept per call'],
    runs.map((r) => [
      label(r), `${r.sfLatencyMs} ms`, String(r.workers), r.mode, f(r.cpuSecondsPerCall, 4), per(r.driverCpuSeconds, r), per(r.redisCpuSeconds, r), f(r.enqueueSeconds, 1),
      f(r.workerStartRssMb, 0), f(r.workerPeakRssMb, 0), r.redis?.bytesRetainedPerCall === undefined ? '-' : kb(r.redis.bytesRetainedPerCall),
    ]),
  ), '');

  out.push('## Requests per call by kind', '');
  out.push(table(['scenario', 'SF latency', 'workers', 'mode', 'Salesforce', 'RingCentral', 'SF warm (2nd half)'], runs.map((r) => [
    label(r), `${r.sfLatencyMs} ms`, String(r.workers), r.mode, kinds(r.salesforce.byKindPerCall), kinds(r.ringcentral.byKindPerCall),
    r.salesforce.warmPerCall === undefined ? '-' : `${f(r.salesforce.warmPerCall)} (lookups ${f(r.salesforce.warmByClassPerCall?.lookup ?? 0)}, writes ${f(r.salesforce.warmByClassPerCall?.write ?? 0)})`,
  ])), '');

  const ps = pairs(rep.runs);
  if (ps.length > 0) {
    out.push('## Optimized / naive, measured side by side', '', 'Throughput above 1× is better; every other ratio below 1× is better.', '');
    out.push(table(['scenario', 'SF latency', 'workers', 'calls/s', 'steady calls/s', 'CPU s/call', 'p50', 'p95', 'p99', 'SF req/call', 'SF lookups', 'SF writes', 'RC req/call', 'peak RSS'], ps.map(({ opt, naive }) => [
      label(opt), `${opt.sfLatencyMs} ms`, String(opt.workers), ratio(opt.callsPerSecond, naive.callsPerSecond),
      opt.steadyCallsPerSecond === undefined || naive.steadyCallsPerSecond === undefined ? '-' : ratio(opt.steadyCallsPerSecond, naive.steadyCallsPerSecond),
      ratio(opt.cpuSecondsPerCall, naive.cpuSecondsPerCall), ratio(opt.latencyMs.p50, naive.latencyMs.p50), ratio(opt.latencyMs.p95, naive.latencyMs.p95), ratio(opt.latencyMs.p99, naive.latencyMs.p99),
      ratio(opt.salesforce.perCall, naive.salesforce.perCall), ratio(opt.salesforce.byClassPerCall?.lookup ?? 0, naive.salesforce.byClassPerCall?.lookup ?? 0),
      ratio(opt.salesforce.byClassPerCall?.write ?? 0, naive.salesforce.byClassPerCall?.write ?? 0), ratio(opt.ringcentral.perCall, naive.ringcentral.perCall),
      ratio(opt.workerPeakRssMb, naive.workerPeakRssMb),
    ])), '');
  }

  const fulls = fullPairs(rep.runs);
  if (fulls.length > 0) {
    out.push('## Full / optimized: with mapped Task fields, the Opportunity next step and transcript notes on', '',
      'The same runs with the `full` mapping (three mapped Task fields: a restricted picklist, a number and a URL; `opportunity.nextStep: latest_call`; ' +
        '`activity.transcriptFile: true`, one note per call with its links). ' +
        'Absolute figures for both, then the ratio (below 1× is cheaper).', '');
    out.push(table(['scenario', 'SF latency', 'workers', 'SF req/call (opt → full)', 'SF writes/call', 'calls/s', 'CPU s/call', 'peak RSS MB', 'p99 ms', 'Opportunity updates/call', 'note graph requests/call'], fulls.map(({ opt, full }) => [
      label(opt), `${opt.sfLatencyMs} ms`, String(opt.workers),
      `${f(opt.salesforce.perCall)} → ${f(full.salesforce.perCall)} (${ratio(full.salesforce.perCall, opt.salesforce.perCall)})`,
      `${f(opt.salesforce.byClassPerCall?.write ?? 0)} → ${f(full.salesforce.byClassPerCall?.write ?? 0)}`,
      `${f(opt.callsPerSecond, 1)} → ${f(full.callsPerSecond, 1)} (${ratio(full.callsPerSecond, opt.callsPerSecond)})`,
      `${f(opt.cpuSecondsPerCall, 4)} → ${f(full.cpuSecondsPerCall, 4)}`,
      `${f(opt.workerPeakRssMb, 0)} → ${f(full.workerPeakRssMb, 0)}`,
      `${f(opt.latencyMs.p99, 0)} → ${f(full.latencyMs.p99, 0)}`,
      f(full.salesforce.byKindPerCall['collections.update'] ?? 0),
      f(full.salesforce.byKindPerCall['composite.graph'] ?? 0),
    ])), '');
  }

  if (mem.length > 0) {
    out.push('## Memory: calls queued before the worker starts', '');
    const naive = mem.find((r) => r.mode === 'naive');
    out.push('The worker starts on a full queue and works for a bounded time; Redis is measured before it starts (`INFO memory` used_memory after − before, ÷ calls).', '');
    out.push(table(['mode', 'queued', 'Redis per queued call', 'event size (mean)', 'worker RSS start MB', 'worker peak RSS MB', 'vs naive', 'processed', 'in s', 'SF req/call'], mem.map((r) => [
      r.mode, String(r.calls), r.redis?.bytesPerQueuedCall === undefined ? '-' : kb(r.redis.bytesPerQueuedCall), r.redis ? kb(r.redis.meanEventBytes) : '-', f(r.workerStartRssMb, 0), f(r.workerPeakRssMb, 0),
      naive && r.mode === 'optimized' ? ratio(r.workerPeakRssMb, naive.workerPeakRssMb) : '-', String(r.completed + r.failed), String(r.maxSeconds ?? ''), f(r.salesforce.perCall),
    ])), '');
  }

  if (rep.backfill) out.push(...backfillSection(rep.backfill));
  out.push(...targets(rep.runs, rep.backfill));
  return out.join('\n');
}

/** The issue's targets next to what this run measured (informational: nothing here fails the run). */
function targets(all: readonly ScenarioResult[], bf: BackfillResult | undefined): string[] {
  const opt = all.filter((r) => r.mode === 'optimized');
  const paced = opt.find((r) => r.kind === 'paced');
  const backlog = opt.filter((r) => r.kind === 'backlog');
  const ps = pairs(all).filter((p) => p.opt.kind === 'backlog');
  const mem = opt.find((r) => r.kind === 'memory');
  const full = all.filter((r) => r.mode === 'full');
  const fullBacklog = full.filter((r) => r.kind === 'backlog');
  const fullMem = full.find((r) => r.kind === 'memory');
  const rows: string[][] = [
    ['SF requests per call, steady flow, warm caches', '≤ 1.0', paced?.salesforce.warmPerCall === undefined ? 'n/a' : `${f(paced.salesforce.warmPerCall)} (paced run, 2nd half)`],
    ['SF requests per call under a backlog', '≤ 0.3', backlog.length ? backlog.map((r) => `${f(r.salesforce.perCall)} (${r.sfLatencyMs} ms, ${r.workers}w)`).join(', ') : 'n/a'],
    ['throughput vs naive, whole backlog', '≥ 5×', ps.length ? ps.map(({ opt: o, naive }) => `${ratio(o.callsPerSecond, naive.callsPerSecond)} (${o.sfLatencyMs} ms, ${o.workers}w)`).join(', ') : 'n/a'],
    [
      'throughput vs naive, steady (middle 80 %)',
      '≥ 5×',
      ps.some((p) => p.opt.steadyCallsPerSecond !== undefined && p.naive.steadyCallsPerSecond !== undefined)
        ? ps.filter((p) => p.opt.steadyCallsPerSecond !== undefined && p.naive.steadyCallsPerSecond !== undefined).map(({ opt: o, naive }) => `${ratio(o.steadyCallsPerSecond!, naive.steadyCallsPerSecond!)} (${o.sfLatencyMs} ms, ${o.workers}w)`).join(', ')
        : 'n/a',
    ],
    ['p99 at 20 calls/s, 150 ms Salesforce latency', '≤ 1000 ms', paced ? `${f(paced.latencyMs.p99, 0)} ms (${paced.rate}/s, ${paced.sfLatencyMs} ms)` : 'n/a'],
    ['worker memory with 10,000 queued', '≤ 200 MB', mem ? `${f(mem.workerPeakRssMb, 0)} MB (${mem.calls} queued)` : 'n/a'],
    ['Redis per queued call', '≤ 10 KB', mem?.redis?.bytesPerQueuedCall === undefined ? 'n/a' : kb(mem.redis.bytesPerQueuedCall)],
    ['full mode: SF requests per call under a backlog (issue 14)', '≤ 0.3', fullBacklog.length ? fullBacklog.map((r) => `${f(r.salesforce.perCall)} (${r.sfLatencyMs} ms, ${r.workers}w)`).join(', ') : 'n/a'],
    ['full mode: worker memory with 10,000 queued (issue 14)', '≤ 200 MB', fullMem ? `${f(fullMem.workerPeakRssMb, 0)} MB (${fullMem.calls} queued)` : 'n/a'],
    ['backfill: share of the allowed insights rate (issue 15)', '≥ 90 %', bf ? `${pct(bf.shareOfAllowed)} (${f(bf.full.steadyPerWindow ?? bf.full.perWindow, 1)} of ${bf.allowedPerWindow} per ${bf.limits.windowSeconds} s window, ${bf.full.rateLimited} × 429)` : 'n/a'],
    [
      'backfill resumed: pages read twice (issue 15)',
      '≤ 1',
      bf ? `${bf.resumedListing.pagesReadTwice} (killed reading the call log), ${bf.resumed.pagesReadTwice} (killed among the insights, ${bf.resumed.insightsRepeated} insights request${bf.resumed.insightsRepeated === 1 ? '' : 's'} repeated)` : 'n/a',
    ],
    ['records exact (no duplicate, none missing)', 'always', all.filter((r) => r.records).map((r) => `${r.mode}: ${r.records!.duplicates} dup, ${r.records!.missingCalls} missing`).filter((v, i, a) => a.indexOf(v) === i).join('; ') || 'n/a'],
  ];
  return ['## Targets from issues 6, 14 and 15 (measured, not asserted)', '', table(['target', 'goal', 'measured (optimized, or full where it says)'], rows), ''];
}

function exitOf(r: { exitCode: number | null; signal: string | null }): string {
  return r.signal ? r.signal : `exit ${r.exitCode}`;
}

/** "Backfill at RingCentral's rate limits": the whole window, then killed half-way and resumed. */
function backfillSection(b: BackfillResult): string[] {
  const w = `${b.limits.windowSeconds} s`;
  const r = b.resumed;
  const l = b.resumedListing;
  const rows: string[][] = [
    ['recordings in the window', `${b.recordings} (call-log pages of ${b.pageSize}: ${b.full.callLogPages} pages, read in ${f(b.full.callLogSeconds, 1)} s)`],
    ['insights fetched (whole run)', `${b.full.insightsFetched} in ${f(b.full.insightsSeconds, 1)} s; ${b.full.queued}/${b.recordings} queued; ${exitOf(b.full)} after ${f(b.full.seconds, 1)} s`],
    [`recordings fetched per ${w} window`, `${f(b.full.steadyPerWindow ?? b.full.perWindow, 1)} steady (fitted); ${f(b.full.perWindow, 1)} over the whole insights phase`],
    ['allowed rate', `${b.allowedPerWindow} per ${w} window: the Light limit ${b.limits.light} less the ${b.lightReserve} PacedRequests leaves to other readers`],
    ['share of the allowed rate', `${pct(b.shareOfAllowed)} (of the Light limit: ${pct(b.shareOfLimit)})`],
    [`most insights requests in any ${w}`, `${b.full.mostInWindow} (limit ${b.limits.light})`],
    ['429 answers', `${b.full.rateLimited} (whole run), ${r.killed.rateLimited + r.again.rateLimited} (killed + resumed)`],
    ['killed', `${r.killed.signal === 'SIGKILL' ? 'SIGKILL' : `not killed (${exitOf(r.killed)})`} when the ${r.killedAfterInsights}th of ${b.recordings} insights answers reached the proxy (the CLI never got that one); ${r.settledBefore ?? '?'} settled in its checkpoint`],
    ['resumed run', `${r.again.callLogPages} call-log pages, ${r.again.insightsRequests} insights requests, ${exitOf(r.again)} after ${f(r.again.seconds, 1)} s; ${r.queued}/${b.recordings} queued in all`],
    ['call-log pages read twice', String(r.pagesReadTwice)],
    ['insights requests repeated', String(r.insightsRepeated)],
    ['requests repeated in all', String(r.requestsRepeated)],
    [
      'killed reading the call log',
      `${l.signals[0] ?? 'not killed'} at the answer of page ${l.killedAtPage} of ${l.pages} (the CLI never got it); the run after it read ${l.pagesAgain} pages: ${l.pagesReadTwice} read twice`,
    ],
  ];
  return [
    "## Backfill at RingCentral's rate limits",
    '',
    `\`ringsense-sync backfill --since --until --page-size ${b.pageSize}\` as its own process (as an admin runs it) against the RingCentral simulator enforcing ` +
      `RingCentral's documented rate limits with the minute scaled down ${b.limits.compression}×: Light ${b.limits.light} and Heavy ${b.limits.heavy} requests per ${w} ` +
      `(a sliding window; a ${b.limits.penaltySeconds} s penalty after a 429), so a ${w} window here is a minute at RingCentral and the rates per window are per minute there. ` +
      'A counting proxy between the two notes every request, its time and its answer. Insights are fetched one recording at a time (Light); ' +
      '"steady" is the rate of a straight line fitted to the insights requests\' times, which the first and the last, unfinished window weigh little in (over a few windows it still flatters: 600 recordings make about 14). ' +
      'A second run is killed once half the insights are fetched, and the same command run again resumes from its checkpoint in Redis: what it asks for that the killed run had already asked for is counted as repeated. ' +
      'A third is killed half-way through the call log, at the answer of its middle page, and the run after it is stopped once it has read the rest.',
    '',
    table(['figure', 'measured'], rows),
    '',
  ];
}
