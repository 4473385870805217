import type { Reporter, TestModule } from 'vitest/node';
import type { FaultRow, HostileRow } from '../faults/fault-harness.ts';

/** Prints the fault suite's results as one table: scenario, events sent, written once, duplicates, lost, time to recover. */
export default class FaultTableReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    this.#hostile(testModules);
    const rows: Array<FaultRow & { ok: string }> = [];
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const row = test.meta().fault;
        if (row) rows.push({ ...row, ok: test.result().state === 'passed' ? 'ok' : 'FAIL' });
      }
    }
    if (rows.length === 0) return;
    const headers = ['scenario', 'events sent', 'written once', 'duplicates', 'lost', 'time to recover', 'result'];
    const cells = rows.map((r) => [r.scenario, String(r.sent), String(r.writtenOnce), String(r.duplicates), String(r.lost), `${(r.recoverMs / 1000).toFixed(1)} s`, r.ok]);
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (c: string[]) => '| ' + c.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ') + ' |';
    const out = ['', 'Fault suite', line(headers), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.map(line)];
    const totals = rows.reduce((a, r) => ({ lost: a.lost + r.lost, duplicates: a.duplicates + r.duplicates }), { lost: 0, duplicates: 0 });
    out.push(`total: ${totals.lost} lost, ${totals.duplicates} duplicates across ${rows.length} scenarios`, '');
    process.stdout.write(out.join('\n') + '\n');
  }

  /** The hostile-input rows: the input, what became of it, and the service's memory (before, after, peak growth, bound). */
  #hostile(testModules: ReadonlyArray<TestModule>): void {
    const rows: Array<HostileRow & { ok: string }> = [];
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const meta = test.meta();
        const ok = test.result().state === 'passed' ? 'ok' : 'FAIL';
        for (const row of meta.hostileRows ?? (meta.hostile ? [meta.hostile] : [])) rows.push({ ...row, ok });
      }
    }
    if (rows.length === 0) return;
    const headers = ['input', 'outcome', 'RSS before', 'RSS after', 'peak growth', 'bound', 'result'];
    const mb = (n: number) => `${n.toFixed(0)} MB`;
    const cells = rows.map((r) => [r.scenario, r.outcome, mb(r.rssBeforeMb), mb(r.rssAfterMb), mb(r.peakGrowthMb), `< ${mb(r.boundMb)}`, r.ok]);
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (c: string[]) => '| ' + c.map((x, i) => (i <= 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ') + ' |';
    process.stdout.write(['', 'Hostile input (the service process)', line(headers), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.map(line), ''].join('\n') + '\n');
  }
}
