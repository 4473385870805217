import type { FailedJob, FailedListing } from '../queue/failed-set.ts';
import { shownToAdmin } from '../queue/job-view.ts';

/** Pure formatting for `ringsense-sync failed ...`: text tables, JSON, and the redacted event. */

/** `2026-11-24 06:10 UTC` (with seconds when asked); `-` when unknown. */
export function formatUtc(ms: number | undefined, opts: { seconds?: boolean } = {}): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, opts.seconds ? 19 : 16)} UTC`;
}

/** One line, at most `max` characters (whitespace collapsed, `...` when cut). */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 3)).trimEnd()}...`;
}

/** Left-aligned columns two spaces apart; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The text of `failed list`: a line per reason, then the newest jobs. */
export function formatListing(listing: FailedListing, filter: { reason?: string; limit: number }): string[] {
  const which = filter.reason ? ` with reason ${filter.reason}` : '';
  if (listing.total === 0) return [`No failed jobs${which}.`];
  const lines = [`${plural(listing.total, 'failed job')}${which}, by reason:`, ''];
  lines.push(
    ...table(listing.reasons.map((r) => ['  ' + r.reason, String(r.count), `last ${formatUtc(r.lastFailedAt)}`, `e.g. "${oneLine(r.example, 80)}"`])),
    '',
  );
  lines.push(
    ...table([
      ['JOB ID', 'SOURCE RECORD', 'REASON', 'ATTEMPTS', 'FAILED AT', 'MESSAGE'],
      ...listing.jobs.map((j) => [j.jobId, j.sourceRecordId ?? '-', j.reason, String(j.attemptsMade), formatUtc(j.failedAt), oneLine(j.message, 60)]),
    ]),
  );
  if (listing.jobs.length < listing.total) lines.push('', `Showing the newest ${listing.jobs.length} of ${listing.total}; use --limit to see more.`);
  lines.push('', 'Details: ringsense-sync failed show <jobId>. After fixing the cause: ringsense-sync failed retry <jobId> | --all [--reason R].');
  return lines;
}

const iso = (ms: number | undefined): string | null => (ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

function jobJson(j: FailedJob) {
  return {
    jobId: j.jobId,
    sourceRecordId: j.sourceRecordId ?? null,
    reason: j.reason,
    message: j.message,
    attemptsMade: j.attemptsMade,
    source: j.source ?? null,
    enqueuedAt: iso(j.enqueuedAt),
    failedAt: iso(j.failedAt),
  };
}

/** The machine-readable `failed list --json` (ids, reasons and times; no call content). */
export function listingJson(listing: FailedListing) {
  return {
    total: listing.total,
    reasons: listing.reasons.map((r) => ({ reason: r.reason, count: r.count, lastFailedAt: iso(r.lastFailedAt), example: r.example })),
    jobs: listing.jobs.map(jobJson),
  };
}

/** `label  value`, continuation lines of a multi-line value indented under it. */
function labelled(pairs: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...pairs.map(([l]) => l.length)) + 2;
  return pairs.flatMap(([label, value]) => value.split('\n').map((line, i) => `${i === 0 ? label.padEnd(width) : ' '.repeat(width)}${line}`));
}

/**
 * The text of `failed show`: the failure, then the stored event, decoded (content redacted unless `content`).
 * `dataProblem`: the job data does not decode (`data` is then the stored job data as it is).
 */
export function formatFailedJob(job: FailedJob, data: unknown, opts: { processedOn: number | undefined; content: boolean; dataProblem?: string }): string[] {
  const lines = labelled([
    ['Job', job.jobId],
    ['Reason', job.reason],
    ['Message', job.message],
    ['Source record', job.sourceRecordId ?? '- (the event has none)'],
    ['Received via', job.source ?? '-'],
    ['Attempts', String(job.attemptsMade)],
    ['Enqueued', formatUtc(job.enqueuedAt, { seconds: true })],
    ['Last attempt', formatUtc(opts.processedOn, { seconds: true })],
    ['Failed', formatUtc(job.failedAt, { seconds: true })],
  ]);
  const shown = shownToAdmin(data, opts.content);
  if (opts.dataProblem !== undefined) lines.push('', `The stored job data does not decode: ${opts.dataProblem}.`);
  const what = opts.dataProblem === undefined ? 'Stored event' : 'Stored job data, as it is';
  lines.push('', opts.content ? `${what} (whole, with call content):` : `${what} (call content [redacted]; --content shows it):`);
  lines.push(JSON.stringify(shown, null, 2) ?? 'undefined');
  return lines;
}
