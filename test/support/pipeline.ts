import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Job } from 'bullmq';
import jsforce, { type Connection } from 'jsforce';
import { inject } from 'vitest';
import { startService, type RunningService, type ServiceOptions } from '../../src/app/service.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { parseMapping } from '../../src/config/load-mapping.ts';
import { liveMapping } from '../../src/config/mapping-watcher.ts';
import { DEMO_MAPPING_YAML, demoSeed } from '../../src/demo/demo-seed.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { decodeCallJobData } from '../../src/queue/job-payload.ts';
import { until } from './until.ts';
import { startSimulators, type Simulators, type SimulatorsOptions } from '../../src/simulators/start-simulators.ts';

export interface Pipeline {
  readonly sims: Simulators;
  readonly service: RunningService;
  readonly logs: Array<Record<string, unknown>>;
  /** The mapping file the service watches (MAPPING_FILE): a test or the console may change it. */
  readonly mappingFile: string;
  /** The Redis and queue prefix this pipeline uses (for CLI processes run against it). */
  readonly redis: { readonly url: string; readonly prefix: string };
  /** The operator endpoints' base URL (http://127.0.0.1:<bound port>), unless HTTP is off. */
  readonly httpUrl: string | undefined;
  /** Tasks in the simulated org. */
  tasks(): Array<Record<string, unknown>>;
  /** Waits until `n` jobs are finished (completed or failed). */
  settled(n: number, timeoutMs?: number): Promise<{ completed: number; failed: number }>;
  failedJobs(): Promise<Job[]>;
  /** A jsforce connection to the simulated org (as a rep or admin would edit records). */
  salesforce(): Promise<Connection>;
  stop(): Promise<void>;
}

/** The event (or REST insights) a job carries, decoded: job data stores it compressed. */
export function eventOf(job: Job): unknown {
  const decoded = decodeCallJobData(job.data);
  if (!decoded.ok) throw new Error(`job ${job.id}: ${decoded.error}`);
  const v = decoded.value;
  return v.kind === 'notification' ? v.event : v.kind === 'insights' ? v.insights : v;
}

export function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  return until(cond, what, timeoutMs);
}

/** The whole product in-process: simulators (the demo's world unless `sims.seed` says otherwise), a real Redis (from the global setup), listener and worker. */
export async function startPipeline(opts: { mappingYaml?: string; sims?: Partial<SimulatorsOptions>; service?: ServiceOptions; env?: Record<string, string>; beforeService?: (sims: Simulators) => void } = {}): Promise<Pipeline> {
  const sims = await startSimulators({ seed: demoSeed(), ...opts.sims });
  // Faults that must be there when the service starts (a login refused at start).
  opts.beforeService?.(sims);
  // The mapping is a file, watched as `start` watches it: the console's changes to it reach the worker.
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-'));
  const mappingFile = join(dir, 'mapping.yaml');
  const mappingYaml = opts.mappingYaml ?? DEMO_MAPPING_YAML;
  writeFileSync(mappingFile, mappingYaml);
  const cfg = loadConfig(
    // The operator endpoints on a free port (HTTP_ENABLED=false in opts.env turns them off).
    { ...sims.env, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: `t${randomUUID().slice(0, 8)}`, WORKER_CONCURRENCY: '4', HTTP_PORT: '0', MAPPING_FILE: mappingFile, ...opts.env },
    { ringcentral: true, salesforce: true, http: true },
    dir,
  );
  const sink = new PassThrough();
  const logs: Array<Record<string, unknown>> = [];
  sink.on('data', (d: Buffer) => d.toString().split('\n').filter(Boolean).forEach((l) => logs.push(JSON.parse(l) as Record<string, unknown>)));
  const logger = createLogger({ level: 'info', format: 'json', stream: sink });
  const mapping = liveMapping(mappingFile, parseMapping(mappingYaml, mappingFile), { logger, debounceMs: 50 });
  const service = await startService(cfg, mapping.current, { listen: true, work: true }, logger, opts.service);
  await waitFor(() => service.listener?.state() === 'connected', 20_000, 'the subscription');
  let conn: Connection | undefined;
  return {
    sims,
    service,
    logs,
    mappingFile,
    redis: cfg.redis,
    httpUrl: service.http?.url,
    tasks: () => sims.sf.records('Task'),
    async settled(n, timeoutMs = 30_000) {
      let counts = { completed: 0, failed: 0 };
      await waitFor(async () => {
        const c = await service.queue.getJobCounts('completed', 'failed');
        counts = { completed: c.completed ?? 0, failed: c.failed ?? 0 };
        return counts.completed + counts.failed >= n;
      }, timeoutMs, `${n} finished jobs`);
      return counts;
    },
    failedJobs: () => service.queue.getFailed(),
    async salesforce() {
      if (!conn) {
        conn = new jsforce.Connection({ loginUrl: sims.sf.url, version: '62.0', oauth2: { loginUrl: sims.sf.url, clientId: sims.sf.clientId, clientSecret: sims.sf.clientSecret } });
        await conn.authorize({ grant_type: 'client_credentials' });
      }
      return conn;
    },
    async stop() {
      await service.queue.obliterate({ force: true }).catch(() => undefined);
      await service.stop();
      mapping.close();
      await sims.stop();
    },
  };
}
