import { beforeEach, describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import { resolveParticipants } from '../../../src/mapping/resolve-participants.ts';
import { parseInsightsNotification, type RecordingInsights } from '../../../src/ringcentral/insights-event.schema.ts';
import { FakePeople, FakeTelephony } from '../../fakes/fake-directory.ts';
import { loadEventFixture, type FixtureName, asCall } from '../../support/fixtures.ts';
import { ACE_DOMAINS } from '../../../src/calls/domains.ts';

const JOHN = '005Dm0000000001IAA';
const MARIA = '005Dm0000000002IAA';
const FORMER = '005Dm0000000003IAA';
const TRACY = '003Dm0000000001IAA';
const DEBOLAH = '001Dm0000000001IAA';
const SESSION = 's-a0e7b361acc0az191bec7e275z7cae070000';

function insights(name: FixtureName = 'documented-example'): RecordingInsights {
  const r = parseInsightsNotification(loadEventFixture(name), ACE_DOMAINS);
  if (!r.ok) throw new Error(r.error.message);
  return asCall(r.value.body);
}

let people: FakePeople;
let telephony: FakeTelephony;
const snap = (yaml: string) => parseMapping(yaml, 'mapping.yaml');
const resolve = (yaml: string, body = insights()) => resolveParticipants(body, snap(yaml), { people, telephony });
const JOHN_MAPPED = `users:\n  "62288320001": { salesforceUserId: "${JOHN}" }\n`;

beforeEach(() => {
  people = new FakePeople();
  telephony = new FakeTelephony();
  people.users = [
    { id: JOHN, isActive: true, email: 'john.smith@acme.example' },
    { id: MARIA, isActive: true, email: 'maria.garcia@acme.example' },
    { id: FORMER, isActive: false, email: 'pat@acme.example' },
  ];
  people.people = [
    { type: 'Contact', id: TRACY, name: 'Tracy Debolah', accountId: DEBOLAH, phones: ['(650) 555-0142'], lastModified: '2024-08-01T00:00:00Z' },
  ];
  telephony.numbers.set(SESSION, '+16505550142');
});

describe('resolveParticipants: the owner', () => {
  it('uses the mapped Salesforce user id', async () => {
    const r = await resolve(JOHN_MAPPED);
    expect(r.ok && r.value).toMatchObject({ ownerUserId: JOHN, ownerBy: 'mapping' });
  });

  it('resolves a mapped e-mail to an active user', async () => {
    const r = await resolve('users:\n  "62288320001": { email: "JOHN.SMITH@acme.example" }\n');
    expect(r.ok && r.value.ownerUserId).toBe(JOHN);
  });

  it("falls back to the RingCentral extension's e-mail", async () => {
    telephony.emails.set('62288320001', 'maria.garcia@acme.example');
    const r = await resolve('');
    expect(r.ok && r.value).toMatchObject({ ownerUserId: MARIA, ownerBy: 'extension_email' });
  });

  it('then to the default owner', async () => {
    const r = await resolve(`defaultOwner: { salesforceUserId: "${MARIA}" }\nlookups: { ownerByExtensionEmail: false }\n`);
    expect(r.ok && r.value).toMatchObject({ ownerUserId: MARIA, ownerBy: 'default_owner' });
    expect(telephony.calls.filter((c) => c.startsWith('extensionEmail'))).toEqual([]);
  });

  it('fails as unmapped_owner, naming the extension and how to map it', async () => {
    const r = await resolve('');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.reason).toBe('unmapped_owner');
    expect(r.error.subject).toBe('62288320001');
    expect(r.error.message).toContain('"62288320001": { email: "rep@example.com" }');
  });

  it('says so when the mapped user is inactive', async () => {
    const r = await resolve(`users:\n  "62288320001": { salesforceUserId: "${FORMER}" }\n`);
    expect(!r.ok && r.error.message).toContain(`mapped to Salesforce user ${FORMER}, which does not exist or is inactive`);
  });
});

