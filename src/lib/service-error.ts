/** What to do about a failed call to an outside service (Salesforce, RingCentral). */
export type FailureKind =
  /** Retry with backoff: network, 5xx, row locks, server unavailable. */
  | 'transient'
  /** A rate or API limit: wait (RingCentral's Retry-After, `waitMs`) or hold the work (Salesforce); no attempt used. */
  | 'rate_limited'
  /** Credentials refused or the session cannot be refreshed: Salesforce's holds the work; readiness fails. */
  | 'auth'
  /** A referenced record was deleted or is not visible: forget it and retry without it. */
  | 'stale_reference'
  /** Needs a person: validation rules, bad fields, permissions. Fail now with the reason. */
  | 'permanent';

export interface Failure {
  readonly kind: FailureKind;
  /** The service's error code (Salesforce errorCode, `ERROR_HTTP_<n>`, RingCentral `CMN-301`, a network code...). */
  readonly code: string;
  readonly message: string;
  readonly fields?: readonly string[];
  /** For rate_limited: how long the service asked us to wait (RingCentral's Retry-After). */
  readonly waitMs?: number;
}

/** The error every adapter throws: the service, and the classified failure. */
export class ServiceError extends Error {
  override readonly name: string = 'ServiceError';
  readonly service: 'salesforce' | 'ringcentral';
  readonly failure: Failure;
  constructor(service: 'salesforce' | 'ringcentral', failure: Failure, options?: { cause?: unknown }) {
    super(`${service} ${failure.code}: ${failure.message}`, options);
    this.service = service;
    this.failure = failure;
  }
}

/** Socket-level failures (node-fetch, undici, Node): always worth a retry, whichever service it was. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN', 'ENETDOWN', 'ENETUNREACH',
  'EHOSTDOWN', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** A non-empty string, or undefined: for reading fields of errors whose shape is not ours. */
export function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Service messages may quote field values (Salesforce's STRING_TOO_LONG does): keep them short. */
export function shortMessage(m: string): string {
  return m.length > 300 ? `${m.slice(0, 297)}...` : m;
}

/** The network error code of `e` or of its causes (undici wraps it in `TypeError('fetch failed')`). */
export function networkCode(e: { code?: unknown; cause?: unknown }, depth = 0): string | undefined {
  const own = nonEmptyString(e.code);
  if (own && NETWORK_CODES.has(own)) return own;
  if (depth < 3 && e.cause && typeof e.cause === 'object') return networkCode(e.cause, depth + 1);
  return undefined;
}
