import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/load-config.ts';
import type { MappingSnapshot } from '../config/load-mapping.ts';
import { startHttpServer, type OperatorHttpServer } from '../http/server.ts';
import { serviceChecks } from '../http/service-checks.ts';
import type { Logger } from '../lib/logger.ts';
import { createMetrics, QUEUE_STATES, type Metrics } from '../lib/metrics.ts';
import { ServiceError } from '../lib/service-error.ts';
import { CachedPeople } from '../mapping/cached-people.ts';
import { UnmappedStore } from '../mapping/unmapped-store.ts';
import { warmMappedUsers } from '../mapping/warm-users.ts';
import { CallLock } from '../queue/call-lock.ts';
import type { CallJobResult } from '../queue/call-processor.ts';
import { createCallWorker } from '../queue/call-worker.ts';
import { CALLS_QUEUE } from '../queue/jobs.ts';
import { RedisWriteLedger } from '../queue/write-ledger.ts';
import type { CatchUp, CatchUpReason } from '../ringcentral/catch-up.ts';
import { createRingCentralClient, type RingCentralClient } from '../ringcentral/sdk.ts';
import type { InsightsListener } from '../ringcentral/subscription.ts';
import type { LeaderElection } from './leader-election.ts';
import { redisConnection } from './redis-connection.ts';
import { RedisHealth } from './redis-health.ts';
import { RingCentralTelephony } from '../ringcentral/telephony.adapter.ts';
import { createSalesforceSession, type SalesforceSession } from '../salesforce/connection.ts';
import { SalesforcePeople } from '../salesforce/people.adapter.ts';
import { SalesforceTaskWriter } from '../salesforce/task-writer.adapter.ts';
import { ApiBudgetGuard } from '../salesforce/api-budget.ts';

export interface ServiceRoles {
  /** Hold the RingCentral subscription and enqueue events. */
  readonly listen: boolean;
  /** Process the queue into Salesforce. */
  readonly work: boolean;
}

/** In-process knobs beyond the configuration (tests compress time with them). */
export interface ServiceOptions {
  /** Retry backoff of jobs (default 5 s doubling up to 10 min). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** The listener's half-open socket detection (default 120 s). */
  readonly silenceTimeoutMs?: number;
  /** How often the API budget guard looks at the usage (default 10 s). */
  readonly budgetIntervalMs?: number;
  /** While Redis is unreachable, how often that is logged again (default 30 s). */
  readonly redisReminderMs?: number;
}

export interface RunningService {
  readonly queue: Queue;
  readonly worker: Worker<unknown, CallJobResult> | undefined;
  /** The subscription, while this process holds it (one replica does: see LeaderElection). */
  readonly listener: InsightsListener | undefined;
  readonly leader: LeaderElection | undefined;
  readonly salesforce: SalesforceSession | undefined;
  readonly metrics: Metrics;
  /** The operator endpoints, when cfg.http is set: the bound port, and more readiness checks. */
  readonly http: Pick<OperatorHttpServer, 'port' | 'url' | 'addCheck'> | undefined;
  stop(): Promise<void>;
}

