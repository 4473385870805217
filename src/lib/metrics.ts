import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus metrics: one registry per service instance (never prom-client's global one, so that
 * tests can run several services in one process). Names follow Prometheus practice: the `ringsense_` prefix,
 * base units, counters ending in `_total`, and only bounded label values — never a record id, a user id, a
 * phone number or any call content.
 */

export type EventSource = 'websocket' | 'catch_up' | 'replay' | 'backfill';
export type CallOutcome = 'created' | 'updated' | 'unchanged';
export type RetryKind = 'transient' | 'auth' | 'stale_reference' | 'rate_limited' | 'held' | 'unknown';
export type SalesforceOperation = 'query' | 'search' | 'create' | 'update' | 'collection_create' | 'token' | 'other';

/** What the scrape-time gauges read; every source is optional and read only when /metrics is scraped. */
export interface MetricsSources {
  /** Job counts per state (BullMQ `queue.getJobCounts`). */
  readonly jobCounts?: () => Promise<Record<string, number>>;
  /** The last Sforce-Limit-Info seen (jsforce `conn.limitInfo.apiUsage`). */
  readonly apiUsage?: () => { readonly used: number; readonly limit: number } | undefined;
  /** True while this replica holds a connected RingCentral subscription. */
  readonly subscriptionActive?: () => boolean;
  /** The API budget guard's state: 0 normal, 1 slowed down, 2 paused. */
  readonly apiBudgetState?: () => number;
  /** Why the work is held while Salesforce is unavailable (login, auth, outage, daily_limit...), or undefined. */
  readonly salesforceHold?: () => string | undefined;
}

export interface Metrics {
  readonly registry: Registry;
  readonly eventsReceived: Counter<'source'>;
  readonly eventsRejected: Counter<'reason'>;
  readonly eventsDuplicate: Counter;
  readonly jobsCompleted: Counter<'call'>;
  readonly jobsFailed: Counter<'reason'>;
  readonly jobRetries: Counter<'kind'>;
  readonly salesforceRequests: Counter<'operation' | 'status'>;
  readonly eventToSalesforce: Histogram;
  readonly websocketReconnects: Counter;
  readonly catchupRuns: Counter<'reason'>;
  readonly mappedFieldRefusals: Counter<'field' | 'code'>;
  /** Calls' next steps for their opportunity (mapping opportunity.nextStep): written, recorded, kept (why) or refused (code). */
  readonly opportunityNextSteps: Counter<'outcome' | 'reason'>;
  /** Calls' transcript documents (mapping activity.transcriptFile): created, versioned, kept (why) or refused (code), by kind. */
  readonly transcriptFiles: Counter<'outcome' | 'reason' | 'kind'>;
  /** The registry in the Prometheus text format, and its content type. */
  scrape(): Promise<{ readonly contentType: string; readonly body: string }>;
}

/** Job-count states exported by `ringsense_queue_jobs`. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

/** Event received -> every record written: from well under a second to a couple of minutes (retries, pauses). */
export const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** A scrape must answer even when Redis does not: give up on the queue counts after this long. */
const SCRAPE_TIMEOUT_MS = 1000;

const EVENT_SOURCES: readonly EventSource[] = ['websocket', 'catch_up', 'replay', 'backfill'];
const CALL_OUTCOMES: readonly CallOutcome[] = ['created', 'updated', 'unchanged'];
const RETRY_KINDS: readonly RetryKind[] = ['transient', 'auth', 'stale_reference', 'rate_limited', 'held'];

