/** The benchmark's flags. */
import { parseArgs } from 'node:util';
import type { Mode } from './worker-process.ts';

export interface BenchOptions {
  readonly calls: number;
  readonly latencies: number[];
  readonly workers: number[];
  readonly modes: Mode[];
  /** Arrival rate (calls/s) of the paced latency run; 0 skips it. */
  readonly rate: number;
  /** Salesforce latency of the paced run. */
  readonly pacedLatency: number;
  /** Calls in the paced run (at `rate` a second). */
  readonly pacedCalls: number;
  /** Calls queued before the worker starts in the memory run; 0 skips it. */
  readonly queued: number;
  readonly memorySeconds: number;
  readonly concurrency: number;
  readonly seed: number;
  readonly timeoutSeconds: number;
  readonly out: string;
  /** NODE_OPTIONS for the worker processes, e.g. "--max-old-space-size=128". */
  readonly nodeOptions: string;
  /** Recordings in the backfill run (RingCentral's rate limits enforced, a kill and a resume); 0 skips it. */
  readonly backfill: number;
  /** The backfill's call-log page size (`backfill --page-size`). */
  readonly backfillPageSize: number;
  /** How the product's worker runs: the compiled build (`npm run build`, what the Docker image runs) or the .ts sources. */
  readonly entry: 'dist' | 'src';
}

export const USAGE = `Usage: npm run bench -- [options]
  --calls N            calls per backlog run (default 3000: long enough that the start, with cold caches,
                       and the drain weigh little; shorter backlogs show the product's lead smaller)
  --latency 0,150      Salesforce latency in ms, a list (default 0,150)
  --workers 1          worker processes, a list such as 1,2,4 (default 1)
  --modes optimized,full,naive
                       optimized: the product's worker; full: the same with mapped Task fields, the
                       Opportunity next step and transcript notes on; naive: the baseline (default: all three)
  --rate N             calls/s of the paced latency run (default 20; 0 = none)
  --paced-latency MS   Salesforce latency of the paced run (default 150)
  --paced-calls N      calls in the paced run (default 1000: 50 s at 20/s)
  --queued N           calls queued before the worker starts, for the memory run (default 10000; 0 = none)
  --memory-seconds S   how long each worker works in the memory run (default 20)
  --backfill N         recorded calls for the backfill run (default 0 = none): \`ringsense-sync backfill\` as its own
                       process against the RingCentral simulator enforcing RingCentral's rate limits with the
                       minute scaled down 10× (Light 50 and Heavy 10 requests per 6 s); its insights rate against
                       the allowed one, then runs killed half-way (through the insights, through the call log) and
                       resumed, and the requests they repeat. About N / 3 seconds in all (600: three minutes)
  --backfill-page-size P
                       the backfill's call-log page size (default 100)
  --concurrency N      WORKER_CONCURRENCY of each worker, both modes (default 200, the product's default)
  --seed N             the synthetic world and calls (default 42)
  --timeout S          give up waiting on a run after S seconds (default 240)
  --node-options=OPTS  NODE_OPTIONS for the worker processes, e.g. --node-options=--max-old-space-size=128
  --entry dist|src     run the product's worker from the compiled build (default: dist, built first, as the
                       Docker image runs it) or from the TypeScript sources (Node's type stripping, ~15 MB more)
  --out DIR            output directory (default bench/out)`;

function ints(raw: string, name: string, min = 0): number[] {
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < min)) throw new Error(`--${name} expects whole numbers >= ${min}, got "${raw}"`);
  return list;
}

function int(raw: string, name: string, min = 0): number {
  return ints(raw, name, min)[0]!;
}

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      calls: { type: 'string', default: '3000' },
      latency: { type: 'string', default: '0,150' },
      workers: { type: 'string', default: '1' },
      modes: { type: 'string', default: 'optimized,full,naive' },
      rate: { type: 'string', default: '20' },
      'paced-latency': { type: 'string', default: '150' },
      'paced-calls': { type: 'string', default: '1000' },
      queued: { type: 'string', default: '10000' },
      'memory-seconds': { type: 'string', default: '20' },
      backfill: { type: 'string', default: '0' },
      'backfill-page-size': { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '200' },
      seed: { type: 'string', default: '42' },
      timeout: { type: 'string', default: '240' },
      out: { type: 'string', default: 'bench/out' },
      'node-options': { type: 'string', default: '' },
      entry: { type: 'string', default: 'dist' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const modes = values.modes.split(',').map((m) => m.trim());
  if (modes.length === 0 || modes.some((m) => m !== 'optimized' && m !== 'full' && m !== 'naive')) throw new Error(`--modes expects optimized, full and/or naive, got "${values.modes}"`);
  return {
    calls: int(values.calls, 'calls', 1),
    latencies: ints(values.latency, 'latency'),
    workers: ints(values.workers, 'workers', 1),
    modes: modes as Mode[],
    rate: int(values.rate, 'rate'),
    pacedLatency: int(values['paced-latency'], 'paced-latency'),
    pacedCalls: int(values['paced-calls'], 'paced-calls', 2),
    queued: int(values.queued, 'queued'),
    memorySeconds: int(values['memory-seconds'], 'memory-seconds', 1),
    backfill: int(values.backfill, 'backfill'),
    backfillPageSize: (() => {
      const p = int(values['backfill-page-size'], 'backfill-page-size', 1);
      if (p > 1000) throw new Error(`--backfill-page-size expects 1 to 1000 (RingCentral's maximum), got ${p}`);
      return p;
    })(),
    concurrency: int(values.concurrency, 'concurrency', 1),
    seed: int(values.seed, 'seed'),
    timeoutSeconds: int(values.timeout, 'timeout', 10),
    out: values.out,
    nodeOptions: values['node-options'],
    entry: values.entry === 'src' ? 'src' : values.entry === 'dist' ? 'dist' : (() => { throw new Error(`--entry expects dist or src, got "${values.entry}"`); })(),
  };
}
