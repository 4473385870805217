/**
 * The RingSense insights listener: one WebSocket subscription to the pbx insights event filter through the
 * official @ringcentral/subscriptions client (made crash-proof by SafeSubscriptions), kept alive for as long as
 * the process runs:
 *
 * - a refused register() (gateway down, upgrade answered 503, wstoken refused) is retried with exponential backoff
 *   and jitter after the failed attempt's extension is disposed (state 'degraded' meanwhile);
 * - a dropped socket is recovered by the client's own auto-recover ('reconnecting'); its outcome is reported
 *   through `onRecovered` so the caller can run a catch-up when events may have been lost;
 * - a socket on which nothing at all arrives for `silenceTimeoutMs` (half-open TCP) is terminated so that
 *   auto-recover takes over (SilenceWatchdog, subscription-watchdog.ts).
 */
import type { SDK } from '@ringcentral/sdk';
import type { WebSocket } from 'ws';
import type { Logger } from '../lib/logger.ts';
import type { AceDomain } from '../calls/domains.ts';
import { insightsEventFilter } from './domain-paths.ts';
import { MAX_EVENT_BYTES } from './insights-event.schema.ts';
import { OversizedPayload } from './oversized-payload.ts';
import { disposeExtension, SafeSubscriptions, SubscriptionRequestError, WS_EVENTS, type GuardedWsExtension } from './safe-subscriptions.ts';
import { backoffDelay, type Backoff } from '../lib/backoff.ts';
import { heartbeatIntervalMs, SilenceWatchdog } from './subscription-watchdog.ts';

export type ListenerState = 'starting' | 'connected' | 'reconnecting' | 'degraded' | 'stopped';

export interface RecoveryInfo {
  /** true: the session was resumed and the gateway replayed what it buffered; false: events may have been lost. */
  readonly recovered: boolean;
  readonly reason: 'recovery_successful' | 'recovery_failed' | 'resubscribed';
}

/** Between failed register() attempts: 2 s doubling to 60 s, never sooner than half the step (equal jitter). */
export const REGISTER_BACKOFF: Backoff = { baseMs: 2_000, maxMs: 60_000, jitter: 'equal' };

export interface InsightsListenerOptions {
  readonly sdk: SDK;
  readonly logger: Logger;
  /** The domains subscribed to: one event filter each, in one subscription (default pbx). */
  readonly domains?: readonly AceDomain[];
  /**
   * Gets every notification envelope as the gateway sent it ({uuid, event, timestamp, subscriptionId, ownerId, body}),
   * or an OversizedPayload for one over MAX_EVENT_BYTES, which is not parsed.
   */
  readonly onNotification: (raw: unknown) => void | Promise<void>;
  readonly onRecovered?: (info: RecoveryInfo) => void;
  /** Between failed register() attempts (default 2 s doubling to 60 s, with jitter). */
  readonly backoff?: Backoff;
  /** Terminate a socket on which no frame arrived for this long (default 120 s). */
  readonly silenceTimeoutMs?: number;
}

export interface InsightsListener {
  /**
   * Starts subscribing. Resolves once the first attempt has ended: state is then 'connected', or 'degraded' with
   * retries running in the background. Never rejects.
   */
  start(): Promise<void>;
  /** Revokes the subscription, stops every timer and closes the socket. */
  stop(): Promise<void>;
  state(): ListenerState;
  lastError(): string | undefined;
  stats(): { reconnects: number; registerFailures: number; notifications: number };
}

const DEFAULT_SILENCE_TIMEOUT_MS = 120_000;

