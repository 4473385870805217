import pLimit from 'p-limit';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig, SalesforceConfig } from '../config/load-config.ts';
import type { MappingSnapshot } from '../config/load-mapping.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { boundedCode } from '../lib/metrics.ts';
import { CachedPeople } from '../mapping/cached-people.ts';
import { UnmappedStore } from '../mapping/unmapped-store.ts';
import { warmMappedUsers } from '../mapping/warm-users.ts';
import { CallLock } from '../queue/call-lock.ts';
import type { CallJobResult } from '../queue/call-processor.ts';
import { createCallWorker } from '../queue/call-worker.ts';
import { OutageGate } from '../queue/outage-gate.ts';
import { RedisNextStepLedger } from '../queue/next-step-ledger.ts';
import { RequestHoursLog } from '../queue/request-hours.ts';
import { SyncedLog } from '../queue/synced-log.ts';
import { RedisTranscriptFileLedger } from '../queue/transcript-file-ledger.ts';
import { RedisWriteLedger } from '../queue/write-ledger.ts';
import type { RingCentralClient } from '../ringcentral/sdk.ts';
import { meetingFactsFrom } from '../ringcentral/meeting-history.adapter.ts';
import { RingCentralTelephony } from '../ringcentral/telephony.adapter.ts';
import { ApiBudgetGuard } from '../salesforce/api-budget.ts';
import { createSalesforceSession, type SalesforceSession } from '../salesforce/connection.ts';
import { SalesforceTranscriptFiles } from '../salesforce/content.adapter.ts';
import { SalesforceOpportunities } from '../salesforce/opportunity.adapter.ts';
import { SalesforcePeople } from '../salesforce/people.adapter.ts';
import { orgLimits } from '../salesforce/rest.ts';
import { SalesforceTaskStore } from '../salesforce/task-store.adapter.ts';
import { FieldRefusalStore, type FieldRefusalRecorder } from '../sync/field-refusals.ts';
import { OpportunityNextSteps, type NextStepOutcome } from '../sync/opportunity-next-step.ts';
import type { TranscriptFileOutcome } from '../sync/transcript-file.ts';
import { firstLogin, salesforceProbe } from './salesforce-availability.ts';

/**
 * Calls making their transcript note at once, per worker: two shared graph requests of about 40 notes each, with room
 * to gather the next. The others wait before reading their transcript (bench: 10,000 queued, full mode).
 */
const TRANSCRIPT_NOTES_AT_ONCE = 100;

/** In-process knobs of the worker role (tests compress time with them). */
export interface WorkerRoleOptions {
  /** Retry backoff of jobs (default 5 s doubling up to 10 min). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** How often the API budget guard looks at the usage (default 10 s). */
  readonly budgetIntervalMs?: number;
}

export interface WorkerRole {
  readonly worker: Worker<unknown, CallJobResult>;
  readonly salesforce: SalesforceSession;
  readonly gate: OutageGate;
  readonly budget: ApiBudgetGuard;
  stop(): Promise<void>;
}

export interface WorkerRoleDeps {
  readonly cfg: AppConfig & { readonly salesforce: SalesforceConfig };
  readonly mapping: () => MappingSnapshot;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly queue: Queue;
  readonly rc: RingCentralClient;
  /** A new Redis connection for a named use. */
  readonly redis: (name: string) => Redis;
}

/**
 * The worker role: the Salesforce session, the outage gate, the adapters, the BullMQ worker and the API budget
 * guard. A first login that fails for a passing reason does not stop it: the worker starts held and the gate logs
 * in again until it works; a login refused for a configuration reason throws (SalesforceConfigurationError).
 */
