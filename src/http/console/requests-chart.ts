/**
 * The overview's chart of Salesforce API requests per hour, beside the API budget: the view model (pure, geometry
 * included) and its Eta template (placed in the figures by views.ts).
 *
 * Why a server-rendered SVG and not a chart library: the question a RevOps admin asks here is "when did we spend
 * the allocation, and how much", which 24 labelled bars answer; a library would add a script to serve and keep up
 * to date for no more than that. The SVG needs no JavaScript (the console works without it), is part of the
 * figures fragment htmx swaps every 15 s (no chart to re-initialise), passes the console's CSP (no inline script
 * or style: the colours are classes in console.css) and escapes like every other value (Eta). Each bar is labelled
 * for screen readers and carries a tooltip; a text summary and a table say the same in words and figures.
 */

export interface HourRequests {
  /** The hour's start, epoch ms (UTC). */
  readonly hour: number;
  readonly requests: number;
}

export interface RequestsChartBar {
  /** `13`: the hour under the bar. */
  readonly hourLabel: string;
  /** `2026-12-02T13`: the hour as data (tests, scripts). */
  readonly hourIso: string;
  /** `2026-12-02 13:00-14:00 UTC: 34 requests` (the current hour: "so far"): aria-label and tooltip. */
  readonly title: string;
  readonly requests: number;
  /** The count above the bar, compact (`1.2K`); empty for none. */
  readonly countText: string;
  readonly current: boolean;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** The slot's middle, where both labels are centred. */
  readonly middle: number;
  readonly countY: number;
}

export interface RequestsChartView {
  /** The counts could not be read (Redis away): "Unavailable." instead of a chart. */
  readonly available: boolean;
  readonly summary: string;
  readonly total: number;
  readonly width: number;
  readonly height: number;
  /** The slot width: each bar's hover area. */
  readonly slot: number;
  /** The top of the plot, and the baseline (the bars stand on it). */
  readonly top: number;
  readonly baseline: number;
  readonly hourY: number;
  readonly label: string;
  readonly bars: readonly RequestsChartBar[];
  /** The table fallback: one row per hour, newest first. */
  readonly rows: ReadonlyArray<{ readonly hour: string; readonly requests: string; readonly current: boolean }>;
}

const SLOT = 30;
const BAR = 22;
const TOP = 16;
const PLOT = 120;
const BOTTOM = 20;