async function withBackoff<T>(what: string, logger: Logger, fn: () => Promise<T>, stopped: () => boolean): Promise<T> {
  for (let attempt = 1, delay = 1000; ; attempt++, delay = Math.min(delay * 2, 60_000)) {
    try {
      return await fn();
    } catch (e) {
      // Refused credentials are a configuration problem: say so now rather than retry forever.
      if (stopped() || (e instanceof ServiceError && e.failure.kind === 'auth')) throw e;
      const kind = e instanceof ServiceError ? e.failure.kind : 'unknown';
      logger.warn(`${what}_failed_retrying`, { attempt, kind, err: e instanceof Error ? e.message : String(e), retryInMs: delay });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** Watches the org's API usage (from every response, and GET /limits while paused) and acts on the queue. */
function startBudgetGuard(cfg: AppConfig, sf: SalesforceSession, worker: Worker, queue: Queue, logger: Logger, intervalMs?: number): ApiBudgetGuard {
  const guard = new ApiBudgetGuard({
    logger,
    ...(intervalMs ? { intervalMs } : {}),
    concurrency: cfg.worker.concurrency,
    slowAt: cfg.apiBudget.slowAt,
    pauseAt: cfg.apiBudget.pauseAt,
    lastUsage: () => sf.apiUsage(),
    fetchUsage: async () => {
      const limits = await sf.conn.limits();
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

/**
 * The composition root of the long-running service: connects Redis, RingCentral and Salesforce, and starts the
 * listener and/or the worker. Nothing here handles signals: the caller calls stop().
 */
export async function startService(cfg: AppConfig, mapping: () => MappingSnapshot, roles: ServiceRoles, logger: Logger, opts: ServiceOptions = {}): Promise<RunningService> {
  if (!cfg.ringcentral) throw new Error('RingCentral is not configured');
  let stopping = false;
  const connections: Redis[] = [];
  // One reporter for every Redis connection and client: an outage is one line when lost, one when back, reminders between.
  const health = new RedisHealth({ logger, ...(opts.redisReminderMs ? { reminderMs: opts.redisReminderMs } : {}) });
  const conn = (name: string) => {
    const r = redisConnection(cfg.redis.url, health, logger, name);
    connections.push(r);
    return r;
  };
  const queueRedis = conn('queue');
  const queue = new Queue(CALLS_QUEUE, { connection: queueRedis, prefix: cfg.redis.prefix });
  queue.on('error', (e) => health.clientError('queue', e) || logger.warn('queue_error', { err: e.message }));

  let worker: Worker<unknown, CallJobResult> | undefined;
  let salesforce: SalesforceSession | undefined;
  let listener: InsightsListener | undefined;
  let leader: LeaderElection | undefined;
  let budget: ApiBudgetGuard | undefined;
  // Metrics and the operator endpoints come first, so that /healthz answers (and /readyz says why not ready)
  // while RingCentral and Salesforce are still being reached.
  const metrics = createMetrics({
    jobCounts: () => queue.getJobCounts(...QUEUE_STATES),
    apiUsage: () => salesforce?.apiUsage(),
    subscriptionActive: () => listener?.state() === 'connected',
    apiBudgetState: () => ({ normal: 0, slow: 1, paused: 2 })[budget?.state() ?? 'normal'],
  });
  const checks = serviceChecks({
    ping: () => queueRedis.ping(),
    ...(roles.listen ? { leader: () => leader, listener: () => listener } : {}),
    ...(roles.work ? { salesforce: () => salesforce } : {}),
  });

  const rcConfig = cfg.ringcentral;
  let rc: RingCentralClient;
  let http: OperatorHttpServer | undefined;
  try {
    http = cfg.http ? await startHttpServer(cfg.http, { logger, metrics, queues: [queue], checks }) : undefined;
    rc = await withBackoff('ringcentral_login', logger, () => createRingCentralClient(rcConfig, { logger }), () => stopping);
  } catch (e) {
    await http?.close();
    await queue.close().catch(() => undefined);
    health.close();
    await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    throw e;
  }

  if (roles.work) {
    if (!cfg.salesforce) throw new Error('Salesforce is not configured');
    salesforce = createSalesforceSession(cfg.salesforce, { logger, onRequest: (operation, status) => metrics.salesforceRequests.inc({ operation, status }) });
    // A failed first login is not fatal: requests re-run the grant (bounded), and jobs wait and retry.
    await salesforce.authorize().catch(() => undefined);
    const people = new CachedPeople(new SalesforcePeople(salesforce.conn));
    const writer = new SalesforceTaskWriter(salesforce.conn, { ...(mapping().mapping.salesforce.externalIdField ? { externalIdField: mapping().mapping.salesforce.externalIdField } : {}) });
    const lockRedis = conn('lock');
    worker = createCallWorker({
      connection: conn('worker'),
      prefix: cfg.redis.prefix,
      concurrency: cfg.worker.concurrency,
      logger,
      metrics,
      queue,
      // The write ledger lives with the lock, on its connection: a call's lock and ledger entry are read and written
      // together, and the lock hands each call its entry (processCall's ledger).
      lock: new CallLock(lockRedis, cfg.redis.prefix, {
        ttlMs: cfg.worker.lockDurationMs,
        ledger: new RedisWriteLedger(lockRedis, cfg.redis.prefix),
        onLedgerError: (e) => logger.warn('ledger_write_failed', { err: e instanceof Error ? e.message : String(e) }),
      }),
      unmapped: new UnmappedStore(lockRedis, cfg.redis.prefix),
      process: { mapping, people, telephony: new RingCentralTelephony({ platform: rc.platform, logger }), writer, forget: (ids) => people.forget(ids) },
      lockDurationMs: cfg.worker.lockDurationMs,
      stalledIntervalMs: cfg.worker.stalledIntervalMs,
      failedRetentionDays: cfg.worker.failedRetentionDays,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
    logger.info('worker_started', { concurrency: cfg.worker.concurrency, prefix: cfg.redis.prefix });
    // The mapped owners, looked up while the first jobs are fetched: the first calls find them cached.
    void warmMappedUsers(mapping(), people).then((n) => logger.debug('mapped_users_warmed', n));
    budget = startBudgetGuard(cfg, salesforce, worker, queue, logger, opts.budgetIntervalMs);
    const guard = budget;
    http?.addCheck('api_budget', () => ({ ok: guard.state() !== 'paused', state: guard.state(), ...(guard.usage() ?? {}) }));
  }

  let catchUp: CatchUp | undefined;
  let stopCatchUpTimer: (() => void) | undefined;
  if (roles.listen) {
    // Listener-only code (the RingCentral subscription library above all) is loaded only by a process that listens.
    const [{ CatchUp }, { LeaderElection }, { createInsightsListener }, { enqueueInsights, enqueueNotification }] = await Promise.all([
      import('../ringcentral/catch-up.ts'),
      import('./leader-election.ts'),
      import('../ringcentral/subscription.ts'),
      import('../queue/producer.ts'),
    ]);
    // Events the WebSocket lost (restart, Failed recovery, replay race) are read back from the call log.
    const cu = new CatchUp({
      platform: rc.platform,
      redis: conn('catchup'),
      prefix: cfg.redis.prefix,
      enqueue: (insights) => enqueueInsights(queue, insights, 'catch_up', logger, { metrics }),
      onRun: (reason) => metrics.catchupRuns.inc({ reason }),
      logger,
      // The call log is filtered by call start: re-read two hours, so a long call ending late is not missed.
      overlapMs: 2 * 3600_000,
    });
    catchUp = cu;
    // A failed pass is logged (catchup_failed) and redone by the periodic tick: never an unhandled rejection.
    const catchUpNow = (reason: CatchUpReason): void => {
      void cu.run(reason).catch(() => undefined);
    };
    leader = new LeaderElection({
      redis: conn('leader'),
      key: `${cfg.redis.prefix}:leader:listener`,
      logger,
      ttlMs: cfg.leaderLockTtlMs,
      onElected: async () => {
        listener = createInsightsListener({
          sdk: rc.sdk,
          logger,
          ...(opts.silenceTimeoutMs ? { silenceTimeoutMs: opts.silenceTimeoutMs } : {}),
          onNotification: async (raw) => {
            await enqueueNotification(queue, raw, logger, { metrics });
          },
          onRecovered: (info) => {
            metrics.websocketReconnects.inc();
            catchUpNow(info.reason);
          },
        });
        await listener.start();
        catchUpNow('startup');
        stopCatchUpTimer = cu.startPeriodic();
      },
      onDemoted: async () => {
        stopCatchUpTimer?.();
        stopCatchUpTimer = undefined;
        const l = listener;
        listener = undefined;
        await l?.stop().catch((e: unknown) => logger.warn('listener_stop_failed', { err: e }));
      },
    });
    await leader.start();
    if (leader.state() !== 'leader') logger.info('listener_standby', { reason: 'another replica holds the subscription' });
  }

  return {
    queue,
    worker,
    get listener() {
      return listener;
    },
    leader,
    salesforce,
    metrics,
    http: http && { port: http.port, url: http.url, addCheck: http.addCheck },
    async stop() {
      if (stopping) return;
      stopping = true;
      logger.info('shutting_down');
      await http?.close();
      await leader?.stop();
      await catchUp?.close();
      await budget?.stop();
      if (worker) {
        const timeout = cfg.worker.shutdownTimeoutMs;
        const closed = worker.close();
        const timedOut = await Promise.race([closed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), timeout).unref())]);
        if (timedOut) {
          logger.warn('shutdown_timeout_releasing_jobs', { timeoutMs: timeout });
          worker.cancelAllJobs('shutdown');
          await worker.close(true);
        }
      }
      await queue.close().catch(() => undefined);
      await rc.close();
      health.close();
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
      logger.info('stopped');
    },
  };
}