/** An error's name and message, without the ws access token a URL might carry. */
function describe(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.replace(/(access_token|wsc)=[^&\s"]+/g, '$1=[redacted]').slice(0, 300);
}

export function createInsightsListener(opts: InsightsListenerOptions): InsightsListener {
  return new WsInsightsListener(opts);
}

class WsInsightsListener implements InsightsListener {
  readonly #opts: InsightsListenerOptions;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #watchdog: SilenceWatchdog;
  readonly #subs: SafeSubscriptions;
  readonly #subscription: ReturnType<SafeSubscriptions['createSubscription']>;
  readonly #stats = { reconnects: 0, registerFailures: 0, notifications: 0 };
  #state: ListenerState = 'starting';
  #lastError: string | undefined;
  #stopped = false;
  /** The extension holding the live subscription, and the one a register() in flight is setting up. */
  #active: GuardedWsExtension | undefined;
  #pending: GuardedWsExtension | undefined;
  #attempt: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #resubscribing = false;
  #started: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(opts: InsightsListenerOptions) {
    this.#opts = opts;
    this.#log = opts.logger;
    this.#backoff = opts.backoff ?? REGISTER_BACKOFF;
    const silenceMs = opts.silenceTimeoutMs ?? DEFAULT_SILENCE_TIMEOUT_MS;
    this.#watchdog = new SilenceWatchdog({ silenceMs, logger: opts.logger });
    this.#subs = new SafeSubscriptions({
      sdk: opts.sdk,
      pingServerIntervalMs: heartbeatIntervalMs(silenceMs),
      maxMessageBytes: MAX_EVENT_BYTES,
      hooks: {
        created: (ext) => this.#onExtension(ext),
        socket: (ext, ws) => this.#onSocket(ext, ws),
        socketError: (_ext, err) => {
          this.#lastError = describe(err);
          const code = (err as { code?: unknown }).code;
          // Over ws's own limit (100 MiB): ws closed the socket; the recovery and the catch-up read the call back.
          if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.#log.warn('rc_ws_message_too_large', { detail: 'over 100 MiB: the socket was closed, the catch-up reads the call back' });
          this.#log.warn('rc_ws_socket_error', { error: this.#lastError, code });
        },
        oversized: (ext, data, type) => this.#onOversized(ext, data, type),
        stopped: () => this.#stopped,
      },
    });
    this.#subscription = this.#subs.createSubscription().setEventFilters((this.#opts.domains ?? ['pbx']).map(insightsEventFilter));
    this.#subscription.on(this.#subscription.events.notification, (evt: unknown) => this.#deliver(evt));
  }

  start(): Promise<void> {
    this.#started ??= this.#runAttempt();
    return this.#started;
  }

  state(): ListenerState {
    return this.#state;
  }

  lastError(): string | undefined {
    return this.#lastError;
  }

  stats(): { reconnects: number; registerFailures: number; notifications: number } {
    return { ...this.#stats };
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    this.#stopped = true;
    this.#state = 'stopped';
    this.#watchdog.stop();
    clearTimeout(this.#retryTimer);
    const exts = [this.#active, this.#pending].filter((e): e is GuardedWsExtension => e !== undefined);
    this.#active = undefined;
    await Promise.all(exts.map((ext) => this.#dispose(ext)));
    // A register() waiting for the socket gives up at once instead of after its own 30 s timeout.
    for (const ext of exts) ext.eventEmitter.emit(WS_EVENTS.autoRecoverError, new Error('listener stopped'));
    await this.#attempt;
    this.#log.info('rc_listener_stopped', this.stats());
  }

  async #dispose(ext: GuardedWsExtension): Promise<void> {
    await disposeExtension(ext, { onRevokeError: (e) => this.#log.warn('rc_subscription_revoke_failed', { error: describe(e) }) });
    this.#subs.forget(ext);
  }

  async #runAttempt(): Promise<void> {
    this.#retryTimer = undefined;
    if (this.#stopped || this.#attempt) return;
    const attempt = this.#register();
    this.#attempt = attempt;
    try {
      await attempt;
    } finally {
      this.#attempt = undefined;
    }
  }

  async #register(): Promise<void> {
    const afterTrouble = this.#failures > 0 || this.#resubscribing;
    try {
      const wsSub = await this.#subscription.register();
      const ext = this.#pending;
      this.#pending = undefined;
      if (!ext) throw new Error('register() resolved without an extension');
      if (this.#stopped) return await this.#dispose(ext);
      this.#active = ext;
      this.#failures = 0;
      this.#resubscribing = false;
      this.#state = 'connected';
      this.#log.info('rc_subscription_registered', { subscriptionId: wsSub.subscriptionInfo?.id, afterTrouble });
      if (afterTrouble) {
        this.#stats.reconnects += 1;
        this.#notifyRecovered({ recovered: false, reason: 'resubscribed' });
      }
    } catch (e) {
      const ext = this.#pending;
      this.#pending = undefined;
      if (ext) await this.#dispose(ext);
      if (this.#stopped) return;
      this.#failures += 1;
      this.#stats.registerFailures += 1;
      this.#lastError = describe(e);
      this.#state = 'degraded';
      const retryInMs = backoffDelay(this.#failures, this.#backoff);
      this.#log.warn('rc_subscription_register_failed', { attempt: this.#failures, retryInMs, error: this.#lastError });
      this.#retryTimer = setTimeout(() => void this.#runAttempt(), retryInMs);
    }
  }

  /** The live subscription cannot be recovered in place: drop it and register a new one. */
  #resubscribe(ext: GuardedWsExtension): void {
    if (this.#stopped || this.#active !== ext) return;
    this.#active = undefined;
    this.#resubscribing = true;
    this.#state = 'degraded';
    void this.#dispose(ext).then(() => {
      if (this.#stopped || this.#attempt || this.#retryTimer) return;
      this.#retryTimer = setTimeout(() => void this.#runAttempt(), backoffDelay(1, this.#backoff));
    });
  }

  #onExtension(ext: GuardedWsExtension): void {
    this.#pending = ext;
    const emitter = ext.eventEmitter;
    emitter.on(WS_EVENTS.autoRecoverSuccess, () => this.#onRecovered(ext, true));
    emitter.on(WS_EVENTS.autoRecoverFailed, () => this.#onRecovered(ext, false));
    emitter.on(WS_EVENTS.autoRecoverError, (err: unknown) => {
      if (this.#stopped || ext !== this.#active) return; // a register() in flight handles its own failures
      this.#lastError = describe(err);
      this.#state = 'degraded';
      this.#log.warn('rc_ws_recover_failed', { error: this.#lastError });
      if (err instanceof SubscriptionRequestError) this.#resubscribe(ext);
    });
  }

  #onRecovered(ext: GuardedWsExtension, successful: boolean): void {
    // During register() a first successful connect is reported as a (Failed) recovery: not ours to report.
    if (this.#stopped || ext !== this.#active) return;
    this.#stats.reconnects += 1;
    this.#state = 'connected';
    this.#log.info('rc_ws_recovered', { recoveryState: successful ? 'Successful' : 'Failed', subscriptionId: ext.subscription?.subscriptionInfo?.id });
    this.#notifyRecovered(successful ? { recovered: true, reason: 'recovery_successful' } : { recovered: false, reason: 'recovery_failed' });
  }

  #notifyRecovered(info: RecoveryInfo): void {
    try {
      this.#opts.onRecovered?.(info);
    } catch (e) {
      this.#log.error('rc_recovered_handler_failed', { reason: info.reason, error: describe(e) });
    }
  }

  #onSocket(ext: GuardedWsExtension, ws: WebSocket): void {
    if (this.#stopped) {
      ws.terminate();
      return;
    }
    ws.on('close', (code: number) => {
      if (this.#stopped || ext !== this.#active || ext.ws !== ws || this.#state !== 'connected') return;
      this.#state = 'reconnecting';
      this.#log.warn('rc_ws_disconnected', { code });
    });
    this.#watchdog.watch(ws);
  }

  /** A message too large to parse: a notification of this subscription is delivered as an OversizedPayload. */
  #onOversized(ext: GuardedWsExtension, data: Buffer, type: string | undefined): void {
    if (this.#stopped) return;
    const big = OversizedPayload.of(data);
    const ours = ext.subscription?.subscriptionInfo?.id;
    if (type !== 'ServerNotification' || (big.ids.subscriptionId !== undefined && ours !== undefined && big.ids.subscriptionId !== ours)) {
      this.#log.warn('rc_ws_message_too_large', { bytes: big.bytes, type: type ?? 'unreadable', detail: 'not a notification of this subscription: dropped' });
      return;
    }
    this.#deliver(big);
  }

  #deliver(evt: unknown): void {
    if (this.#stopped) return;
    this.#stats.notifications += 1;
    const uuid = evt && typeof evt === 'object' ? (evt as { uuid?: unknown }).uuid : undefined;
    const fail = (e: unknown): void => {
      this.#log.error('rc_notification_handler_failed', { uuid, error: describe(e) });
    };
    try {
      const r = this.#opts.onNotification(evt);
      if (r && typeof r.then === 'function') r.then(undefined, fail);
    } catch (e) {
      fail(e);
    }
  }
}