const whole = (n: number): string => n.toLocaleString('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const pad = (n: number): string => String(n).padStart(2, '0');
const day = (d: Date): string => d.toISOString().slice(0, 10);
const requestsWord = (n: number): string => `${whole(n)} request${n === 1 ? '' : 's'}`;

/** `2026-12-02 13:00-14:00 UTC`. Pure. */
export function hourRange(hour: number): string {
  const d = new Date(hour);
  return `${day(d)} ${pad(d.getUTCHours())}:00-${pad((d.getUTCHours() + 1) % 24)}:00 UTC`;
}

/**
 * The chart from the hours (oldest first, the current one last), and the org's daily allocation when known (the
 * summary says what share of it the sync took: Salesforce counts the allocation over the last 24 hours). Pure.
 */
export function requestsChart(hours: readonly HourRequests[] | undefined, opts: { dailyLimit?: number | undefined } = {}): RequestsChartView {
  const n = hours?.length ?? 0;
  const label = `Salesforce API requests per hour, the last ${n} hours (UTC)`;
  const frame = { width: Math.max(1, n) * SLOT, height: TOP + PLOT + BOTTOM, slot: SLOT, top: TOP, baseline: TOP + PLOT, hourY: TOP + PLOT + BOTTOM - 5, label };
  if (!hours) return { ...frame, available: false, summary: 'Unavailable.', total: 0, bars: [], rows: [] };
  const max = Math.max(0, ...hours.map((h) => h.requests));
  const total = hours.reduce((sum, h) => sum + h.requests, 0);
  const bars = hours.map((h, i): RequestsChartBar => {
    const current = i === n - 1;
    // At least 2 px for any request at all: one call among thousands still shows.
    const height = max > 0 && h.requests > 0 ? Math.max(2, Math.round((h.requests / max) * PLOT)) : 0;
    const x = i * SLOT + (SLOT - BAR) / 2;
    const date = new Date(h.hour);
    return {
      hourLabel: pad(date.getUTCHours()),
      hourIso: date.toISOString().slice(0, 13),
      title: `${hourRange(h.hour)}: ${requestsWord(h.requests)}${current ? ' so far' : ''}`,
      requests: h.requests,
      countText: h.requests > 0 ? compact.format(h.requests) : '',
      current,
      x,
      y: TOP + PLOT - height,
      width: BAR,
      height,
      middle: i * SLOT + SLOT / 2,
      countY: TOP + PLOT - height - 4,
    };
  });
  return { ...frame, available: true, summary: summaryOf(hours, total, opts.dailyLimit), total, bars, rows: hours.map((h, i) => ({ hour: hourRange(h.hour), requests: whole(h.requests), current: i === n - 1 })).reverse() };
}

function summaryOf(hours: readonly HourRequests[], total: number, limit: number | undefined): string {
  if (!hours.length) return 'No hours to show.';
  const share = limit && limit > 0 ? ` (${((total / limit) * 100).toFixed(1)}% of the org's daily allocation of ${whole(limit)})` : '';
  const head = `${requestsWord(total)} from the sync in the last ${hours.length} hours${share}`;
  if (total === 0) return `${head}.`;
  const busiest = hours.reduce((a, b) => (b.requests > a.requests ? b : a));
  const now = hours[hours.length - 1]!;
  return `${head}; this hour so far: ${whole(now.requests)}; busiest hour: ${hourRange(busiest.hour)} with ${requestsWord(busiest.requests)}.`;
}

/** The chart as the figures place it (`<%~ include('@requests-chart', it.requests) %>`): every value escaped. */
export const REQUESTS_CHART = `<figure id="sf-requests" class="chart">
<figcaption><strong>Requests per hour</strong> <span id="sf-requests-summary"><%= it.summary %></span></figcaption>
<% if (it.available && it.bars.length) { %><svg class="bars" viewBox="0 0 <%= it.width %> <%= it.height %>" role="group" aria-label="<%= it.label %>">
<line class="axis" x1="0" y1="<%= it.baseline %>" x2="<%= it.width %>" y2="<%= it.baseline %>"></line>
<% it.bars.forEach(function (b) { %><g class="bar<%= b.current ? ' current' : '' %>" role="img" aria-label="<%= b.title %>" data-hour="<%= b.hourIso %>" data-requests="<%= b.requests %>"><title><%= b.title %></title><rect class="hit" x="<%= b.middle - it.slot / 2 %>" y="0" width="<%= it.slot %>" height="<%= it.height %>"></rect><% if (b.height) { %><rect class="value" x="<%= b.x %>" y="<%= b.y %>" width="<%= b.width %>" height="<%= b.height %>"></rect><text class="count" x="<%= b.middle %>" y="<%= b.countY %>" text-anchor="middle"><%= b.countText %></text><% } %><text class="hour" x="<%= b.middle %>" y="<%= it.hourY %>" text-anchor="middle"><%= b.hourLabel %></text></g><% }) %>
</svg>
<p class="hint">Hours in UTC; the last bar is the current hour so far. Every worker replica's requests, token requests left out.</p>
<details><summary>The same as a table</summary>
<table id="sf-requests-table"><thead><tr><th>Hour</th><th>Requests</th></tr></thead><tbody>
<% it.rows.forEach(function (r) { %><tr><td><%= r.hour %><%= r.current ? ' (so far)' : '' %></td><td class="count"><%= r.requests %></td></tr><% }) %>
</tbody></table></details><% } %>
</figure>
`;
