import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_MAPPING_YAML, demoRingCentralSeed, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import type { SimRecording } from '../../src/simulators/ringcentral/state.ts';
import { publish, replay } from '../support/recorded-calls.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

const mappingWith = (policy: string) => `${DEMO_MAPPING_YAML}opportunity:\n  nextStep: ${policy}\n`;

/** Maria's call with Sean O'Brien of Northwind (an open opportunity) as call `n`, started at `start`, Maria's next step `step`. */
function northwindCall(n: number, start: string, step: string, version = '2024-09-20T10:00:00.000Z'): SimRecording {
  const [rec] = demoRingCentralSeed(['inbound-highlights']).recordings ?? [];
  if (!rec) throw new Error('no inbound-highlights sample');
  const insights = structuredClone(rec.insights) as Record<string, unknown> & { insights: { NextSteps: Array<Record<string, unknown>> } };
  const [maria, sean] = insights.insights.NextSteps;
  insights.insights.NextSteps = [sean!, { ...maria, value: step }]; // the customer speaks first: Maria's is picked
  return { ...rec, insights: { ...insights, sourceRecordId: `27280850000${n}`, sourceSessionId: `s-opp-${n}`, recordingStartTime: start, lastModifiedTime: version } };
}

const nextStep = (pl: Pipeline) => pl.sims.sf.records('Opportunity').find((o) => o.Id === DEMO_IDS.oppNorthwind)?.NextStep ?? null;
/** Opportunity updates Salesforce took (the sync's go through sObject Collections PATCH; Task updates do not). */
const oppUpdates = (pl: Pipeline) => pl.sims.sf.counters().byKind['collections.update'] ?? 0;