/** A label value from something outside our control (an error code): kept only if it looks like a code. */
export function boundedCode(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(value) ? value : fallback;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  p.catch(() => undefined); // a late rejection after the timeout is not unhandled
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function createMetrics(sources: MetricsSources = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ringsense_' });
  const registers = [registry];

  const eventsReceived = new Counter({ name: 'ringsense_events_received_total', help: 'RingSense events received, by where they came from', labelNames: ['source'] as const, registers });
  const eventsRejected = new Counter({ name: 'ringsense_events_rejected_total', help: 'Events that failed validation (kept in the failed set), by reason', labelNames: ['reason'] as const, registers });
  const eventsDuplicate = new Counter({ name: 'ringsense_events_duplicate_total', help: 'Events whose call version was already queued or done', registers });
  const jobsCompleted = new Counter({ name: 'ringsense_jobs_completed_total', help: 'Calls synced to Salesforce, by what happened to the call Task', labelNames: ['call'] as const, registers });
  const jobsFailed = new Counter({ name: 'ringsense_jobs_failed_total', help: 'Jobs that failed for good (moved to the failed set), by reason', labelNames: ['reason'] as const, registers });
  const jobRetries = new Counter({ name: 'ringsense_job_retries_total', help: 'Job attempts that will be retried, by kind of failure', labelNames: ['kind'] as const, registers });
  const salesforceRequests = new Counter({
    name: 'ringsense_salesforce_requests_total',
    help: 'HTTP requests to Salesforce (each counts against the API allocation, token requests aside), by operation and status (ok or the error code)',
    labelNames: ['operation', 'status'] as const,
    registers,
  });
  const eventToSalesforce = new Histogram({
    name: 'ringsense_event_to_salesforce_seconds',
    help: 'Time from receiving an event to having all its records written in Salesforce',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const websocketReconnects = new Counter({ name: 'ringsense_websocket_reconnects_total', help: 'RingCentral WebSocket recoveries and re-subscriptions', registers });
  const catchupRuns = new Counter({ name: 'ringsense_catchup_runs_total', help: 'Call-log catch-up passes started, by reason', labelNames: ['reason'] as const, registers });
  const mappedFieldRefusals = new Counter({
    name: 'ringsense_mapped_field_refusals_total',
    help: 'Calls written without a mapped Task field (mapping fields.task) because Salesforce refused it or its type cannot hold the value, by field and code',
    labelNames: ['field', 'code'] as const,
    registers,
  });

  new Gauge({
    name: 'ringsense_queue_jobs',
    help: 'Jobs in the calls queue, by state (read on scrape)',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      this.reset();
      if (!sources.jobCounts) return;
      try {
        const counts = await withTimeout(sources.jobCounts(), SCRAPE_TIMEOUT_MS);
        for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
      } catch {
        // Redis is unreachable: no series rather than made-up zeros (/readyz says why).
      }
    },
  });
  const usage = () => sources.apiUsage?.();
  new Gauge({
    name: 'ringsense_salesforce_api_used',
    help: 'Salesforce API requests used in the rolling 24 h allocation (Sforce-Limit-Info of the last response; 0 until one is seen)',
    registers,
    collect() {
      this.set(usage()?.used ?? 0);
    },
  });
  new Gauge({
    name: 'ringsense_salesforce_api_limit',
    help: 'Salesforce API allocation for 24 h (Sforce-Limit-Info of the last response; 0 until one is seen)',
    registers,
    collect() {
      this.set(usage()?.limit ?? 0);
    },
  });
  new Gauge({
    name: 'ringsense_salesforce_api_usage_ratio',
    help: 'Share of the Salesforce API allocation used, 0 to 1 (Sforce-Limit-Info of the last response)',
    registers,
    collect() {
      const u = usage();
      this.set(u && u.limit > 0 ? u.used / u.limit : 0);
    },
  });
  new Gauge({
    name: 'ringsense_subscription_active',
    help: '1 while this replica holds a connected RingCentral subscription',
    registers,
    collect() {
      this.set(sources.subscriptionActive?.() ? 1 : 0);
    },
  });

  new Gauge({
    name: 'ringsense_api_budget_state',
    help: 'Salesforce API budget guard: 0 normal, 1 slowed down (over the slow-down share), 2 queue paused (over the hard share)',
    registers,
    collect() {
      this.set(sources.apiBudgetState?.() ?? 0);
    },
  });

  new Gauge({
    name: 'ringsense_salesforce_held',
    help: '1 while the work is held because Salesforce is unavailable, labelled with why (login, auth, outage, daily_limit, concurrent_limit); no series while it answers',
    labelNames: ['cause'] as const,
    registers,
    collect() {
      this.reset();
      const cause = sources.salesforceHold?.();
      if (cause) this.set({ cause }, 1);
    },
  });

  const transcriptFiles = new Counter({
    name: 'ringsense_transcript_files_total',
    help: "Calls' transcript documents (mapping activity.transcriptFile), by outcome (created, versioned, kept, refused), reason (why kept, or Salesforce's code) and kind (note, file)",
    labelNames: ['outcome', 'reason', 'kind'] as const,
    registers,
  });
  const opportunityNextSteps = new Counter({
    name: 'ringsense_opportunity_next_steps_total',
    help: "Calls' next steps for their open opportunity (mapping opportunity.nextStep), by outcome (written, recorded, kept, refused) and reason (why kept, or Salesforce's code)",
    labelNames: ['outcome', 'reason'] as const,
    registers,
  });

  // Known label values start at 0, so rates and alerts work before the first occurrence.
  for (const source of EVENT_SOURCES) eventsReceived.inc({ source }, 0);
  for (const call of CALL_OUTCOMES) jobsCompleted.inc({ call }, 0);
  for (const kind of RETRY_KINDS) jobRetries.inc({ kind }, 0);
  return {
    registry,
    eventsReceived,
    eventsRejected,
    eventsDuplicate,
    jobsCompleted,
    jobsFailed,
    jobRetries,
    salesforceRequests,
    eventToSalesforce,
    websocketReconnects,
    catchupRuns,
    mappedFieldRefusals,
    opportunityNextSteps,
    transcriptFiles,
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
