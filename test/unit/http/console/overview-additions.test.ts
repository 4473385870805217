import { describe, expect, it } from 'vitest';
import { callsPage, callsView } from '../../../../src/http/console/calls-view.ts';
import type { CallSearchFacts, OverviewFacts } from '../../../../src/http/console/console.port.ts';
import { overviewView, ringSenseHref } from '../../../../src/http/console/overview-view.ts';
import { hourRange, requestsChart } from '../../../../src/http/console/requests-chart.ts';
import { overviewFigures } from '../../../../src/http/console/views.ts';

const H = 3600_000;
const NOW = Date.UTC(2026, 11, 2, 13, 20);
const hours = (counts: number[]) => counts.map((requests, i) => ({ hour: Date.UTC(2026, 11, 2, 13) - (counts.length - 1 - i) * H, requests }));
const LINK = 'https://ringsense.ringcentral.com/calls/7d3c1f9e-51a2-4c55-8c1b-0b9a2f6e4d11';
const HOSTILE_LINK = 'javascript:alert(document.cookie)';

function facts(over: Partial<OverviewFacts> = {}): OverviewFacts {
  return {
    subscription: { role: 'holding', state: 'connected', lastError: undefined, holder: 'a', thisReplica: 'a', domains: ['pbx'] },
    queue: { waiting: 0, delayed: 0, active: 0, failed: 0 },
    synced: { lastHour: 2, lastDay: 2, last7Days: 2 },
    failures: { total: 0, reasons: [], newest: [] },
    unmapped: { byReason: {}, latest: [] },
    budget: { state: 'normal', used: 500, limit: 15_000, slowAt: 0.8, pauseAt: 0.95 },
    recent: [
      { at: NOW, jobId: 'call-1-1', sourceRecordId: '1', callTaskId: '00T2p00000bFlo7EAC', call: 'created', rsRecordUri: LINK },
      { at: NOW, jobId: 'call-2-1', sourceRecordId: '2', callTaskId: '00T2p00000bFlo8EAC', call: 'created', rsRecordUri: HOSTILE_LINK },
      { at: NOW, jobId: 'call-3-1', sourceRecordId: '3', callTaskId: '00T2p00000bFlo9EAC', call: 'updated' },
    ],
    salesforceInstanceUrl: 'https://acme.my.salesforce.com',
    salesforceRequests: hours([...Array<number>(20).fill(0), 3, 0, 1_250, 40]),
    problems: [],
    ...over,
  };
}

describe('console overview: the RingSense links', () => {
  it('links into RingSense only from an absolute http(s) URL', () => {
    expect(ringSenseHref(LINK)).toBe(LINK);
    expect(ringSenseHref('http://ringsense.example/calls/1')).toBe('http://ringsense.example/calls/1');
    for (const bad of [HOSTILE_LINK, 'JavaScript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', '//evil.example/x', '/calls/1', 'ringsense.ringcentral.com/calls/1', '', undefined, `https://x.example/${'a'.repeat(2_001)}`]) {
      expect(ringSenseHref(bad)).toBeUndefined();
    }
  });

  it('renders a RingSense link (new tab, no referrer) for a call carrying one, and none for a hostile one', () => {
    const html = overviewFigures(overviewView(facts(), { canChange: true, csrf: 'tok' }));
    expect(html).toContain(`<a class="ringsense" href="${LINK}" rel="noreferrer" target="_blank">RingSense</a>`);
    expect(html.match(/class="ringsense"/g)).toHaveLength(1);
    expect(html).not.toContain('javascript:');
    const view = overviewView(facts(), { canChange: true, csrf: 'tok' });
    expect(view.recent?.map((c) => c.ringSenseHref)).toEqual([LINK, undefined, undefined]);
  });

  it('links the calls written on the Find a call page the same way', () => {
    const written: CallSearchFacts['written'] = facts().recent!;
    const view = callsView({ kind: 'ok', text: '1', query: { id: '1', phone: undefined } }, { jobs: [], written, scannedPerState: 2_000, domains: ['pbx'], salesforceInstanceUrl: undefined }, { canChange: false, csrf: 'tok' });
    expect(view.written.map((c) => c.ringSenseHref)).toEqual([LINK, undefined, undefined]);
    const html = callsPage({ title: 'Find a call', session: { user: 'ops', csrf: 'tok' }, readOnly: false, flash: undefined }, view);
    expect(html).toContain(`<a class="ringsense" href="${LINK}" rel="noreferrer" target="_blank">RingSense</a>`);
    expect(html).not.toContain('javascript:');
  });
});