describe('resolveParticipants: the external party', () => {
  it('finds the contact by the call-log number in another format, and relates the call to its account', async () => {
    const r = await resolve(JOHN_MAPPED);
    expect(r.ok && r.value).toMatchObject({ who: { type: 'Contact', id: TRACY }, whatId: DEBOLAH, matchedBy: 'phone' });
  });

  it('prefers a Contact over a Lead, then the most recently modified', async () => {
    people.people.push(
      { type: 'Lead', id: '00QDm0000000009MAA', name: 'Tracy D', phones: ['+1 650 555 0142'], lastModified: '2024-09-01T00:00:00Z' },
      { type: 'Contact', id: '003Dm0000000009IAA', name: 'T. Debolah', phones: ['650.555.0142'], accountId: '001Dm0000000009IAA', lastModified: '2024-08-20T00:00:00Z' },
    );
    const r = await resolve(JOHN_MAPPED);
    expect(r.ok && r.value.who).toEqual({ type: 'Contact', id: '003Dm0000000009IAA' });
  });

  it('does not take a candidate whose number only looks similar', async () => {
    people.people = [{ type: 'Contact', id: TRACY, name: 'Someone Else', phones: ['(212) 555-0142'], lastModified: '2024-08-01T00:00:00Z' }];
    const r = await resolve(`${JOHN_MAPPED}lookups: { contactByName: false }\n`);
    expect(r.ok && r.value).toMatchObject({ matchedBy: 'none' });
    expect(r.ok && r.value.who).toBeUndefined();
  });

  it('falls back to an exact name match', async () => {
    telephony.numbers.clear();
    const r = await resolve(JOHN_MAPPED);
    expect(r.ok && r.value).toMatchObject({ who: { type: 'Contact', id: TRACY }, matchedBy: 'name' });
  });

  it('lets admin overrides by phone or name win, and ignore a number', async () => {
    const byPhone = await resolve(`${JOHN_MAPPED}contacts:\n  byPhone:\n    "650-555-0142": { leadId: "00QDm0000000001MAA" }\n`);
    expect(byPhone.ok && byPhone.value).toMatchObject({ who: { type: 'Lead', id: '00QDm0000000001MAA' }, matchedBy: 'override_phone' });
    expect(byPhone.ok && byPhone.value.whatId).toBeUndefined();
    const byName = await resolve(`${JOHN_MAPPED}contacts:\n  byName:\n    "tracy  DEBOLAH": { contactId: "003Dm0000000005IAA", accountId: "001Dm0000000005IAA" }\n`);
    expect(byName.ok && byName.value).toMatchObject({ who: { id: '003Dm0000000005IAA' }, whatId: '001Dm0000000005IAA', matchedBy: 'override_name' });
    const ignored = await resolve(`${JOHN_MAPPED}contacts:\n  byPhone:\n    "+16505550142": { ignore: true }\n`);
    expect(ignored.ok && ignored.value.who).toBeUndefined();
    expect(people.calls.filter((c) => c.startsWith('peopleBy'))).toEqual([]);
  });

  it('looks the caller up while it looks the owner up: one round of lookups, not two', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const userById = people.userById.bind(people);
    people.userById = async (id) => {
      await gate;
      return userById(id);
    };
    const pending = resolve(JOHN_MAPPED);
    await new Promise((r) => setTimeout(r, 0));
    // The owner's lookup has not answered (the gate), and the caller's search is asked already.
    expect(people.calls).toEqual(['peopleByPhone:+16505550142', 'peopleByName:Tracy Debolah']);
    release();
    const r = await pending;
    expect(r.ok && r.value).toMatchObject({ ownerUserId: JOHN, who: { type: 'Contact', id: TRACY }, matchedBy: 'phone' });
  });

  it('reports an unmapped owner even when the caller lookup fails', async () => {
    people.peopleByPhone = () => Promise.reject(new Error('Salesforce is down'));
    const r = await resolve('users: {}\n');
    expect(!r.ok && r.error.reason).toBe('unmapped_owner');
  });

  it('relates the call to the open opportunity when asked, else the account', async () => {
    people.opportunities.set(DEBOLAH, '006Dm0000000001IAA');
    const opp = await resolve(`${JOHN_MAPPED}activity: { relatedTo: open_opportunity }\n`);
    expect(opp.ok && opp.value.whatId).toBe('006Dm0000000001IAA');
    people.opportunities.clear();
    const fallback = await resolve(`${JOHN_MAPPED}activity: { relatedTo: open_opportunity }\n`);
    expect(fallback.ok && fallback.value.whatId).toBe(DEBOLAH);
    const none = await resolve(`${JOHN_MAPPED}activity: { relatedTo: none }\n`);
    expect(none.ok && none.value.whatId).toBeUndefined();
  });

  it('applies the no-match policy', async () => {
    people.people = [];
    const logged = await resolve(JOHN_MAPPED);
    expect(logged.ok && logged.value.matchedBy).toBe('none');
    const failed = await resolve(`${JOHN_MAPPED}noMatch: { action: fail }\n`);
    expect(!failed.ok && failed.error).toMatchObject({ reason: 'no_contact_match', subject: '+16505550142' });
    const created = await resolve(`${JOHN_MAPPED}noMatch: { action: create_lead, lead: { company: "Inbound caller" } }\n`);
    expect(created.ok && created.value).toMatchObject({ who: { type: 'Lead' }, matchedBy: 'created_lead' });
    expect(people.createdLeads).toEqual([{ firstName: 'Tracy', lastName: 'Debolah', company: 'Inbound caller', leadSource: 'Phone Inquiry', ownerId: JOHN, phone: '+16505550142' }]);
  });

  it('maps internal speakers for follow-up assignment, and needs no contact on an internal call', async () => {
    const body = insights('no-external-speaker');
    const r = await resolve(`${JOHN_MAPPED}  "62288320002": { email: "maria.garcia@acme.example" }\n`, body);
    expect(r.ok && r.value.matchedBy).toBe('internal_call');
    expect(r.ok && [...r.value.speakerUserIds.values()]).toEqual([JOHN, MARIA]);
    expect(telephony.calls.filter((c) => c.startsWith('externalNumber'))).toEqual([]);
  });
});

