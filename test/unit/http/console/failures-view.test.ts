import { describe, expect, it } from 'vitest';
import { failureDetailPage, failuresPage } from '../../../../src/http/console/failures-pages.ts';
import { failureDetailView, failuresPageView, isReasonCode, parsePaging } from '../../../../src/http/console/failures-view.ts';
import { parseDays, purgeSummary, retryAllSummary } from '../../../../src/queue/failed-summary.ts';
import type { FailedJob } from '../../../../src/queue/failed-set.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';
const chrome = { title: 'Failures', session: { user: 'ops', csrf: 'tok' }, readOnly: false, flash: undefined };
const call = (n: number, extra: Partial<{ reason: string; message: string; jobId: string }> = {}) => ({
  jobId: `call-${n}-1`, sourceRecordId: String(n), reason: 'unmapped_owner', message: 'RingCentral extension 1 is not mapped', failedAt: Date.UTC(2026, 11, 2, 7, 0, n), attemptsMade: 1, ...extra,
});
const failed = (reason: string): FailedJob => ({ jobId: 'j', sourceRecordId: undefined, reason, message: '', attemptsMade: 1, enqueuedAt: 0, failedAt: 0, source: undefined });

describe('console failures: pure parts', () => {
  it('bounds paging at the edge: whole page numbers from 1, 1 to 100 per page, else the first page of 25', () => {
    expect(parsePaging({})).toEqual({ page: 1, per: 25, offset: 0 });
    expect(parsePaging({ page: '3', per: '10' })).toEqual({ page: 3, per: 10, offset: 20 });
    for (const bad of ['0', '-1', '1e3', '2.5', 'x', '9999999', ['2']]) expect(parsePaging({ page: bad, per: bad }).offset).toBe(0);
    expect(parsePaging({ per: '101' }).per).toBe(25);
  });

  it('accepts snake_case reason codes and days from 0 to 36500 only', () => {
    expect(['unmapped_owner', 'salesforce_rejected', 'error'].every(isReasonCode)).toBe(true);
    for (const bad of ['', 'Unmapped', 'a b', "x'; DROP", 'a'.repeat(65), undefined, 3]) expect(isReasonCode(bad)).toBe(false);
    expect([parseDays('0'), parseDays('7'), parseDays('0.5'), parseDays('36500')]).toEqual([0, 7, 0.5, 36_500]);
    for (const bad of ['', '-1', '1e3', '7 days', '36501', '0.125']) expect(parseDays(bad)).toBeUndefined();
  });

  it('says what a bulk retry and a purge did, as the CLI says it', () => {
    expect(retryAllSummary({ retried: [failed('a'), failed('a')], skipped: [] }, 'a')).toBe('Retried 2 failed jobs with reason a: back to waiting with attempts reset.');
    expect(retryAllSummary({ retried: [failed('a'), failed('b')], skipped: ['x'] })).toBe('Retried 2 failed jobs (a: 1, b: 1): back to waiting with attempts reset (1 had already left the failed set).');
    expect(retryAllSummary({ retried: [], skipped: [] }, 'a')).toBe('No failed jobs with reason a to retry.');
    expect([purgeSummary(1, '0'), purgeSummary(0, '1'), purgeSummary(0, '2')]).toEqual(['Removed 1 failed job older than 0 days.', 'No failed jobs older than 1 day.', 'No failed jobs older than 2 days.']);
  });

  it('pages newest first, with links to the newer and older pages', () => {
    const facts = { total: 5, reasons: [{ reason: 'unmapped_owner', count: 5, example: 'x' }], jobs: [call(3), call(4)] };
    const view = failuresPageView(facts, parsePaging({ page: '2', per: '2' }), { canChange: true, csrf: 'tok' });
    expect([view.range, view.prev, view.next]).toEqual(['Showing 3-4 of 5, newest first.', '/admin/failures?page=1&per=2', '/admin/failures?page=3&per=2']);
    const last = failuresPageView({ ...facts, jobs: [call(5)] }, parsePaging({ page: '3', per: '2' }), { canChange: true, csrf: 'tok' });
    expect([last.range, last.next]).toEqual(['Showing 5-5 of 5, newest first.', undefined]);
    const beyond = failuresPageView({ ...facts, jobs: [] }, parsePaging({ page: '9' }), { canChange: true, csrf: 'tok' });
    expect([beyond.range, beyond.next]).toEqual(['Nothing on page 9: there are 5 failed calls.', undefined]);
  });

  it('renders hostile reasons, messages and job ids as text, links only job ids of the queue, and no forms when read-only', () => {
    const facts = { total: 2, reasons: [{ reason: HOSTILE, count: 1, example: HOSTILE }], jobs: [call(1, { message: HOSTILE }), call(2, { jobId: '"><script>x</script>' })] };
    const html = failuresPage(chrome, failuresPageView(facts, parsePaging({}), { canChange: true, csrf: 'tok' }));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('href="/admin/failures/call-1-1"');
    expect(html.match(/class="retry"/g)).toHaveLength(1);
    const readOnly = failuresPage({ ...chrome, readOnly: true }, failuresPageView(facts, parsePaging({}), { canChange: false, csrf: 'tok' }));
    expect(readOnly).not.toMatch(/<form method="post" action="\/admin\/failures/);
  });

  it('shows the reveal form only while the content is hidden and changes are allowed', () => {
    const job = { ...call(1), enqueuedAt: 0, processedOn: undefined, source: 'notification' };
    const hidden = failureDetailPage(chrome, failureDetailView(job, '{"title": "[redacted]"}', false, { canChange: true, csrf: 'tok' }));
    expect(hidden).toContain('action="/admin/failures/call-1-1/reveal"');
    expect(hidden).toContain('id="content-hidden"');
    const shown = failureDetailPage(chrome, failureDetailView(job, JSON.stringify({ title: HOSTILE }), true, { canChange: true, csrf: 'tok' }));
    expect(shown).not.toContain('/reveal');
    expect(shown).not.toContain('<img');
    expect(failureDetailPage(chrome, failureDetailView(job, '{}', false, { canChange: false, csrf: 'tok' }))).not.toContain('/reveal');
  });
});
