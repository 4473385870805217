import { DOMAIN_NAMES, isCatchUpDomain, unrecoverableDomains } from '../calls/domains.ts';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/load-config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { CatchUpReason } from '../ringcentral/catch-up.ts';
import type { RingCentralClient } from '../ringcentral/sdk.ts';
import type { InsightsListener } from '../ringcentral/subscription.ts';
import type { LeaderElection } from './leader-election.ts';

/** The Redis key of the lock whose holder runs the subscription (its value: the holder's LeaderElection id). */
export const listenerLockKey = (prefix: string): string => `${prefix}:leader:listener`;

export interface ListenerRoleOptions {
  /** The listener's half-open socket detection (default 120 s). */
  readonly silenceTimeoutMs?: number;
}

export interface ListenerRoleDeps {
  readonly cfg: AppConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly queue: Queue;
  readonly rc: RingCentralClient;
  readonly redis: (name: string) => Redis;
}

export interface ListenerRole {
  readonly leader: LeaderElection;
  /** The subscription, while this process holds it (one replica does). */
  listener(): InsightsListener | undefined;
  stop(): Promise<void>;
}

/**
 * The listener role: one replica (elected through a lock in Redis) holds the RingCentral subscription and enqueues
 * every event; on start and after every reconnect the call-log catch-up reads back what the WebSocket lost.
 * Listener-only code (the RingCentral subscription library above all) is loaded only by a process that listens.
 */
export async function startListenerRole(d: ListenerRoleDeps, opts: ListenerRoleOptions = {}): Promise<ListenerRole> {
  const { cfg, logger, metrics, queue, rc } = d;
  const [{ CatchUp }, { LeaderElection }, { createInsightsListener }, { enqueueInsights, enqueueNotification }] = await Promise.all([
    import('../ringcentral/catch-up.ts'),
    import('./leader-election.ts'),
    import('../ringcentral/subscription.ts'),
    import('../queue/producer.ts'),
  ]);
  // Catch-up reads the call log (pbx) and the meeting history (rcv): no other domain's recordings are listed anywhere.
  // Say once which enabled domains it cannot cover.
  const uncovered = unrecoverableDomains(cfg.domains);
  if (uncovered.length > 0) {
    logger.warn('catch_up_not_possible', {
      domains: uncovered,
      hint: `RingCentral offers no way to list ${uncovered.map((d) => `${d} (${DOMAIN_NAMES[d]})`).join(', ')} recordings: their events missed while the subscription is down are recovered only by the WebSocket's own recovery, and otherwise need a replay by id (ringsense-sync replay <id> --domain <domain>).`,
    });
  }
  // Events the WebSocket lost (restart, Failed recovery, replay race) are read back from the call log.
  const catchUp = new CatchUp({
    platform: rc.platform,
    redis: d.redis('catchup'),
    prefix: cfg.redis.prefix,
    enqueue: (insights) => enqueueInsights(queue, insights, 'catch_up', logger, { metrics, domains: cfg.domains }),
    onRun: (reason) => metrics.catchupRuns.inc({ reason }),
    domains: cfg.domains.filter(isCatchUpDomain),
    logger,
    // The call log is filtered by call start: re-read two hours, so a long call ending late is not missed.
    overlapMs: 2 * 3600_000,
  });
  // A failed pass is logged (catchup_failed) and redone by the periodic tick: never an unhandled rejection.
  const catchUpNow = (reason: CatchUpReason): void => {
    void catchUp.run(reason).catch(() => undefined);
  };
  let listener: InsightsListener | undefined;
  let stopCatchUpTimer: (() => void) | undefined;
  const leader = new LeaderElection({
    redis: d.redis('leader'),
    key: listenerLockKey(cfg.redis.prefix),
    logger,
    ttlMs: cfg.leaderLockTtlMs,
    onElected: async () => {
      listener = createInsightsListener({
        sdk: rc.sdk,
        logger,
        domains: cfg.domains,
        ...(opts.silenceTimeoutMs ? { silenceTimeoutMs: opts.silenceTimeoutMs } : {}),
        onNotification: async (raw) => {
          await enqueueNotification(queue, raw, logger, { metrics, domains: cfg.domains });
        },
        onRecovered: (info) => {
          metrics.websocketReconnects.inc();
          catchUpNow(info.reason);
        },
      });
      await listener.start();
      catchUpNow('startup');
      stopCatchUpTimer = catchUp.startPeriodic();
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
  return {
    leader,
    listener: () => listener,
    async stop() {
      await leader.stop();
      await catchUp.close();
    },
  };
}