describe("resolveParticipants: the caller's number in the event (speakerInfo[].phoneNumber)", () => {
  /** The documented example with numbers on its speakers, as newer events carry them. */
  function withNumbers(numbers: Array<string | null | undefined>): RecordingInsights {
    const body = insights();
    return { ...body, speakerInfo: body.speakerInfo.map((s, i) => (numbers[i] === undefined ? s : { ...s, phoneNumber: numbers[i] })) };
  }
  const callLogAsked = () => telephony.calls.filter((c) => c.startsWith('externalNumber'));

  it("uses the external speaker's number, normalised, and does not ask the call log", async () => {
    telephony.numbers.set(SESSION, '+12125550000'); // the call log would say otherwise: it is not asked
    const r = await resolve(JOHN_MAPPED, withNumbers([undefined, '(650) 555-0142']));
    expect(r.ok && r.value).toMatchObject({ who: { type: 'Contact', id: TRACY }, whatId: DEBOLAH, matchedBy: 'phone' });
    expect(callLogAsked()).toEqual([]);
    expect(people.calls).toContain('peopleByPhone:+16505550142');
  });

  it('asks the call log when the event carries no number (both paths end in the same match)', async () => {
    const r = await resolve(JOHN_MAPPED);
    expect(r.ok && r.value).toMatchObject({ who: { type: 'Contact', id: TRACY }, matchedBy: 'phone' });
    expect(callLogAsked()).toEqual([`externalNumber:${SESSION}`]);
  });

  it("asks the call log when the event's number is no valid number (masked, empty, null), and ignores the reps' own numbers", async () => {
    for (const odd of ['+1650222XXXX', '', null, 'Anonymous']) {
      telephony.calls = [];
      const r = await resolve(JOHN_MAPPED, withNumbers(['+14155550101', odd]));
      expect(r.ok && r.value, String(odd)).toMatchObject({ who: { id: TRACY }, matchedBy: 'phone' });
      expect(callLogAsked(), String(odd)).toEqual([`externalNumber:${SESSION}`]);
    }
  });

  it('takes the first external speaker with a valid number on a call with several', async () => {
    const body = withNumbers([undefined, 'n/a']);
    const three = { ...body, speakerInfo: [...body.speakerInfo, { speakerId: 'p-third', name: 'Robin Third', phoneNumber: '650.555.0142' }] };
    const r = await resolve(JOHN_MAPPED, three);
    expect(r.ok && r.value).toMatchObject({ who: { id: TRACY }, matchedBy: 'phone' });
    expect(callLogAsked()).toEqual([]);
  });

  it("gives the event's number to a new lead and to the unmatched report", async () => {
    people.people = [];
    const body = withNumbers([undefined, '+1 415 555 0199']);
    const failed = await resolve(`${JOHN_MAPPED}noMatch: { action: fail }\n`, body);
    expect(!failed.ok && failed.error).toMatchObject({ reason: 'no_contact_match', subject: '+14155550199' });
    const created = await resolve(`${JOHN_MAPPED}noMatch: { action: create_lead, lead: { company: "Inbound caller" } }\n`, body);
    expect(created.ok && created.value.matchedBy).toBe('created_lead');
    expect(people.createdLeads.at(-1)).toMatchObject({ lastName: 'Debolah', phone: '+14155550199' });
    expect(callLogAsked()).toEqual([]);
  });

  it('reads the number from the sample call that carries one', async () => {
    const r = await resolve(`users:\n  "62288320002": { salesforceUserId: "${MARIA}" }\n`, insights('inbound-highlights'));
    expect(r.ok && r.value.matchedBy).toBe('none'); // Sean is not in this fake org: looked for by his number, then his name
    expect(people.calls.slice(0, 2)).toEqual(['peopleByPhone:+13125550177', "peopleByName:Sean O'Brien"]);
    expect(callLogAsked()).toEqual([]);
  });
});

