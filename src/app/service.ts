import { Queue, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/load-config.ts';
import type { MappingSnapshot } from '../config/load-mapping.ts';
import { startHttpServer, type OperatorHttpServer } from '../http/server.ts';
import { serviceChecks } from '../http/service-checks.ts';
import { backoffDelay } from '../lib/backoff.ts';
import type { Logger } from '../lib/logger.ts';
import { createMetrics, QUEUE_STATES, type Metrics } from '../lib/metrics.ts';
import { ServiceError } from '../lib/service-error.ts';
import type { CallJobResult } from '../queue/call-processor.ts';
import { CALLS_QUEUE } from '../queue/jobs.ts';
import { createRingCentralClient, type RingCentralClient } from '../ringcentral/sdk.ts';
import type { InsightsListener } from '../ringcentral/subscription.ts';
import type { SalesforceSession } from '../salesforce/connection.ts';
import type { LeaderElection } from './leader-election.ts';
import { consoleFacts } from './console-facts.adapter.ts';
import { consoleMappingFacts } from './console-mapping.adapter.ts';
import { consoleUnmapped } from './console-unmapped.adapter.ts';
import { startListenerRole, type ListenerRole, type ListenerRoleOptions } from './listener-role.ts';
import { redisConnection } from './redis-connection.ts';
import { RedisHealth } from '../lib/redis-health.ts';
import { startWorkerRole, type WorkerRole, type WorkerRoleOptions } from './worker-role.ts';

export interface ServiceRoles {
  /** Hold the RingCentral subscription and enqueue events. */
  readonly listen: boolean;
  /** Process the queue into Salesforce. */
  readonly work: boolean;
}

/** In-process knobs beyond the configuration (tests compress time with them). */
export interface ServiceOptions extends WorkerRoleOptions, ListenerRoleOptions {
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
  /** The worker role's outage gate (Salesforce held or answering), when this process works. */
  readonly gate: WorkerRole['gate'] | undefined;
  readonly metrics: Metrics;
  /** The operator endpoints, when cfg.http is set: the bound port, and more readiness checks. */
  readonly http: Pick<OperatorHttpServer, 'port' | 'url' | 'addCheck'> | undefined;
  stop(): Promise<void>;
}

/** RingCentral's login at start: network and 5xx failures are retried (1 s doubling to a minute); refused credentials stop. */
async function loginToRingCentral(cfg: NonNullable<AppConfig['ringcentral']>, logger: Logger, stopped: () => boolean): Promise<RingCentralClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createRingCentralClient(cfg, { logger });
    } catch (e) {
      // Refused credentials are a configuration problem: say so now rather than retry forever.
      if (stopped() || (e instanceof ServiceError && e.failure.kind === 'auth')) throw e;
      const retryInMs = backoffDelay(attempt, { baseMs: 1000, maxMs: 60_000, jitter: 'none' });
      const kind = e instanceof ServiceError ? e.failure.kind : 'unknown';
      logger.warn('ringcentral_login_failed_retrying', { attempt, kind, err: e instanceof Error ? e.message : String(e), retryInMs });
      await new Promise((r) => setTimeout(r, retryInMs));
    }
  }
}

/** Finishes the active jobs within the shutdown timeout, then releases the rest (retried elsewhere). */
async function closeWorker(worker: Worker, timeoutMs: number, logger: Logger): Promise<void> {
  const closed = worker.close();
  const timedOut = await Promise.race([closed.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), timeoutMs).unref())]);
  if (!timedOut) return;
  logger.warn('shutdown_timeout_releasing_jobs', { timeoutMs });
  worker.cancelAllJobs('shutdown');
  await worker.close(true);
}

/**
 * The composition root of the long-running service: Redis and the queue, the operator endpoints, RingCentral, then
 * the roles this process runs (worker-role.ts, listener-role.ts). Nothing here handles signals: the caller calls stop().
 */
