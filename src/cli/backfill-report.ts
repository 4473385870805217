/**
 * What `backfill` prints: the progress line (bar, counts, rate and ETA) and the summary at the end, in the words of
 * the domain's listing (pbx: recordings in the call log; rcv: meetings in the meeting history). Pure.
 */
import { BACKFILL_OUTCOMES as OUTCOMES, LISTINGS, type BackfillDomain, type BackfillOutcome as Outcome, type BackfillWindow } from './backfill-checkpoint.ts';
import { formatUtc, table } from './failed-format.ts';
import { progressBar, rateAndEta } from './progress.ts';

export type Tally = { total: number; done: number; doneBefore: number; counts: Record<Outcome, number>; notAnalysed: string[]; rateLimitedMs: number };

export interface ReportOf {
  readonly domain: BackfillDomain;
  readonly dryRun: boolean;
  readonly window: BackfillWindow;
  readonly tally: Tally;
}

const LABELS: Record<Outcome, string> = {
  queued: 'queued',
  already_queued: 'already queued',
  already_synced: 'already synced',
  in_failed_set: 'in the failed set',
  not_analysed: 'not analysed',
  not_recorded: 'not recorded',
  invalid: 'invalid',
};
const label = (o: Outcome, dryRun: boolean): string => (dryRun && o === 'queued' ? 'to queue' : LABELS[o]);
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The outcomes a domain always shows (others only once counted): only rcv meetings can be unrecorded. */
const shownAlways = (domain: BackfillDomain): Outcome[] => (domain === 'rcv' ? ['queued', 'already_synced', 'not_analysed', 'not_recorded'] : ['queued', 'already_synced', 'not_analysed']);

export function progressLine(r: ReportOf, perMinute: number | undefined): string {
  const { tally: t, dryRun } = r;
  const always = shownAlways(r.domain);
  const parts = OUTCOMES.filter((o) => always.includes(o) || t.counts[o] > 0).map((o) => `${t.counts[o]} ${label(o, dryRun)}`);
  const before = t.doneBefore ? ` (${t.doneBefore} before this run)` : '';
  return `${progressBar(t.done, t.total)} ${t.done}/${t.total} ${LISTINGS[r.domain].item}s${before}, ${rateAndEta(perMinute, t.total - t.done)}: ${parts.join(', ')}`;
}

export function summary(r: ReportOf, pages: number | undefined): string[] {
  const { tally: t, dryRun, window } = r;
  const { name, item } = LISTINGS[r.domain];
  const head = `${dryRun ? 'Dry run (nothing queued): ' : ''}${formatUtc(window.from)} to ${formatUtc(window.to)}: ${plural(t.total, item)} in the ${name}${pages === undefined ? '' : ` (${plural(pages, 'page')})`}.`;
  const always = shownAlways(r.domain);
  const rows = OUTCOMES.filter((o) => o !== 'not_recorded' || always.includes(o) || t.counts[o] > 0).map((o) => [`  ${label(o, dryRun)}`, String(t.counts[o])]);
  const lines = [head, ...table(rows)];
  if (t.doneBefore) lines.push(`${t.doneBefore} of them were settled by the interrupted run (counted as it found them).`);
  if (t.notAnalysed.length) {
    const shown = t.notAnalysed.slice(0, 50).join(', ');
    const more = t.notAnalysed.length > 50 ? ` and ${t.notAnalysed.length - 50} more` : '';
    lines.push(`Not analysed (no RingSense insights: not analysed yet, or the user has no RingSense licence): ${shown}${more}`);
  }
  if (t.counts.not_recorded) lines.push(`Not recorded: ${plural(t.counts.not_recorded, 'meeting')} without a recording in the meeting history (no insights will ever come): skipped.`);
  if (t.counts.in_failed_set) lines.push('Some are in the failed set: see `ringsense-sync failed list`.');
  if (t.counts.invalid && !dryRun) lines.push('RingSense returned invalid insights for some: they were queued to land in the failed set (see `ringsense-sync failed list`).');
  if (t.rateLimitedMs) lines.push(`Waited ${Math.ceil(t.rateLimitedMs / 1000)} s for RingCentral rate limits.`);
  if (!dryRun && t.counts.queued) lines.push(`A running worker (ringsense-sync start / work) writes the queued ${r.domain === 'rcv' ? 'meetings' : 'calls'} to Salesforce.`);
  return lines;
}