export async function startWorkerRole(d: WorkerRoleDeps, opts: WorkerRoleOptions = {}): Promise<WorkerRole> {
  const { cfg, logger, metrics, queue } = d;
  const lockRedis = d.redis('lock');
  // The console's requests-per-hour chart: API requests only (token requests do not count against the org's allocation).
  const requestHours = new RequestHoursLog(lockRedis, cfg.redis.prefix, { onError: (e) => logger.warn('request_hours_write_failed', { err: e instanceof Error ? e.message : String(e) }) });
  const salesforce = createSalesforceSession(cfg.salesforce, {
    logger,
    onRequest: (operation, status) => {
      metrics.salesforceRequests.inc({ operation, status });
      if (operation !== 'token') requestHours.count();
    },
  });
  const held = await firstLogin(salesforce, logger);
  const people = new CachedPeople(new SalesforcePeople(salesforce.conn));
  const externalIdField = d.mapping().mapping.salesforce.externalIdField;
  const tasks = new SalesforceTaskStore(salesforce.conn, externalIdField ? { externalIdField } : {});
  // The gate and the worker know each other: the gate pauses and resumes the worker, the worker's jobs report to it.
  const gate = new OutageGate({
    logger,
    probe: salesforceProbe(salesforce),
    pause: () => worker.pause(true),
    // A worker that started held has never run: resume() starts it.
    resume: () => worker.resume(),
    // The first call written after an outage: the retries that waited it out with a backoff are due now.
    release: () =>
      queue.promoteJobs().catch((e: unknown) => {
        logger.warn('promote_delayed_failed', { err: e instanceof Error ? e.message : String(e) });
      }),
  });
  const worker: Worker<unknown, CallJobResult> = createCallWorker({
    autorun: false,
    connection: d.redis('worker'),
    prefix: cfg.redis.prefix,
    concurrency: cfg.worker.concurrency,
    logger,
    metrics,
    queue,
    gate,
    domains: cfg.domains,
    meetingFacts: meetingFactsFrom(d.rc.platform, logger),
    // The write ledger lives with the lock, on its connection: a call's lock and ledger entry are read and written
    // together, and the lock hands each call its entry (processCall's ledger).
    lock: new CallLock(lockRedis, cfg.redis.prefix, {
      ttlMs: cfg.worker.lockDurationMs,
      ledger: new RedisWriteLedger(lockRedis, cfg.redis.prefix),
      onLedgerError: (e) => logger.warn('ledger_write_failed', { err: e instanceof Error ? e.message : String(e) }),
    }),
    unmapped: new UnmappedStore(lockRedis, cfg.redis.prefix),
    process: {
      mapping: d.mapping, people, telephony: new RingCentralTelephony({ platform: d.rc.platform, logger }), tasks, forget: (ids) => people.forget(ids),
      fieldRefusals: countedRefusals(new FieldRefusalStore(lockRedis, cfg.redis.prefix), metrics),
      // Opportunity.NextStep (mapping opportunity.nextStep): what the sync wrote per deal is kept beside the ledger.
      nextSteps: { writer: new OpportunityNextSteps({ opportunities: new SalesforceOpportunities(salesforce.conn), ledger: new RedisNextStepLedger(lockRedis, cfg.redis.prefix) }), onOutcome: (o) => countNextStep(metrics, o) },
      // The transcript note (mapping activity.transcriptFile): each call's document is remembered beside the ledger.
      transcripts: {
        files: new SalesforceTranscriptFiles(salesforce.conn, logger),
        ledger: new RedisTranscriptFileLedger(lockRedis, cfg.redis.prefix),
        onOutcome: (o) => countTranscriptFile(metrics, o),
        atOnce: pLimit(TRANSCRIPT_NOTES_AT_ONCE),
      },
    },
    lockDurationMs: cfg.worker.lockDurationMs,
    stalledIntervalMs: cfg.worker.stalledIntervalMs,
    failedRetentionDays: cfg.worker.failedRetentionDays,
    ...(opts.backoff ? { backoff: opts.backoff } : {}),
  });
  // The admin console's "calls synced" and "last 20 calls": BullMQ keeps completed jobs a day only.
  const synced = new SyncedLog(lockRedis, cfg.redis.prefix);
  worker.on('completed', (job, result) => {
    if (!result?.callTaskId) return;
    const entry = { at: job.finishedOn ?? Date.now(), jobId: job.id ?? '', sourceRecordId: result.sourceRecordId, callTaskId: result.callTaskId, call: result.call, ...(result.rsRecordUri ? { rsRecordUri: result.rsRecordUri } : {}) };
    synced.record(entry).catch((e: unknown) => logger.warn('synced_log_write_failed', { err: e instanceof Error ? e.message : String(e) }));
  });
  // The requests of the jobs that finish while the worker drains at shutdown, too.
  worker.on('closed', () => void requestHours.stop());
  if (held) await gate.hold(held.cause, held.error);
  else void worker.run().catch((e: unknown) => logger.error('worker_error', { err: e }));
  logger.info('worker_started', { concurrency: cfg.worker.concurrency, prefix: cfg.redis.prefix, ...(held ? { held: held.cause } : {}) });
  // The mapped owners, looked up while the first jobs are fetched: the first calls find them cached.
  if (!held) void warmMappedUsers(d.mapping(), people).then((n) => logger.debug('mapped_users_warmed', n));
  const budget = startBudgetGuard(cfg, salesforce, worker, queue, gate, logger, opts.budgetIntervalMs);
  return {
    worker,
    salesforce,
    gate,
    budget,
    async stop() {
      await gate.close();
      await budget.stop();
      await requestHours.flush();
    },
  };
}

