import type { BulkRetry, FailedJob } from './failed-set.ts';

/**
 * The outcome of the failed set's bulk operations in words, one sentence each: what `ringsense-sync failed retry
 * --all` and `failed purge` print and what the admin console shows after the same operations. Pure.
 */

const jobs = (n: number): string => `${n} failed job${n === 1 ? '' : 's'}`;

/** `unmapped_owner: 2, salesforce_rejected: 1`, in the order first seen. */
export function countByReason(retried: readonly FailedJob[]): string {
  const counts = new Map<string, number>();
  for (const j of retried) counts.set(j.reason, (counts.get(j.reason) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${r}: ${n}`).join(', ');
}

/** After retrying every failed job (of one reason, if given). */
export function retryAllSummary(r: BulkRetry, reason?: string): string {
  const which = reason ? ` with reason ${reason}` : '';
  const gone = r.skipped.length ? ` (${r.skipped.length} had already left the failed set)` : '';
  if (r.retried.length === 0) return `No failed jobs${which} to retry${gone}.`;
  const breakdown = reason ? '' : ` (${countByReason(r.retried)})`;
  return `Retried ${jobs(r.retried.length)}${which}${breakdown}: back to waiting with attempts reset${gone}.`;
}

/** After removing the failed jobs older than `days` (as the admin wrote it: `7`, `0.5`). */
export function purgeSummary(removed: number, days: string): string {
  const age = `older than ${days} day${days === '1' ? '' : 's'}`;
  return removed ? `Removed ${jobs(removed)} ${age}.` : `No failed jobs ${age}.`;
}

/** A number of days as `failed purge --older-than` and the console's purge form take it (0 to 36500, two decimals). */
export function parseDays(text: string): number | undefined {
  if (!/^\d{1,5}(\.\d{1,2})?$/.test(text)) return undefined;
  const days = Number(text);
  return days <= 36_500 ? days : undefined;
}
