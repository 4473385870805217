/** Hand-drawn SVG charts: latency CDFs per run (both modes in each panel) and requests per call stacked by kind. */
import type { ScenarioResult } from './scenario.ts';
import { round } from './stats.ts';

const MODE_COLOR: Record<string, string> = { optimized: '#1f77b4', full: '#2ca02c', naive: '#d62728' };
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#86bcb6', '#d37295'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, s: string, extra = '') => `<text x="${round(x, 1)}" y="${round(y, 1)}" ${extra}>${esc(s)}</text>`;

function scenarioName(r: ScenarioResult): string {
  return r.kind === 'paced' ? `paced ${r.rate}/s` : r.kind;
}

function cellLabel(r: ScenarioResult): string {
  return `${scenarioName(r)}, SF ${r.sfLatencyMs} ms, ${r.workers} worker${r.workers > 1 ? 's' : ''}`;
}

function cells(runs: readonly ScenarioResult[]): Array<{ label: string; runs: ScenarioResult[] }> {
  const map = new Map<string, ScenarioResult[]>();
  for (const r of runs.filter((x) => x.kind !== 'memory')) map.set(cellLabel(r), [...(map.get(cellLabel(r)) ?? []), r]);
  return [...map].map(([label, rs]) => ({ label, runs: rs }));
}

/** Cumulative distribution of event-to-written latency, log-scale x, one panel per scenario. */
export function latencyChart(runs: readonly ScenarioResult[]): string {
  const cs = cells(runs).filter((c) => c.runs.some((r) => r.latenciesMs.length > 0));
  const cols = Math.min(3, Math.max(1, cs.length));
  const pw = 360;
  const ph = 264;
  const m = { l: 50, r: 15, t: 50, b: 40 };
  const rows = Math.ceil(cs.length / cols);
  const width = cols * pw;
  const height = rows * ph + 40;
  const all = cs.flatMap((c) => c.runs.flatMap((r) => r.latenciesMs)).filter((v) => v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(1, Math.min(...all, 1e9)))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(10, ...all))));
  const parts: string[] = [];
  cs.forEach((c, i) => {
    const ox = (i % cols) * pw;
    const oy = Math.floor(i / cols) * ph;
    const w = pw - m.l - m.r;
    const h = ph - m.t - m.b;
    const x = (v: number) => ox + m.l + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * w;
    const y = (p: number) => oy + m.t + h - p * h;
    parts.push(`<rect x="${ox + m.l}" y="${oy + m.t}" width="${w}" height="${h}" fill="#fafafa" stroke="#999"/>`);
    parts.push(text(ox + m.l, oy + 14, c.label, 'font-size="12" font-weight="bold"'));
    for (let d = lo; d <= hi; d *= 10) {
      parts.push(`<line x1="${round(x(d), 1)}" x2="${round(x(d), 1)}" y1="${oy + m.t}" y2="${oy + m.t + h}" stroke="#ddd"/>`);
      parts.push(text(x(d), oy + m.t + h + 14, d >= 1000 ? `${d / 1000} s` : `${d} ms`, 'font-size="10" text-anchor="middle"'));
    }
    for (const p of [0, 0.25, 0.5, 0.75, 1]) {
      parts.push(`<line x1="${ox + m.l}" x2="${ox + m.l + w}" y1="${round(y(p), 1)}" y2="${round(y(p), 1)}" stroke="#eee"/>`);
      parts.push(text(ox + m.l - 4, y(p) + 3, `${p * 100}%`, 'font-size="9" text-anchor="end"'));
    }
    parts.push(`<line x1="${ox + m.l}" x2="${ox + m.l + w}" y1="${round(y(0.99), 1)}" y2="${round(y(0.99), 1)}" stroke="#999" stroke-dasharray="3 3"/>`);
    parts.push(text(ox + m.l + w - 3, y(0.99) + 10, 'p99', 'font-size="9" text-anchor="end" fill="#777"'));
    c.runs.forEach((r, k) => {
      const s = r.latenciesMs;
      if (s.length === 0) return;
      const pts = s.map((v, j) => `${round(x(v), 1)},${round(y((j + 1) / s.length), 1)}`);
      parts.push(`<polyline fill="none" stroke="${MODE_COLOR[r.mode] ?? '#333'}" stroke-width="1.8" points="${round(x(s[0]!), 1)},${round(y(0), 1)} ${pts.join(' ')}"/>`);
      parts.push(text(ox + m.l, oy + 28 + k * 12, `${r.mode}: p50 ${Math.round(r.latencyMs.p50)} ms, p95 ${Math.round(r.latencyMs.p95)} ms, p99 ${Math.round(r.latencyMs.p99)} ms`, `font-size="10" fill="${MODE_COLOR[r.mode] ?? '#333'}"`));
    });
    parts.push(text(ox + m.l + w / 2, oy + m.t + h + 30, 'event received → all records written (log scale)', 'font-size="10" text-anchor="middle" fill="#555"'));
  });
  parts.push(text(10, height - 12, 'Cumulative share of calls written within a given time. Blue: optimized (the product), red: naive baseline.', 'font-size="11" fill="#333"'));
  return svg(width, height, parts);
}

