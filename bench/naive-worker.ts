import { isMeeting } from '../src/calls/recording-insights.ts';
/**
 * The naive baseline as a worker process: consumes the same calls queue as `ringsense-sync work`, configured by
 * the same environment (REDIS_URL, QUEUE_PREFIX, MAPPING_FILE, WORKER_CONCURRENCY, simulator credentials), and
 * writes each call with bench/naive-sync.ts. Logs one JSON line per event, like the product.
 *
 *   node bench/naive-worker.ts        (stops on SIGTERM or SIGINT)
 */
import { SDK } from '@ringcentral/sdk';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import jsforce from 'jsforce';
import { loadConfig } from '../src/config/load-config.ts';
import { decodeCallJobData } from '../src/queue/job-payload.ts';
import { backoffDelay } from '../src/lib/backoff.ts';
import { CALLS_QUEUE, JOB_BACKOFF, KEEP_COMPLETED, KEEP_FAILED } from '../src/queue/jobs.ts';
import { parseInsightsBody, parseInsightsNotification } from '../src/ringcentral/insights-event.schema.ts';
import { NaivePermanentError, syncCallNaively, type NaiveDeps } from './naive-sync.ts';
import { ACE_DOMAINS } from '../src/calls/domains.ts';

function log(message: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ level: 'info', message, mode: 'naive', ...fields })}\n`);
}

async function main(): Promise<void> {
  const cfg = loadConfig(process.env, { ringcentral: true, salesforce: true, mapping: true });
  const sf = cfg.salesforce!;
  const rcCfg = cfg.ringcentral!;
  if (sf.auth.kind !== 'client_credentials') throw new Error('the naive worker supports the client credentials flow only');
  const conn = new jsforce.Connection({ loginUrl: sf.loginUrl, version: sf.apiVersion, oauth2: { loginUrl: sf.loginUrl, clientId: sf.auth.clientId, clientSecret: sf.auth.clientSecret } });
  await conn.authorize({ grant_type: 'client_credentials' });
  const sdk = new SDK({ server: rcCfg.serverUrl, clientId: rcCfg.clientId, clientSecret: rcCfg.clientSecret, cachePrefix: `naive-${process.pid}-` });
  const platform = sdk.platform();
  await platform.login({ jwt: rcCfg.jwt });
  const deps: NaiveDeps = {
    conn,
    mapping: cfg.mapping!.mapping,
    rcGet: async (path, query) => (await platform.get(path, query)).json(),
  };

  const connection = new Redis(cfg.redis.url, { maxRetriesPerRequest: null });
  const worker = new Worker(
    CALLS_QUEUE,
    async (job: Job) => {
      const decoded = decodeCallJobData(job.data);
      if (!decoded.ok) throw new UnrecoverableError(`invalid_job_data: ${decoded.error}`);
      const data = decoded.value;
      if (data.kind === 'oversized') throw new UnrecoverableError('payload_too_large');
      const parsed = data.kind === 'notification' ? parseInsightsNotification(data.event, ACE_DOMAINS) : parseInsightsBody(data.insights, ACE_DOMAINS);
      if (!parsed.ok) throw new UnrecoverableError(`${parsed.error.reason}: ${parsed.error.message}`);
      const insights = 'body' in parsed.value ? parsed.value.body : parsed.value;
      // The baseline syncs calls only (the bench sends pbx calls).
      if (isMeeting(insights)) throw new UnrecoverableError('unsupported_domain: the naive baseline writes no meetings');
      try {
        const result = await syncCallNaively(insights, deps);
        log('call_synced', { jobId: job.id, ...result, latencyMs: Date.now() - data.receivedAt });
        return result;
      } catch (e) {
        if (e instanceof NaivePermanentError) throw new UnrecoverableError(e.message);
        throw e;
      }
    },
    {
      connection,
      prefix: cfg.redis.prefix,
      concurrency: cfg.worker.concurrency,
      removeOnComplete: KEEP_COMPLETED,
      removeOnFail: KEEP_FAILED,
      settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, JOB_BACKOFF) },
    },
  );
  worker.on('failed', (job, err) => log('job_failed', { jobId: job?.id, err: err.message }));
  worker.on('error', (err) => log('worker_error', { err: err.message }));
  await worker.waitUntilReady();
  log('worker_started', { concurrency: cfg.worker.concurrency, prefix: cfg.redis.prefix });

  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await worker.close();
  await connection.quit().catch(() => connection.disconnect());
  await platform.logout().catch(() => undefined);
  log('stopped', { cpu: process.cpuUsage() });
}

main().catch((e: unknown) => {
  process.stderr.write(`naive worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
