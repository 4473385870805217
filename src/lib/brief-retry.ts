import pRetry from 'p-retry';

/**
 * The one in-process retry: a request (or an idempotent write) that failed for a passing reason is tried again
 * twice, with jitter, within 10 s at most. Anything longer is the queue's (queue/retry-policy.ts).
 */
export function briefRetry<T>(fn: () => Promise<T>, passing: (error: unknown) => boolean, signal?: AbortSignal): Promise<T> {
  return pRetry(fn, {
    retries: 2,
    minTimeout: 300,
    maxTimeout: 2000,
    randomize: true,
    maxRetryTime: 10_000,
    ...(signal ? { signal } : {}),
    shouldRetry: ({ error }) => passing(error),
  });
}