/** Requests per call, stacked by kind (Salesforce kinds, then RingCentral endpoints as rc:*), one bar per mode. */
export function requestsChart(runs: readonly ScenarioResult[]): string {
  const cs = cells(runs);
  const kindsOf = (r: ScenarioResult) => ({ ...r.salesforce.byKindPerCall, ...Object.fromEntries(Object.entries(r.ringcentral.byKindPerCall).map(([k, v]) => [`rc:${k}`, v])) });
  const kinds = [...new Set(cs.flatMap((c) => c.runs.flatMap((r) => Object.keys(kindsOf(r)))))].sort((a, b) => Number(a.startsWith('rc:')) - Number(b.startsWith('rc:')) || a.localeCompare(b));
  const color = (k: string) => PALETTE[kinds.indexOf(k) % PALETTE.length]!;
  const bars = cs.flatMap((c) => c.runs.map((r) => ({ cell: c.label, r, stack: kindsOf(r) })));
  const maxTotal = Math.max(1, ...bars.map((b) => Object.values(b.stack).reduce((a, v) => a + v, 0)));
  const m = { l: 50, r: 200, t: 40, b: 70 };
  const bw = 34;
  const gap = 40;
  const width = Math.max(640, m.l + m.r + 10 + cs.length * (2 * bw + gap + 4));
  const height = 420;
  const h = height - m.t - m.b;
  const y = (v: number) => m.t + h - (v / maxTotal) * h;
  const parts: string[] = [text(m.l, 22, 'API requests per call, by kind (Salesforce, then RingCentral as rc:*)', 'font-size="13" font-weight="bold"')];
  const step = maxTotal > 20 ? 5 : maxTotal > 8 ? 2 : maxTotal > 3 ? 1 : 0.5;
  for (let v = 0; v <= maxTotal + 1e-9; v += step) {
    parts.push(`<line x1="${m.l}" x2="${width - m.r}" y1="${round(y(v), 1)}" y2="${round(y(v), 1)}" stroke="#eee"/>`);
    parts.push(text(m.l - 5, y(v) + 3, String(v), 'font-size="10" text-anchor="end"'));
  }
  let x = m.l + 10;
  cs.forEach((c) => {
    const group = bars.filter((b) => b.cell === c.label);
    group.forEach((b, k) => {
      let acc = 0;
      for (const kind of kinds) {
        const v = b.stack[kind] ?? 0;
        if (v <= 0) continue;
        parts.push(`<rect x="${x + k * (bw + 4)}" y="${round(y(acc + v), 1)}" width="${bw}" height="${round(y(acc) - y(acc + v), 1)}" fill="${color(kind)}"><title>${esc(`${b.r.mode} ${kind}: ${round(v)}`)}</title></rect>`);
        acc += v;
      }
      parts.push(text(x + k * (bw + 4) + bw / 2, y(acc) - 4, String(round(acc, 1)), 'font-size="10" text-anchor="middle"'));
      parts.push(text(x + k * (bw + 4) + bw / 2, m.t + h + 12, b.r.mode === 'optimized' ? 'opt' : b.r.mode, `font-size="10" text-anchor="middle" fill="${MODE_COLOR[b.r.mode] ?? '#333'}"`));
    });
    const first = c.runs[0]!;
    parts.push(text(x + bw + 2, m.t + h + 28, scenarioName(first), 'font-size="10" text-anchor="middle"'));
    parts.push(text(x + bw + 2, m.t + h + 41, `SF ${first.sfLatencyMs} ms · ${first.workers}w`, 'font-size="10" text-anchor="middle"'));
    x += 2 * bw + gap + 4;
  });
  kinds.forEach((k, i) => {
    const ly = m.t + i * 16;
    parts.push(`<rect x="${width - m.r + 15}" y="${ly}" width="12" height="12" fill="${color(k)}"/>`);
    parts.push(text(width - m.r + 32, ly + 10, k, 'font-size="11"'));
  });
  return svg(width, height, parts);
}

function svg(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