describe('Opportunity.NextStep (mapping opportunity.nextStep)', () => {
  it('latest_call: a later call overwrites; an earlier call, an older version and a replay never roll it back; a rep\'s own edit is kept', async () => {
    p = await startPipeline({ mappingYaml: mappingWith('latest_call'), sims: { seed: { ringcentral: demoRingCentralSeed([]), salesforce: demoSalesforceSeed() } } });
    const monday = northwindCall(1, '2024-09-16T14:00:00.000Z', 'Send Northwind the quote for 40 units.');
    await publish(p, monday);
    expect(nextStep(p)).toBe('Send Northwind the quote for 40 units.');
    expect(oppUpdates(p)).toBe(1);
    expect(p.tasks().find((t) => t.CallObject === `ringsense:${String(monday.insights.sourceRecordId)}`)?.WhatId).toBe(DEMO_IDS.oppNorthwind);

    const wednesday = northwindCall(3, '2024-09-18T14:00:00.000Z', 'Book the pilot kickoff at the Chicago site.');
    await publish(p, wednesday);
    expect(nextStep(p)).toBe('Book the pilot kickoff at the Chicago site.');
    expect(oppUpdates(p)).toBe(2);

    // Tuesday's call arrives after Wednesday's (catch-up, a late analysis): it does not roll the field back.
    await publish(p, northwindCall(2, '2024-09-17T14:00:00.000Z', 'Tuesday: revise the quote.'));
    // A newer version of Wednesday's insights corrects its step; then the older version arrives late.
    const corrected = northwindCall(3, '2024-09-18T14:00:00.000Z', 'Book the pilot kickoff in Chicago for October 7.', '2024-09-20T12:00:00.000Z');
    await publish(p, corrected);
    expect(nextStep(p)).toBe('Book the pilot kickoff in Chicago for October 7.');
    await publish(p, northwindCall(3, '2024-09-18T14:00:00.000Z', 'An older analysis of the same call.', '2024-09-20T11:00:00.000Z'));
    expect(nextStep(p)).toBe('Book the pilot kickoff in Chicago for October 7.');
    expect(oppUpdates(p)).toBe(3);

    // A replay of the call that wrote it writes nothing again.
    await replay(p, corrected);
    expect(oppUpdates(p)).toBe(3);

    // The rep types their own next step; a later call keeps it.
    const conn = await p.salesforce();
    await conn.sobject('Opportunity').update({ Id: DEMO_IDS.oppNorthwind, NextStep: 'Maria: lunch with Sean on the 25th' });
    await publish(p, northwindCall(4, '2024-09-19T14:00:00.000Z', 'Send the signed pilot plan.'));
    expect(nextStep(p)).toBe('Maria: lunch with Sean on the 25th');
    expect(oppUpdates(p)).toBe(3);
    const kept = p.logs.filter((l) => l.message === 'opportunity_next_step_kept');
    // Tuesday's call: older; the older version: answered from the write ledger before anything is read; the replay:
    // the same call; the last: the rep's.
    expect(kept.map((l) => l.reason)).toEqual(['older_call', 'same_call', 'person_edit']);
    expect(kept.at(-1)).toMatchObject({ opportunityId: DEMO_IDS.oppNorthwind });
    expect(JSON.stringify(kept)).not.toMatch(/Send the signed|lunch with Sean/); // no call content, no rep's text
  });

  it('calls of one deal arriving together share turns: the latest call\'s step, in fewer updates than calls', async () => {
    p = await startPipeline({ mappingYaml: mappingWith('latest_call'), sims: { seed: { ringcentral: demoRingCentralSeed([]), salesforce: demoSalesforceSeed() } } });
    const calls = [3, 1, 5, 2, 4].map((n) => northwindCall(n, `2024-09-1${n}T14:00:00.000Z`, `Step from the call of the 1${n}th.`));
    for (const c of calls) p.sims.rc.addRecording(c);
    for (const c of calls) p.sims.rc.publishInsights(String(c.insights.sourceRecordId));
    expect(await p.settled(calls.length)).toEqual({ completed: calls.length, failed: 0 });
    expect(nextStep(p)).toBe('Step from the call of the 15th.');
    // The first call takes a turn alone; the four that arrive while it runs share the next (2 updates, not 5).
    expect(oppUpdates(p)).toBeLessThanOrEqual(2);
    const outcomes = p.logs.filter((l) => String(l.message).startsWith('opportunity_next_step'));
    expect(outcomes).toHaveLength(5);
    expect(outcomes.filter((l) => l.message === 'opportunity_next_step_written').length).toBe(oppUpdates(p));
  });

  it('fill_if_empty: fills an empty field once, then never replaces it', async () => {
    p = await startPipeline({ mappingYaml: mappingWith('fill_if_empty'), sims: { seed: { ringcentral: demoRingCentralSeed([]), salesforce: demoSalesforceSeed() } } });
    await publish(p, northwindCall(1, '2024-09-16T14:00:00.000Z', 'Send Northwind the quote for 40 units.'));
    expect(nextStep(p)).toBe('Send Northwind the quote for 40 units.');
    await publish(p, northwindCall(2, '2024-09-17T14:00:00.000Z', 'A later step that does not replace it.'));
    expect(nextStep(p)).toBe('Send Northwind the quote for 40 units.');
    expect(oppUpdates(p)).toBe(1);
    // A rep clears it: a later call fills it again; an earlier call or a replay does not.
    const conn = await p.salesforce();
    await conn.sobject('Opportunity').update({ Id: DEMO_IDS.oppNorthwind, NextStep: null } as never);
    await publish(p, northwindCall(0, '2024-09-15T14:00:00.000Z', 'An earlier call.'));
    expect(nextStep(p)).toBeNull();
    await publish(p, northwindCall(3, '2024-09-18T14:00:00.000Z', 'Book the pilot kickoff.'));
    expect(nextStep(p)).toBe('Book the pilot kickoff.');
    expect(oppUpdates(p)).toBe(2);
  });

  it('off (the default): the opportunity is neither read nor written', async () => {
    p = await startPipeline({ mappingYaml: mappingWith('off'), sims: { seed: { ringcentral: demoRingCentralSeed([]), salesforce: demoSalesforceSeed() } } });
    await publish(p, northwindCall(1, '2024-09-16T14:00:00.000Z', 'Send Northwind the quote for 40 units.'));
    expect(p.sims.sf.records('Opportunity').find((o) => o.Id === DEMO_IDS.oppNorthwind)).toHaveProperty('NextStep', null);
    expect(oppUpdates(p)).toBe(0);
    await waitFor(() => p!.logs.some((l) => l.message === 'call_synced'));
    expect(p.logs.some((l) => String(l.message).startsWith('opportunity_next_step'))).toBe(false);
  });
});
