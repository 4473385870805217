/** A meeting's facts from RingCentral Video's history, through the unmodified @ringcentral/sdk against the simulator. */
import { afterEach, describe, expect, it } from 'vitest';
import { REP_MARIA } from '../../src/demo/sample-calls.ts';
import { RCV_SAMPLE_MEETING_ID, rcvSampleMeeting, SEAN_CALLER_ID } from '../../src/demo/sample-meetings.ts';
import { readMeetingFacts } from '../../src/ringcentral/meeting-history.adapter.ts';
import { createRingCentralClient, type Platform } from '../../src/ringcentral/sdk.ts';
import { RingCentralSimulator } from '../../src/simulators/ringcentral/ringcentral-simulator.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ sim: RingCentralSimulator; platform: Platform }> {
  const sim = await RingCentralSimulator.start({ seed: { extensions: [{ id: REP_MARIA, extensionNumber: '102', name: 'Maria Garcia', email: 'maria.garcia@acme-robotics.example' }] } });
  cleanups.push(() => sim.stop());
  const client = await createRingCentralClient({ serverUrl: sim.url, clientId: sim.clientId, clientSecret: sim.clientSecret, jwt: sim.jwt }, { cachePrefix: `rc-meeting-facts-${process.pid}-` });
  cleanups.push(() => client.close());
  return { sim, platform: client.platform };
}

describe('readMeetingFacts', () => {
  it("reads an rcv meeting's start, length, host and participants by its id (with ! and @); an unknown id is undefined", async () => {
    const { sim, platform } = await setup();
    sim.addMeeting(rcvSampleMeeting().meeting);
    const facts = await readMeetingFacts(platform, RCV_SAMPLE_MEETING_ID);
    expect(facts).toEqual({
      ok: true,
      value: {
        meetingId: RCV_SAMPLE_MEETING_ID,
        title: 'Northwind rollout planning',
        startTime: '2024-09-17T15:00:00.000Z',
        durationSeconds: 1260,
        hostExtensionId: REP_MARIA,
        recorded: true,
        participants: [
          { name: 'Maria Garcia', extensionId: REP_MARIA, callerId: undefined },
          { name: "Sean O'Brien", extensionId: undefined, callerId: SEAN_CALLER_ID },
          { name: 'Tracy Debolah', extensionId: undefined, callerId: undefined },
        ],
      },
    });
    expect(await readMeetingFacts(platform, '00000000-0000-4000-8000-000000000000!us-15-cmh06@us-15')).toBeUndefined();
  });

  it('a rate-limited read throws, keeping Retry-After for the retry', async () => {
    const { sim, platform } = await setup();
    sim.addMeeting(rcvSampleMeeting().meeting);
    sim.configureRateLimits({ enforce: true, groups: { Light: { limit: 1, windowSeconds: 30 } } });
    await readMeetingFacts(platform, RCV_SAMPLE_MEETING_ID);
    await expect(readMeetingFacts(platform, RCV_SAMPLE_MEETING_ID)).rejects.toMatchObject({ failure: { kind: 'rate_limited' } });
  });
});
