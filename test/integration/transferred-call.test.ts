/**
 * A transferred RingEX call (issue 15, item 4): one telephony session, two recorded legs. Each leg is its own call
 * activity owned by its own rep, both name the session, and a leg that arrives by event and again by catch-up is
 * written once. Through the unmodified clients, the simulators and real Redis.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACE_DOMAINS } from '../../src/calls/domains.ts';
import { DEMO_IDS, demoSalesforceSeed } from '../../src/demo/demo-seed.ts';
import { TRANSFER_LEG_IDS, TRANSFER_SESSION_ID, transferRingCentralSeed, transferSampleLegs } from '../../src/demo/sample-transfer.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { enqueueInsights } from '../../src/queue/producer.ts';
import { startPipeline, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline | undefined;
afterEach(async () => {
  await p?.stop();
  p = undefined;
});

const callTask = (pl: Pipeline, id: string) => pl.tasks().filter((t) => t.TaskSubtype === 'Call' && t.CallObject === `ringsense:${id}`);

describe('a transferred call', () => {
  it('two legs: two call activities, each owned by its rep, both naming the session; a leg read again by catch-up is not written twice', async () => {
    p = await startPipeline({ sims: { seed: { ringcentral: transferRingCentralSeed(), salesforce: demoSalesforceSeed() } } });
    p.sims.rc.publishInsights(TRANSFER_LEG_IDS.john);
    p.sims.rc.publishInsights(TRANSFER_LEG_IDS.maria);
    expect(await p.settled(2)).toEqual({ completed: 2, failed: 0 });
    const [john] = callTask(p, TRANSFER_LEG_IDS.john);
    const [maria] = callTask(p, TRANSFER_LEG_IDS.maria);
    expect(john).toMatchObject({ OwnerId: DEMO_IDS.userJohn, WhoId: DEMO_IDS.contactSean, Status: 'Completed' });
    expect(maria).toMatchObject({ OwnerId: DEMO_IDS.userMaria, WhoId: DEMO_IDS.contactSean, Status: 'Completed' });
    for (const t of [john, maria]) expect(String(t!.Description)).toContain(`session ${TRANSFER_SESSION_ID}`);
    // Maria's follow-ups are hers; John's "transfer" step is his.
    const steps = (leg: string) => p!.tasks().filter((t) => t.TaskSubtype !== 'Call' && String(t.CallObject).startsWith(`ringsense:${leg}:`));
    expect(steps(TRANSFER_LEG_IDS.maria).map((t) => t.OwnerId)).toEqual([DEMO_IDS.userMaria, DEMO_IDS.userMaria]);
    expect(steps(TRANSFER_LEG_IDS.john)).toHaveLength(1);

    // The call-log catch-up reads Maria's leg again (the same version): its job id is taken, nothing is written again.
    const [, mariaLeg] = transferSampleLegs();
    const again = await enqueueInsights(p.service.queue, structuredClone(mariaLeg.insights), 'catch_up', createLogger({ level: 'error', format: 'json' }), { domains: ACE_DOMAINS });
    expect(again.status).toBe('duplicate');
    expect(callTask(p, TRANSFER_LEG_IDS.maria)).toHaveLength(1);
    expect(p.tasks().filter((t) => t.TaskSubtype === 'Call')).toHaveLength(2);
  });
});
