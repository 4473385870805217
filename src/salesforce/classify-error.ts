import { NETWORK_CODES, networkCode, nonEmptyString as str, ServiceError, shortMessage, type Failure, type FailureKind } from '../lib/service-error.ts';

/**
 * Sorts every failure of a Salesforce call into what to do about it. Pure: built from the error objects jsforce
 * throws (HttpApiError: `errorCode`/`name` = Salesforce's errorCode, `data` = the error body; network errors
 * with `code` or `cause.code`; OAuth errors named after the OAuth `error`).
 */

export type CrmFailureKind = FailureKind;
export type CrmFailure = Failure;

const TRANSIENT_CODES = new Set([
  'UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'UNKNOWN_EXCEPTION', 'QUERY_TIMEOUT', 'REQUEST_RUNNING_TOO_LONG',
  'ERROR_HTTP_500', 'ERROR_HTTP_502', 'ERROR_HTTP_503', 'ERROR_HTTP_504', 'ERROR_HTTP_408',
  // Read-only mode during planned maintenance (site switches, instance refreshes): reads answer, writes wait.
  'INSERT_UPDATE_DELETE_NOT_ALLOWED_DURING_MAINTENANCE',
]);
const STALE_CODES = new Set(['INVALID_CROSS_REFERENCE_KEY', 'ENTITY_IS_DELETED']);
const AUTH_CODES = new Set(['INVALID_SESSION_ID', 'invalid_grant', 'invalid_client', 'invalid_client_id', 'unauthorized_client', 'INVALID_AUTH_HEADER']);

interface ErrorLike {
  name?: unknown;
  errorCode?: unknown;
  code?: unknown;
  message?: unknown;
  data?: unknown;
  cause?: unknown;
  fields?: unknown;
}

function codeOf(e: ErrorLike): string | undefined {
  return str(e.errorCode) ?? (str(e.name) && e.name !== 'Error' && e.name !== 'TypeError' ? str(e.name) : undefined);
}

export function classifyCode(code: string, message = ''): CrmFailureKind {
  if (code === 'REQUEST_LIMIT_EXCEEDED' || code === 'ERROR_HTTP_429' || code === 'ERROR_HTTP_420') return 'rate_limited';
  if (TRANSIENT_CODES.has(code) || NETWORK_CODES.has(code) || /UNABLE_TO_LOCK_ROW/.test(message)) return 'transient';
  if (AUTH_CODES.has(code)) return 'auth';
  if (STALE_CODES.has(code)) return 'stale_reference';
  return 'permanent';
}

/**
 * A Salesforce error message without the value it quotes: STRING_TOO_LONG says `Subject: data value too large:
 * <the whole value> (max length=255)`, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST `Sentiment: bad value for restricted
 * picklist field: <value>`, and the value is call content (a summary, a next step), which belongs neither in logs,
 * the failed set nor the list of refused fields. Shortened as well.
 */
export function crmMessage(raw: string): string {
  return shortMessage(
    raw
      .replace(/data value too large: [\s\S]*?(?:\(max length=(\d+)\)|$)/g, (_m, max?: string) => `data value too large${max ? ` (max length=${max})` : ''}`)
      // A mapped field's refusals quote the value too (a restricted picklist, a number field given text).
      .replace(/(bad value for restricted picklist field|value not of required type|value outside of valid range on numeric field): [\s\S]*$/, '$1'),
  );
}

export function classifyCrmError(error: unknown): CrmFailure {
  if (!error || typeof error !== 'object') return { kind: 'permanent', code: 'UNKNOWN', message: String(error) };
  const e = error as ErrorLike;
  const message = crmMessage(str(e.message) ?? 'Salesforce request failed');
  const net = networkCode(e);
  if (net) return { kind: 'transient', code: net, message };
  if (e.name === 'TypeError' && message === 'fetch failed') return { kind: 'transient', code: 'FETCH_FAILED', message };
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return { kind: 'transient', code: 'TIMEOUT', message };
  if (/^Unable to refresh session/.test(message)) return { kind: 'auth', code: 'REFRESH_FAILED', message };
  // jsforce with no session yet (the first login failed) has no instance URL to send a request to.
  if (e.name === 'TypeError' && /^Failed to parse URL from \/services\//.test(message)) return { kind: 'auth', code: 'NO_SESSION', message: 'no Salesforce session yet (the login has not succeeded)' };
  let code = codeOf(e) ?? 'UNKNOWN';
  let fields: readonly string[] | undefined;
  if (code === 'MULTIPLE_API_ERRORS' && Array.isArray(e.data)) {
    // Several errors at once: the most serious decides (permanent beats the rest).
    const items = (e.data as ErrorLike[]).map((d) => ({ code: str(d.errorCode) ?? 'UNKNOWN', message: str(d.message) ?? '' }));
    const order: CrmFailureKind[] = ['permanent', 'auth', 'stale_reference', 'rate_limited', 'transient'];
    const worst = items.sort((a, b) => order.indexOf(classifyCode(a.code, a.message)) - order.indexOf(classifyCode(b.code, b.message)))[0];
    if (worst) code = worst.code;
  } else if (e.data && typeof e.data === 'object' && Array.isArray((e.data as ErrorLike).fields)) {
    fields = (e.data as { fields: string[] }).fields;
  }
  // A limit carries no wait: Salesforce sends no Retry-After, and how long to hold is the retry policy's (the daily
  // allocation and the concurrency limit are told apart by the message there).
  return { kind: classifyCode(code, message), code, message, ...(fields?.length ? { fields } : {}) };
}

/** The one error type the Salesforce adapter throws. */
export class CrmError extends ServiceError {
  override readonly name = 'CrmError';
  constructor(failure: CrmFailure, options?: { cause?: unknown }) {
    super('salesforce', failure, options);
  }
  static from(error: unknown): CrmError {
    return error instanceof CrmError ? error : new CrmError(classifyCrmError(error), { cause: error });
  }
}