describe('console overview: the chart of Salesforce requests per hour', () => {
  it('draws one bar per hour, scaled to the busiest, the smallest count still visible, none for an empty hour', () => {
    const chart = requestsChart(hours([...Array<number>(20).fill(0), 3, 0, 1_250, 40]), { dailyLimit: 15_000 });
    expect(chart.available).toBe(true);
    expect(chart.bars).toHaveLength(24);
    expect(chart.total).toBe(1_293);
    const [a, empty, busiest, current] = chart.bars.slice(-4);
    expect(busiest!.height).toBe(120);
    expect(busiest!.y).toBe(chart.top);
    expect(a!.height).toBe(2); // 3 of 1,250: the least height, still seen
    expect(empty!.height).toBe(0);
    expect(current!.current).toBe(true);
    expect(chart.bars.filter((b) => b.current)).toHaveLength(1);
    expect(chart.bars.every((b) => b.y + b.height === chart.baseline)).toBe(true);
    expect(chart.bars.map((b) => b.hourLabel).slice(-3)).toEqual(['11', '12', '13']);
    expect(chart.bars[0]!.hourLabel).toBe('14');
    expect([busiest!.countText, current!.countText, empty!.countText]).toEqual(['1.3K', '40', '']);
    expect(busiest!.title).toBe('2026-12-02 12:00-13:00 UTC: 1,250 requests');
    expect(current!.title).toBe('2026-12-02 13:00-14:00 UTC: 40 requests so far');
    expect(chart.summary).toBe(
      "1,293 requests from the sync in the last 24 hours (8.6% of the org's daily allocation of 15,000); this hour so far: 40; busiest hour: 2026-12-02 12:00-13:00 UTC with 1,250 requests.",
    );
    expect(chart.rows[0]).toEqual({ hour: '2026-12-02 13:00-14:00 UTC', requests: '40', current: true });
    expect(chart.rows).toHaveLength(24);
  });

  it('says so when nothing was asked, when the allocation is not known, and when the counts cannot be read', () => {
    expect(requestsChart(hours(Array<number>(24).fill(0))).summary).toBe('0 requests from the sync in the last 24 hours.');
    expect(requestsChart(hours(Array<number>(24).fill(0))).bars.every((b) => b.height === 0)).toBe(true);
    expect(requestsChart(hours([1])).summary).toBe('1 request from the sync in the last 1 hours; this hour so far: 1; busiest hour: 2026-12-02 13:00-14:00 UTC with 1 request.');
    expect(requestsChart(undefined)).toMatchObject({ available: false, summary: 'Unavailable.', bars: [] });
    expect(hourRange(Date.UTC(2026, 11, 2, 23))).toBe('2026-12-02 23:00-00:00 UTC');
  });

  it('renders in the figures fragment (the one htmx swaps) with a label and a tooltip per bar and a table of the same', () => {
    const html = overviewFigures(overviewView(facts(), { canChange: true, csrf: 'tok' }));
    const budget = html.slice(html.indexOf('<section id="budget">'), html.indexOf('<section id="failures">'));
    expect(budget).toContain('<figure id="sf-requests" class="chart">');
    expect(budget).toContain('aria-label="Salesforce API requests per hour, the last 24 hours (UTC)"');
    expect(budget.match(/<g class="bar[^"]*" role="img" aria-label="[^"]+"/g)).toHaveLength(24);
    expect(budget.match(/<title>/g)).toHaveLength(24);
    expect(budget).toContain('<g class="bar" role="img" aria-label="2026-12-02 12:00-13:00 UTC: 1,250 requests" data-hour="2026-12-02T12" data-requests="1250">');
    expect(budget).toContain('<g class="bar current" role="img" aria-label="2026-12-02 13:00-14:00 UTC: 40 requests so far" data-hour="2026-12-02T13" data-requests="40">');
    expect(budget.match(/<rect class="value"/g)).toHaveLength(3);
    expect(budget).toContain('<table id="sf-requests-table">');
    expect(budget).not.toMatch(/style=|<script/);
    const unavailable = overviewFigures(overviewView(facts({ salesforceRequests: undefined }), { canChange: true, csrf: 'tok' }));
    expect(unavailable).toContain('<span id="sf-requests-summary">Unavailable.</span>');
    expect(unavailable).not.toContain('<svg');
  });
});
