/**
 * @ringcentral/subscriptions 5.0.11 made safe for a long-lived process, without changing the package:
 *
 * - @rc-ex/ws never listens for the socket's 'error' event, so a refused connection or an upgrade answered
 *   with HTTP 503 kills Node ("Unhandled 'error' event"), on the first connect and on auto-recover alike.
 *   `SafeSubscriptions.newWsExtension` attaches an error listener to every socket the extension creates.
 * - A RestException inside the auto-recover timer (the re-subscribe after a Failed recovery was refused) is
 *   rethrown from an interval callback: an unhandled rejection, and auto-recover stops for good.
 *   `GuardedWsExtension.recover` turns it into `SubscriptionRequestError`, which auto-recover reports as
 *   `autoRecoverError` like any other failed attempt.
 * - When `register()` fails the extension it created keeps its auto-recover timer (a leak and a duplicate
 *   connection later), and an interrupted recover re-arms that timer after `revoke()` cleared it.
 *   `disposeExtension` disables it for good.
 *
 * - @rc-ex/ws reads every message whole, as text, once per listener (four of them), and JSON-parses it in each:
 *   a 50 MB message took the process from 225 to 708 MB. `withholdOversized` keeps messages over a size from
 *   its listeners (and so from parsing) and hands their bytes to the `oversized` hook instead; the session's
 *   recovery token (`wsc`) they carry is taken as @rc-ex/ws would have taken it.
 *
 * @rc-ex/ws is loaded from where @ringcentral/subscriptions loads it, so it is the very same module.
 */
import { createRequire } from 'node:module';
import { Subscriptions } from '@ringcentral/subscriptions';
import type { SDK } from '@ringcentral/sdk';
import type * as RcExWs from '@rc-ex/ws';
import type { WebSocket } from 'ws';

const requireFromSubscriptions = createRequire(createRequire(import.meta.url).resolve('@ringcentral/subscriptions'));
const wsModulePath = requireFromSubscriptions.resolve('@rc-ex/ws');
// @rc-ex/ws has no "type": "module", so to this ESM file its typings are CommonJS: the class is `default.default`.
type WebSocketExtensionClass = typeof RcExWs.default.default;
type WebSocketExtension = InstanceType<WebSocketExtensionClass>;
const wsModule = requireFromSubscriptions(wsModulePath) as { default: WebSocketExtensionClass };
const RestException = createRequire(wsModulePath)('@rc-ex/core/RestException') as { default: new (...args: never[]) => Error };

/** Event names of @rc-ex/ws (its `Events` enum). */
export const WS_EVENTS = {
  autoRecoverSuccess: 'autoRecoverSuccess',
  autoRecoverFailed: 'autoRecoverFailed',
  autoRecoverError: 'autoRecoverError',
  newWebSocketObject: 'newWebSocketObject',
  connectionReady: 'connectionReady',
} as const;

const OPEN = 1;

/** A request over the socket (the re-subscribe during auto-recover) was refused by the gateway. */
export class SubscriptionRequestError extends Error {
  override readonly name = 'SubscriptionRequestError';
  readonly status: number | undefined;
  constructor(cause: Error) {
    const status = (cause as { response?: { status?: unknown } }).response?.status;
    super(`subscription request over the WebSocket failed${typeof status === 'number' ? ` with HTTP ${status}` : ''}`, { cause });
    this.status = typeof status === 'number' ? status : undefined;
  }
}

/** The listener was stopped while a register() was in flight. */
export class ListenerStoppedError extends Error {
  override readonly name = 'ListenerStoppedError';
  constructor() {
    super('the subscription listener was stopped');
  }
}

export class GuardedWsExtension extends wsModule.default {
  override async recover(): Promise<void> {
    try {
      await super.recover();
    } catch (e) {
      throw e instanceof RestException.default ? new SubscriptionRequestError(e) : e;
    }
  }
}

export interface WsExtensionHooks {
  /** Every extension, before it connects. */
  created(ext: GuardedWsExtension): void;
  /** Every socket of a live extension, right after it is created (the error guard is already attached). */
  socket(ext: GuardedWsExtension, ws: WebSocket): void;
  socketError(ext: GuardedWsExtension, err: Error): void;
  /** A message over `maxMessageBytes`, withheld from @rc-ex/ws unparsed; `type` is its frame type when it could be read. */
  oversized(ext: GuardedWsExtension, data: Buffer, type: string | undefined): void;
  /** True once the owner is shutting down: a register() in flight then fails fast. */
  stopped(): boolean;
}

const disposed = new WeakSet<GuardedWsExtension>();

export class SafeSubscriptions extends Subscriptions {
  readonly #hooks: WsExtensionHooks;
  readonly #pingServerIntervalMs: number;
  readonly #maxMessageBytes: number;

  constructor(opts: { sdk: SDK; hooks: WsExtensionHooks; pingServerIntervalMs: number; maxMessageBytes: number }) {
    super({ sdk: opts.sdk });
    this.#hooks = opts.hooks;
    this.#pingServerIntervalMs = opts.pingServerIntervalMs;
    this.#maxMessageBytes = opts.maxMessageBytes;
  }