export async function startService(cfg: AppConfig, mapping: () => MappingSnapshot, roles: ServiceRoles, logger: Logger, opts: ServiceOptions = {}): Promise<RunningService> {
  const rcConfig = cfg.ringcentral;
  if (!rcConfig) throw new Error('RingCentral is not configured');
  const sfConfig = cfg.salesforce;
  if (roles.work && !sfConfig) throw new Error('Salesforce is not configured');
  let stopping = false;
  const connections: Redis[] = [];
  // One reporter for every Redis connection and client: an outage is one line when lost, one when back, reminders between.
  const health = new RedisHealth({ logger, ...(opts.redisReminderMs ? { reminderMs: opts.redisReminderMs } : {}) });
  const redis = (name: string): Redis => {
    const r = redisConnection(cfg.redis.url, health, logger, name);
    connections.push(r);
    return r;
  };
  const queueRedis = redis('queue');
  const queue = new Queue(CALLS_QUEUE, { connection: queueRedis, prefix: cfg.redis.prefix });
  queue.on('error', (e) => health.clientError('queue', e) || logger.warn('queue_error', { err: e.message }));

  let work: WorkerRole | undefined;
  let listen: ListenerRole | undefined;
  // Metrics and the operator endpoints come first, so that /healthz answers (and /readyz says why not ready)
  // while RingCentral and Salesforce are still being reached.
  const metrics = createMetrics({
    jobCounts: () => queue.getJobCounts(...QUEUE_STATES),
    apiUsage: () => work?.salesforce.apiUsage(),
    subscriptionActive: () => listen?.listener()?.state() === 'connected',
    apiBudgetState: () => ({ normal: 0, slow: 1, paused: 2 })[work?.budget.state() ?? 'normal'],
    salesforceHold: () => {
      const s = work?.gate.state();
      return s && !s.open ? s.cause : undefined;
    },
  });
  const checks = serviceChecks({
    ping: () => queueRedis.ping(),
    ...(roles.listen ? { leader: () => listen?.leader, listener: () => listen?.listener() } : {}),
    ...(roles.work ? { salesforce: () => work?.gate } : {}),
  });
  const closeConnections = async (): Promise<void> => {
    await queue.close().catch(() => undefined);
    health.close();
    await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
  };

  let rc: RingCentralClient | undefined;
  let http: OperatorHttpServer | undefined;
  try {
    const adminConsole = consoleFacts({
      queue, redis: queueRedis, prefix: cfg.redis.prefix, domains: cfg.domains, apiBudget: cfg.apiBudget, listens: roles.listen,
      leader: () => listen?.leader, listener: () => listen?.listener(), budget: () => work?.budget, instanceUrl: () => work?.salesforce.conn.instanceUrl || undefined,
      ringcentral: () => rc?.platform, defaultCountry: () => mapping().mapping.phone.defaultCountry,
    });
    const unmappedPage = consoleUnmapped({
      queue, redis: queueRedis, prefix: cfg.redis.prefix, mappingFile: cfg.mappingFile, mapping, salesforce: () => work?.salesforce.conn, ringcentral: () => rc?.platform, logger,
    });
    const mappingPage = consoleMappingFacts({
      file: cfg.mappingFile, mapping, salesforce: () => work?.salesforce.conn, ringcentral: () => rc?.platform, ringcentralServer: rcConfig.serverUrl,
      redis: queueRedis, prefix: cfg.redis.prefix, logger,
    });
    http = cfg.http ? await startHttpServer(cfg.http, { logger, metrics, queues: [queue], checks, console: { ...adminConsole, mapping: mappingPage, unmapped: unmappedPage } }) : undefined;
    rc = await loginToRingCentral(rcConfig, logger, () => stopping);
    if (roles.work && sfConfig) {
      work = await startWorkerRole({ cfg: { ...cfg, salesforce: sfConfig }, mapping, logger, metrics, queue, rc, redis }, opts);
      const budget = work.budget;
      http?.addCheck('api_budget', () => ({ ok: budget.state() !== 'paused', state: budget.state(), ...(budget.usage() ?? {}) }));
    }
    if (roles.listen) listen = await startListenerRole({ cfg, logger, metrics, queue, rc, redis }, opts);
  } catch (e) {
    // A configuration error (a refused Salesforce app, RingCentral credentials): nothing is left running.
    await http?.close();
    await work?.stop();
    if (work) await work.worker.close(true).catch(() => undefined);
    await rc?.close();
    await closeConnections();
    throw e;
  }
  const ringcentral = rc;

  return {
    queue,
    worker: work?.worker,
    get listener() {
      return listen?.listener();
    },
    leader: listen?.leader,
    salesforce: work?.salesforce,
    gate: work?.gate,
    metrics,
    http: http && { port: http.port, url: http.url, addCheck: http.addCheck },
    async stop() {
      if (stopping) return;
      stopping = true;
      logger.info('shutting_down');
      await http?.close();
      await listen?.stop();
      await work?.stop();
      if (work) await closeWorker(work.worker, cfg.worker.shutdownTimeoutMs, logger);
      await ringcentral.close();
      await closeConnections();
      logger.info('stopped');
    },
  };
}