describe('resolveParticipants: name lookups that fail', () => {
  /** The documented example with a second external speaker (two names to look up) and no call-log number. */
  function twoCallers(): RecordingInsights {
    const body = insights();
    telephony.numbers.clear();
    return { ...body, speakerInfo: [...body.speakerInfo, { speakerId: 'p-second-caller', name: 'Robin Second' }] };
  }

  /** Rejections nobody handled while `run` ran (each would kill the worker process). */
  async function unhandledDuring(run: () => Promise<unknown>): Promise<unknown[]> {
    const seen: unknown[] = [];
    const onUnhandled = (reason: unknown) => void seen.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await run();
      // Node reports an unhandled rejection once the microtasks drain: let that happen before looking.
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    return seen;
  }

  it('leaves no rejection unhandled when an earlier name matches and a later lookup fails', async () => {
    const byName = people.peopleByName.bind(people);
    people.peopleByName = (n) => (n === 'Robin Second' ? Promise.reject(new Error('search failed')) : byName(n));
    const seen = await unhandledDuring(async () => {
      const r = await resolve(JOHN_MAPPED, twoCallers());
      expect(r.ok && r.value).toMatchObject({ who: { type: 'Contact', id: TRACY }, matchedBy: 'name' });
    });
    expect(seen).toEqual([]);
  });

  it('fails with the first lookup that fails, leaving no other rejection unhandled', async () => {
    people.peopleByName = (n) => Promise.reject(new Error(`search for ${n} failed`));
    const seen = await unhandledDuring(() => expect(resolve(JOHN_MAPPED, twoCallers())).rejects.toThrow('search for Tracy Debolah failed'));
    expect(seen).toEqual([]);
  });
});
