import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_MAPPING_YAML, demoRingCentralSeed } from '../../src/demo/demo-seed.ts';
import type { SimRecording } from '../../src/simulators/ringcentral/ringcentral-simulator.ts';
import { sampleCalls, type SampleName } from '../../src/demo/sample-calls.ts';
import { callKey } from '../../src/sync/call-key.ts';
import type { Simulators } from '../../src/simulators/start-simulators.ts';

/** One row of the fault table printed at the end of `npm run test:faults`. */
export interface FaultRow {
  scenario: string;
  sent: number;
  writtenOnce: number;
  duplicates: number;
  lost: number;
  recoverMs: number;
}

/** One row of the hostile-input table: what the input did, and the service process's memory around it. */
export interface HostileRow {
  scenario: string;
  outcome: string;
  rssBeforeMb: number;
  rssAfterMb: number;
  /** The peak RSS during the input, over the RSS before it. */
  peakGrowthMb: number;
  boundMb: number;
}

declare module 'vitest' {
  interface TaskMeta {
    fault?: FaultRow;
    hostile?: HostileRow;
    hostileRows?: HostileRow[];
  }
}

/** The sample calls used by the fault scenarios (all of them resolve to a contact or lead in the demo org). */
export const FAULT_CALLS: readonly SampleName[] = ['documented-example', 'inbound-highlights', 'two-external-speakers', 'no-next-steps', 'very-long-call', 'no-external-speaker'];

export function recordIdOf(name: SampleName): string {
  return sampleCalls()[name].body.sourceRecordId as string;
}

function expectedFollowUps(name: SampleName): number {
  const steps = (sampleCalls()[name].body.insights as { NextSteps: Array<{ value: string }> }).NextSteps;
  return new Set(steps.map((s) => s.value.trim().toLowerCase())).size;
}

/**
 * Counts what reached Salesforce for the calls sent: a call is written once when it has exactly one call
 * activity and each of its follow-ups exactly once; extra records are duplicates; missing ones are lost.
 */
export function tally(sims: Simulators, sent: readonly SampleName[], keyField = 'CallObject'): Omit<FaultRow, 'scenario' | 'recoverMs'> {
  const tasks = sims.sf.records('Task');
  let writtenOnce = 0;
  let duplicates = 0;
  let lost = 0;
  for (const name of new Set(sent)) {
    const key = callKey(recordIdOf(name));
    const calls = tasks.filter((t) => t[keyField] === key);
    const steps = tasks.filter((t) => typeof t[keyField] === 'string' && (t[keyField]).startsWith(`${key}:step:`));
    const distinctSteps = new Set(steps.map((t) => t[keyField])).size;
    duplicates += Math.max(0, calls.length - 1) + (steps.length - distinctSteps);
    const complete = calls.length >= 1 && distinctSteps === expectedFollowUps(name);
    if (!complete) lost++;
    if (calls.length === 1 && steps.length === distinctSteps && complete) writtenOnce++;
  }
  return { sent: new Set(sent).size, writtenOnce, duplicates, lost };
}

/** A mapping file on disk for worker processes (the demo mapping). */
export function demoMappingFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fault-map-')), 'mapping.yaml');
  writeFileSync(file, DEMO_MAPPING_YAML);
  return file;
}

/** The demo recordings moved to the last hour (the catch-up reads the recent call log), as the simulator takes them. */
export function recentRecordings(names: readonly SampleName[], now = Date.now()): SimRecording[] {
  const seed = demoRingCentralSeed(names);
  return (seed.recordings ?? []).map((r, i) => {
    const start = new Date(now - 3600_000 + i * 60_000).toISOString();
    const done = new Date(now - 1800_000 + i * 60_000).toISOString();
    return {
      ...r,
      insights: { ...r.insights, recordingStartTime: start, creationTime: done, lastModifiedTime: done },
      ...(r.callLog ? { callLog: { ...r.callLog, startTime: start } } : {}),
    };
  });
}

/**
 * `n` distinct calls for the demo org: copies of the demo recordings (cycled) with their own recording, session and
 * call-log ids, loaded into the RingCentral simulator. Returns their recording ids and follow-ups expected per call.
 */
export function loadManyCalls(sims: Simulators, n: number): Array<{ id: string; followUps: number }> {
  const base = demoRingCentralSeed(FAULT_CALLS).recordings ?? [];
  const out: Array<{ id: string; followUps: number }> = [];
  for (let i = 0; i < n; i++) {
    const r = structuredClone(base[i % base.length]!);
    const id = `${9_100_000_000_000 + i}`;
    r.insights.sourceRecordId = id;
    r.insights.sourceSessionId = `${9_200_000_000_000 + i}`;
    sims.rc.addRecording(r);
    const steps = (r.insights.insights as { NextSteps?: Array<{ value: string }> }).NextSteps ?? [];
    out.push({ id, followUps: new Set(steps.map((s) => s.value.trim().toLowerCase())).size });
  }
  return out;
}

/** The tally of `loadManyCalls` calls (as `tally` does for the named samples). */
export function tallyCalls(sims: Simulators, calls: ReadonlyArray<{ id: string; followUps: number }>, keyField = 'CallObject'): Omit<FaultRow, 'scenario' | 'recoverMs'> {
  const tasks = sims.sf.records('Task');
  let writtenOnce = 0;
  let duplicates = 0;
  let lost = 0;
  for (const c of calls) {
    const key = callKey(c.id);
    const activities = tasks.filter((t) => t[keyField] === key);
    const steps = tasks.filter((t) => typeof t[keyField] === 'string' && t[keyField].startsWith(`${key}:step:`));
    const distinct = new Set(steps.map((t) => t[keyField])).size;
    duplicates += Math.max(0, activities.length - 1) + (steps.length - distinct);
    const complete = activities.length >= 1 && distinct === c.followUps;
    if (!complete) lost++;
    if (activities.length === 1 && steps.length === distinct && complete) writtenOnce++;
  }
  return { sent: calls.length, writtenOnce, duplicates, lost };
}
