/** Small pure helpers: percentiles, counter deltas and the lookup/write split of Salesforce request kinds. */

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** Nearest-rank percentiles of `values` (any order); zeros when empty. */
export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  return { p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** after - before, per key (keys of either side), leaving out zeros. */
export function delta(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

export function sum(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

export function perCall(counts: Readonly<Record<string, number>>, calls: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, calls > 0 ? v / calls : 0]));
}

export type RequestClass = 'lookup' | 'write' | 'other';

/** Salesforce simulator request kinds: reads that find records, writes that change them, and the rest. */
export function classifySalesforceKind(kind: string): RequestClass {
  if (['query', 'queryAll', 'search', 'retrieve', 'collections.retrieve'].includes(kind)) return 'lookup';
  if (['create', 'update', 'upsert', 'delete', 'composite', 'composite.graph'].includes(kind) || (kind.startsWith('collections.') && kind !== 'collections.retrieve')) return 'write';
  return 'other';
}

export function byClass(counts: Readonly<Record<string, number>>): Record<RequestClass, number> {
  const out: Record<RequestClass, number> = { lookup: 0, write: 0, other: 0 };
  for (const [k, v] of Object.entries(counts)) out[classifySalesforceKind(k)] += v;
  return out;
}

export const round = (n: number, digits = 2): number => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

/**
 * Items per `windowMs` at the pace of a straight line fitted (least squares) to the items' times, in order: a
 * steady rate that the first and the last, unfinished burst of a paced reader weigh little in. Undefined for fewer
 * than three items or no time between them.
 */
export function fittedRate(times: readonly number[], windowMs: number): number | undefined {
  const n = times.length;
  if (n < 3) return undefined;
  const t = [...times].sort((a, b) => a - b);
  const meanI = (n - 1) / 2;
  const meanT = t.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - meanI) * (t[i]! - meanT);
    den += (i - meanI) ** 2;
  }
  const msPerItem = num / den;
  return msPerItem > 0 ? windowMs / msPerItem : undefined;
}

/** The most of `times` inside any window of `windowMs` (a sliding window, as the simulator counts). */
export function mostInWindow(times: readonly number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let lo = 0, hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= windowMs) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}
