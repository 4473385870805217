import { describe, expect, it } from 'vitest';
import { to18 } from '../../../../src/simulators/salesforce/ids.ts';
import { callerPage, outcomePage, unmappedPage } from '../../../../src/http/console/unmapped-pages.ts';
import { auditOutcome, callerPageView, outcomeView, parseCallerTarget, unmappedView } from '../../../../src/http/console/unmapped-view.ts';

const chrome = { title: 't', session: { user: 'ops', csrf: 'tok' }, readOnly: false, flash: undefined };
const HOSTILE = '<img src=x onerror=alert(1)>';

describe('the Unmapped pages', () => {
  it('reads a pin from the form only as a well-formed contact, lead or ignore', () => {
    expect(parseCallerTarget('contact:003Dm0000000001IAA')).toEqual({ contactId: '003Dm0000000001IAA' });
    const lead = to18('00QDm0000000001');
    expect(parseCallerTarget(`lead:${lead}`)).toEqual({ leadId: lead });
    expect(parseCallerTarget('ignore')).toEqual({ ignore: true });
    expect(parseCallerTarget('contact:00QDm0000000001IAA')).toBeUndefined();
    expect(parseCallerTarget("contact:003' OR Id != '")).toBeUndefined();
    expect(parseCallerTarget(undefined)).toBeUndefined();
  });

  it('renders a hostile caller name as text, with a link that carries it encoded', () => {
    const html = unmappedPage(chrome, unmappedView({
      items: [{ reason: 'logged_without_contact', subject: HOSTILE, kind: 'name', count: 2, firstSeen: 0, lastSeen: 0, lastSourceRecordId: '1', inMapping: false }],
      total: 1, failedByReason: { unmapped_owner: 3 }, days: 90,
    }, { canChange: true, csrf: 'tok' }));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain(`/admin/unmapped/caller?subject=${encodeURIComponent(HOSTILE)}`);
    expect(html).toContain('Retry the 3 calls that failed as unmapped_owner');
  });

  it('hides every change in read-only mode', () => {
    const html = unmappedPage(chrome, unmappedView({
      items: [{ reason: 'unmapped_owner', subject: '62288320077', kind: 'extension', count: 1, firstSeen: 0, lastSeen: 0, lastSourceRecordId: '1', inMapping: false }],
      total: 1, failedByReason: { unmapped_owner: 1 }, days: 90,
    }, { canChange: false, csrf: 'tok' }));
    expect(html).not.toContain('<form method="post" action="/admin/unmapped');
    expect(html).not.toContain('map-rep');
    expect(html).not.toContain('retry-all');
  });

  it('shows empty fields as empty, never as "undefined"', () => {
    const html = callerPage(chrome, callerPageView('+14155550123', {
      term: 'x y', problem: undefined,
      results: [{ type: 'Lead', id: '00QDm0000000001IAA', name: `${HOSTILE}"`, email: undefined, phone: undefined, company: undefined }],
    }, { canChange: true, csrf: 'tok' }));
    expect(html).not.toContain('undefined');
    expect(html).not.toContain('<img');
    expect(html).toContain('value="lead:00QDm0000000001IAA"');
  });

  it('shows a read-only file the exact lines, and audits what happened without call content', () => {
    const o = { kind: 'read_only' as const, file: '/app/config/mapping.yaml', reason: 'it is on a read-only file system (mounted read-only)', lines: 'users:\n  "1": { salesforceUserId: "005Dm0000000009IAA" }\n' };
    const html = outcomePage(chrome, outcomeView(o, 'users."1" -> 005Dm0000000009IAA', { failedByReason: {}, reasons: ['unmapped_owner'], findTerm: undefined, canChange: true, csrf: 'tok' }));
    expect(html).toContain('users:\n  &quot;1&quot;: { salesforceUserId: &quot;005Dm0000000009IAA&quot; }');
    expect(html).toContain('./config:/app/config');
    expect(auditOutcome(o, 'users."1" -> x')).toBe('users."1" -> x: not written (file read-only), lines shown');
  });
});
