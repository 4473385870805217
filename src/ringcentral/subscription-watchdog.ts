/**
 * Half-open socket detection for the insights listener. A WebSocket whose TCP connection died without a FIN (a NAT
 * or load balancer dropping it, a laptop asleep) looks open for as long as nothing is written to it: no 'close'
 * ever comes, so the client's auto-recover never starts. The watchdog terminates a socket on which no frame at all
 * has arrived for `silenceMs`; the termination closes it, and auto-recover takes over.
 *
 * A healthy idle socket is never that silent: the client sends a Heartbeat after `heartbeatIntervalMs(silenceMs)`
 * of silence and the gateway echoes it.
 */
import type { WebSocket } from 'ws';
import type { Logger } from '../lib/logger.ts';

const OPEN = 1;

/** How long the client waits on a silent socket before it sends a Heartbeat: half the silence allowed, at most 60 s. */
export function heartbeatIntervalMs(silenceMs: number): number {
  return Math.max(10, Math.min(60_000, Math.floor(silenceMs / 2)));
}

export class SilenceWatchdog {
  readonly #silenceMs: number;
  readonly #log: Logger;
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopped = false;

  constructor(opts: { readonly silenceMs: number; readonly logger: Logger }) {
    this.#silenceMs = opts.silenceMs;
    this.#log = opts.logger;
  }

  /** Terminates `ws` once no frame at all has arrived on it for silenceMs (also while still connecting). */
  watch(ws: WebSocket): void {
    let lastFrameAt = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number): void => {
      timer = setTimeout(check, ms);
      timer.unref();
      this.#timers.add(timer);
    };
    const disarm = (): void => {
      if (timer) {
        clearTimeout(timer);
        this.#timers.delete(timer);
      }
      timer = undefined;
    };
    const check = (): void => {
      disarm();
      if (this.#stopped || ws.readyState > OPEN) return;
      const silentMs = Date.now() - lastFrameAt;
      if (silentMs < this.#silenceMs) return arm(this.#silenceMs - silentMs);
      this.#log.warn('rc_ws_silent_terminated', { silentMs });
      ws.terminate();
    };
    ws.on('message', () => {
      lastFrameAt = Date.now();
    });
    ws.on('close', disarm);
    arm(this.#silenceMs);
  }

  /** Stops watching every socket: no socket is terminated after this. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
