import { networkCode, nonEmptyString as str, ServiceError, shortMessage, type Failure } from '../lib/service-error.ts';

/**
 * Sorts every failure of a RingCentral call into what to do about it. Built from the errors @ringcentral/sdk
 * 5.x really throws (lib/http/Client.js makeError): an `Error` whose `message` is the body's `message` /
 * `error_description`, with `response` (the node-fetch Response: `status`, `headers.get('retry-after')`),
 * `request`, `originalMessage`, and for 429 `retryAfter` (ms, 60 s when the header is missing). Network failures
 * are node-fetch `FetchError`s (`type: 'system'`, `code: 'ECONNREFUSED'`...) with `response: null`.
 *
 * The error body (`{errorCode, message, errors[]}` from the platform, `{error, error_description}` from OAuth) is
 * not on the error: `toRingCentralError` reads it from the response and passes it here.
 */

/** RingCentral's default pause when a 429 carries no Retry-After (the SDK uses the same). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/** OAuth `error` values meaning the app's credentials or the JWT were refused. */
const AUTH_ERRORS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  type?: unknown;
  cause?: unknown;
  retryAfter?: unknown;
  response?: { status?: unknown; headers?: { get?: (name: string) => string | null } } | null;
}

interface ErrorBody {
  errorCode?: unknown;
  error?: unknown;
  message?: unknown;
  error_description?: unknown;
  errors?: unknown;
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function bodyCodes(body: unknown): { errorCode?: string; oauthError?: string; message?: string } {
  if (!body || typeof body !== 'object') return {};
  const b = body as ErrorBody;
  const first = Array.isArray(b.errors) && b.errors[0] && typeof b.errors[0] === 'object' ? (b.errors[0] as ErrorBody) : undefined;
  const errorCode = str(b.errorCode) ?? str(first?.errorCode);
  const oauthError = str(b.error);
  const message = str(b.message) ?? str(b.error_description) ?? str(first?.message);
  return { ...(errorCode ? { errorCode } : {}), ...(oauthError ? { oauthError } : {}), ...(message ? { message } : {}) };
}

/** What to do about a failed RingCentral call. `body` is the parsed error body, when it could be read. */
export function classifyRingCentralError(error: unknown, body?: unknown): Failure {
  if (error instanceof RingCentralError) return error.failure;
  if (!error || typeof error !== 'object') return { kind: 'permanent', code: 'UNKNOWN', message: String(error) };
  const e = error as SdkErrorLike;
  const fromBody = bodyCodes(body);
  const message = shortMessage(str(e.message) ?? fromBody.message ?? 'RingCentral request failed');
  const status = typeof e.response?.status === 'number' ? e.response.status : undefined;

  if (status === undefined) {
    const net = networkCode(e);
    if (net) return { kind: 'transient', code: net, message };
    if (e.name === 'FetchError') return { kind: 'transient', code: str(e.code) ?? `FETCH_${String(str(e.type) ?? 'failed').toUpperCase()}`, message };
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return { kind: 'transient', code: 'TIMEOUT', message };
    if (/^Refresh token (is missing|has expired)/.test(message)) return { kind: 'auth', code: 'REFRESH_FAILED', message };
    return { kind: 'permanent', code: 'UNKNOWN', message };
  }

  const code = fromBody.oauthError ?? fromBody.errorCode ?? `ERROR_HTTP_${status}`;
  if (status === 429) {
    const header = e.response?.headers?.get?.('retry-after');
    const sdkWait = typeof e.retryAfter === 'number' && Number.isFinite(e.retryAfter) ? e.retryAfter : undefined;
    const waitMs = parseRetryAfter(header) ?? sdkWait ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return { kind: 'rate_limited', code, message, waitMs };
  }
  if (status >= 500 || status === 408) return { kind: 'transient', code, message };
  if (status === 401 || (fromBody.oauthError !== undefined && AUTH_ERRORS.has(fromBody.oauthError))) return { kind: 'auth', code, message };
  if (status === 404) return { kind: 'permanent', code: 'not_found', message };
  return { kind: 'permanent', code, message };
}

/** Reads the JSON error body of an SDK error without consuming it (the SDK cloned it too); undefined if none. */
export async function readErrorBody(error: unknown): Promise<unknown> {
  const response = (error as { response?: { clone?: () => { json(): Promise<unknown> } } | null } | null)?.response;
  if (!response || typeof response.clone !== 'function') return undefined;
  try {
    return await response.clone().json();
  } catch {
    return undefined;
  }
}

/** The one error type the RingCentral edge throws. */
export class RingCentralError extends ServiceError {
  override readonly name = 'RingCentralError';
  constructor(failure: Failure, options?: { cause?: unknown }) {
    super('ringcentral', failure, options);
  }
}

/** Classifies an SDK error (reading its body) into a RingCentralError; a RingCentralError passes through. */
export async function toRingCentralError(error: unknown): Promise<RingCentralError> {
  if (error instanceof RingCentralError) return error;
  return new RingCentralError(classifyRingCentralError(error, await readErrorBody(error)), { cause: error });
}
