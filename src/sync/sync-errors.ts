/**
 * A call that cannot be synced until a person acts: retrying will not help. `reason` is a stable snake_case code
 * (for the failed set, metrics and `unmapped`), `message` says what to do.
 */
export class PermanentSyncError extends Error {
  override readonly name = 'PermanentSyncError';
  readonly reason: string;
  readonly subject?: string;
  constructor(reason: string, message: string, opts: { subject?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.reason = reason;
    if (opts.subject !== undefined) this.subject = opts.subject;
  }
}
