/** What to do about a failed call to an outside service (Salesforce, RingCentral). */
export type FailureKind =
  /** Retry with backoff: network, 5xx, row locks, server unavailable. */
  | 'transient'
  /** A rate or API limit: pause the whole queue for `waitMs`, do not burn attempts. */
  | 'rate_limited'
  /** Credentials refused or the session cannot be refreshed: wait and retry; readiness fails. */
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
  /** For rate_limited: how long to pause. */
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