/** The admin's list of fields calls were written without, each counted in ringsense_mapped_field_refusals_total too. */
function countedRefusals(store: FieldRefusalRecorder, metrics: Metrics): FieldRefusalRecorder {
  return {
    record(r) {
      metrics.mappedFieldRefusals.inc({ field: boundedCode(r.field, 'other'), code: boundedCode(r.code, 'other') });
      return store.record(r);
    },
  };
}

/** ringsense_opportunity_next_steps_total: the outcome, and why it was kept or Salesforce's code for a refusal. */
function countNextStep(metrics: Metrics, o: NextStepOutcome): void {
  const reason = o.outcome === 'kept' ? o.reason : o.outcome === 'refused' ? boundedCode(o.failure.code, 'other') : '';
  metrics.opportunityNextSteps.inc({ outcome: o.outcome, reason });
}

/** ringsense_transcript_files_total: the outcome, why it was kept or Salesforce's code for a refusal, and note or file. */
function countTranscriptFile(metrics: Metrics, o: TranscriptFileOutcome): void {
  const reason = o.outcome === 'kept' ? o.reason : o.outcome === 'refused' ? boundedCode(o.failure.code, 'other') : '';
  const kind = o.outcome === 'created' || o.outcome === 'versioned' ? o.kind : '';
  metrics.transcriptFiles.inc({ outcome: o.outcome, reason, kind });
}

/** Watches the org's API usage (from every response, and GET /limits while paused) and acts on the queue. */
function startBudgetGuard(cfg: AppConfig, sf: SalesforceSession, worker: Worker, queue: Queue, gate: OutageGate, logger: Logger, intervalMs?: number): ApiBudgetGuard {
  const guard = new ApiBudgetGuard({
    logger,
    ...(intervalMs ? { intervalMs } : {}),
    concurrency: cfg.worker.concurrency,
    slowAt: cfg.apiBudget.slowAt,
    pauseAt: cfg.apiBudget.pauseAt,
    lastUsage: () => sf.apiUsage(),
    fetchUsage: async () => {
      // While the gate holds the work, its probe is the only request: the guard reads the last usage seen.
      if (!gate.isOpen()) return undefined;
      const limits = await orgLimits(sf.conn);
      const daily = limits.DailyApiRequests;
      return daily ? { used: daily.Max - daily.Remaining, limit: daily.Max } : undefined;
    },
    actuators: {
      pauseFor: (ms) => queue.rateLimit(ms),
      resume: () => queue.removeRateLimitKey().then(() => undefined),
      setConcurrency: (n) => {
        worker.concurrency = n;
      },
    },
  });
  guard.start();
  return guard;
}