  override async newWsExtension(): Promise<WebSocketExtension> {
    const ext = new GuardedWsExtension({ autoRecover: { enabled: true, pingServerInterval: this.#pingServerIntervalMs } });
    ext.eventEmitter.on(WS_EVENTS.newWebSocketObject, (ws: WebSocket) => {
      ws.on('error', (err) => this.#hooks.socketError(ext, err));
      withholdOversized(ws, this.#maxMessageBytes, (data) => this.#hooks.oversized(ext, data, takeWsc(ext, data)));
      // A connect that was already under way when the extension was disposed: drop its socket at once.
      if (disposed.has(ext)) ws.terminate();
      else this.#hooks.socket(ext, ws);
    });
    this.#hooks.created(ext);
    await this.rc.installExtension(ext);
    if (this.#hooks.stopped()) throw new ListenerStoppedError();
    return ext;
  }

  /** Forgets a disposed extension (the core keeps every installed one in a list). */
  forget(ext: GuardedWsExtension): void {
    const list = this.rc.sdkExtensions;
    const i = list.indexOf(ext);
    if (i !== -1) list.splice(i, 1);
  }
}

/** A message's size in bytes, as ws hands it over (a Buffer, or fragments, or an ArrayBuffer by binaryType). */
function sizeOf(data: unknown): number {
  if (Buffer.isBuffer(data) || data instanceof ArrayBuffer) return data.byteLength;
  if (Array.isArray(data)) return (data as Buffer[]).reduce((n, b) => n + b.length, 0);
  return 0;
}

function bufferOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.concat(data as Buffer[]);
}

/**
 * Withholds every message over `max` bytes from the socket's listeners and hands it to `onOversized`. ws delivers
 * a message by `emit('message', data, isBinary)`, which is where this steps in: before any listener turns it
 * into text. Messages over ws's own limit (100 MiB) never get this far: ws closes the socket (1009), and
 * auto-recover and the catch-up take over.
 */
function withholdOversized(ws: WebSocket, max: number, onOversized: (data: Buffer) => void): void {
  const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
  const guarded = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'message' && sizeOf(args[0]) > max) {
      onOversized(bufferOf(args[0]));
      return true;
    }
    return emit(event, ...args);
  };
  ws.emit = guarded as typeof ws.emit;
}

/**
 * Reads the frame header at the start of a withheld message (`[{"type":...,"wsc":{...}},{"uuid":...`, split where
 * @rc-ex/ws splits it) and takes its recovery token as @rc-ex/ws does for the messages it reads, so a recovery
 * does not replay what was withheld. Returns the frame type, or undefined when the header does not read.
 */
export function takeWsc(ext: Pick<GuardedWsExtension, 'wsc'>, data: Buffer): string | undefined {
  const start = data.toString('utf8', 0, Math.min(data.length, 4096));
  const end = start.indexOf(',{"uuid":');
  if (!start.startsWith('[{') || end === -1) return undefined;
  let meta: unknown;
  try {
    meta = JSON.parse(start.slice(1, end));
  } catch {
    return undefined;
  }
  if (!meta || typeof meta !== 'object') return undefined;
  const { type, wsc } = meta as { type?: unknown; wsc?: { token?: unknown; sequence?: unknown } };
  if (wsc && typeof wsc.token === 'string' && typeof wsc.sequence === 'number' && (!ext.wsc || ext.wsc.sequence < wsc.sequence)) {
    ext.wsc = { token: wsc.token, sequence: wsc.sequence };
  }
  return typeof type === 'string' ? type : undefined;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Stops an extension for good: revokes its subscription when the socket is open (bounded by `revokeTimeoutMs`),
 * turns off auto-recover and heartbeats (any timer it re-arms later is cleared at once), and closes the socket,
 * waiting for it to close. Never throws; safe to call twice.
 */
export async function disposeExtension(ext: GuardedWsExtension, opts: { revokeTimeoutMs?: number; onRevokeError?: (e: unknown) => void } = {}): Promise<void> {
  const first = !disposed.has(ext);
  disposed.add(ext);
  if (first) {
    if (ext.options.autoRecover) ext.options.autoRecover.enabled = false;
    for (const key of ['intervalHandle', 'pingServerHandle'] as const) {
      clearTimeout(ext[key]);
      // check() re-arms `intervalHandle` after an interrupted recover: clear whatever is stored from now on.
      Object.defineProperty(ext, key, { configurable: true, get: () => undefined, set: (h: NodeJS.Timeout | undefined) => clearTimeout(h) });
    }
  }
  const ws = ext.ws as WebSocket | undefined;
  const subscription = ext.subscription;
  if (subscription && ws?.readyState === OPEN) {
    try {
      await withTimeout(subscription.revoke(), opts.revokeTimeoutMs ?? 3000);
    } catch (e) {
      opts.onRevokeError?.(e);
    }
  }
  ext.disable();
  ext.subscription = undefined;
  if (ws && ws.readyState !== ws.CLOSED) {
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    if (ws.readyState === OPEN) ws.close(1000);
    else ws.terminate();
    await withTimeout(closed, 2000).catch(() => ws.terminate());
  }
}
