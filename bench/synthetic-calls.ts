/**
 * Synthetic RingSense calls for the benchmark, in the documented notification shape: two or three speakers,
 * a 5 to 45 minute transcript (tens of KB), 3 to 8 next steps, returning callers (Contacts and Leads of the
 * seeded org, a few of them calling often) and new ones (numbers the org has never seen), several reps.
 * Call `i` of a seed is always the same call, so it can be rebuilt instead of kept in memory.
 */
import type { SimRecording } from '../src/simulators/ringcentral/state.ts';
import { AREA_CODES, pick, rng, type KnownPerson, type Rep, type World } from './synthetic-org.ts';

export interface SyntheticCall {
  readonly sourceRecordId: string;
  /** The WebSocket notification as RingCentral sends it. */
  readonly notification: Record<string, unknown> & { body: Record<string, unknown> };
  /** What the RingCentral simulator needs to answer the call-log lookup (insights without their content). */
  readonly recording: SimRecording;
  readonly nextSteps: number;
  readonly returning: boolean;
}

const TOPICS = ['pricing', 'integration', 'rollout', 'security review', 'onboarding', 'contract', 'renewal', 'dashboard', 'latency', 'budget', 'timeline', 'pilot', 'training', 'support plan', 'data migration', 'SSO setup', 'procurement', 'legal terms'];
const VERBS = ['walk through', 'confirm', 'revisit', 'estimate', 'compare', 'document', 'schedule', 'escalate', 'review', 'simplify'];
const OPENERS = ['So', 'Right, and', 'Honestly,', 'On our side,', 'Just to be clear,', 'Okay,', 'From what I heard,', 'Good point,'];
const STEPS = [
  'Send the revised {t} proposal to {n} by {d}',
  'Book a {t} workshop with the {c} team for {d}',
  'Share the {t} checklist and the reference architecture with {n}',
  'Confirm the {t} owner on the {c} side before {d}',
  'Prepare a {t} estimate for {c} and review it internally on {d}',
  'Loop in legal about the {t} clause raised by {n}',
  'Follow up with {n} on the open {t} questions by {d}',
  'Set up a {t} trial account for {c}',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'next week', 'end of month'];
const NEW_FIRST = ['Wren', 'Soren', 'Ilse', 'Bram', 'Odile', 'Kofi', 'Marit', 'Thiago', 'Zofia', 'Emeka', 'Liv', 'Anouk'];
const NEW_LAST = ['Halvorsen', 'Achterberg', 'Quispe', 'Varga', 'Lemaire', 'Mbeki', 'Strand', 'Oyelaran', 'Bianchi', 'Rautio'];
/** A call starts every two minutes (30 an hour: how the call log's hours fill up)... */
const SPACING_MS = 120_000;
/**
 * ...from 12 days ago, on the hour (so the calls fall into call-log hours the same way in every run). Recent, as
 * real events are: the worker looks up a call whose recording is older than its write ledger keeps (14 days, less
 * a day) in Salesforce before writing it. A 3,000-call backlog spans 4 days; the 10,000 calls of the memory run
 * reach about two days ahead, which changes nothing for the worker.
 */
const BASE_TIME = Math.floor((Date.now() - 12 * 86_400_000) / 3_600_000) * 3_600_000;

function sentence(r: () => number, name: string): string {
  const t = pick(r, TOPICS);
  const words = [
    `${pick(r, OPENERS)} we need to ${pick(r, VERBS)} the ${t} before we commit to anything.`,
    `I think the ${t} depends on the ${pick(r, TOPICS)}, so let us ${pick(r, VERBS)} both together.`,
    `${name} mentioned the ${t} last time; can we ${pick(r, VERBS)} where that landed?`,
    `The ${t} for the first phase looks fine, but the ${pick(r, TOPICS)} still worries our team a little.`,
    `Let me ${pick(r, VERBS)} the ${t} with my manager and get back to you with numbers.`,
  ];
  return pick(r, words);
}

/** An external party: someone the org knows (a few people call often), or a number it has never seen. */
function externalParty(world: World, r: () => number, i: number): { person?: KnownPerson; name: string; e164: string; colleague?: string } {
  if (r() < 0.6) {
    // Skewed towards a hot set: reps talk to the same accounts again and again.
    const person = world.known[Math.floor(world.known.length * r() * r())]!;
    return { person, name: person.name, e164: person.e164, ...(person.colleague ? { colleague: person.colleague } : {}) };
  }
  const area = AREA_CODES[AREA_CODES.length - 1 - (i % 150)]!;
  const line = String(i % 10_000).padStart(4, '0');
  return { name: `${pick(r, NEW_FIRST)} ${pick(r, NEW_LAST)}`, e164: `+1${area}555${line}`, colleague: `${pick(r, NEW_FIRST)} ${pick(r, NEW_LAST)}` };
}

/** Call number `i` of the synthetic workload. */
export function syntheticCall(world: World, seed: number, i: number): SyntheticCall {
  const r = rng((seed * 1_000_003 + i * 7919) >>> 0);
  const owner: Rep = world.reps[Math.floor(world.reps.length * r() * (0.5 + r() / 2))]!;
  const ext = externalParty(world, r, i);
  const threeSpeakers = r() < 0.4;
  const otherRep = world.reps.filter((x) => x !== owner)[Math.floor(r() * (world.reps.length - 1))]!;
  const thirdIsRep = threeSpeakers && r() < 0.5;
  const sourceRecordId = String(4_100_000_000_000 + seed * 100_000 + i);
  const sessionCore = `b${seed.toString(16)}x${i.toString(16).padStart(8, '0')}az191bec7e275z7cae`;
  const sp = (n: number) => `p-${sessionCore}-${n}`;
  const speakers = [
    { speakerId: sp(1), name: owner.name, accountId: '809646016', extensionId: owner.extensionId },
    { speakerId: sp(2), name: ext.name, accountId: null, extensionId: null },
    ...(threeSpeakers
      ? [thirdIsRep ? { speakerId: sp(3), name: otherRep.name, accountId: '809646016', extensionId: otherRep.extensionId } : { speakerId: sp(3), name: ext.colleague ?? 'Guest', accountId: null, extensionId: null }]
      : []),
  ];
  const durationMs = Math.round((5 + r() * 40) * 60_000);
  const start = new Date(BASE_TIME + i * SPACING_MS).toISOString();
  const done = new Date(BASE_TIME + i * SPACING_MS + durationMs + 180_000).toISOString();
  const transcript: Array<{ speakerId: string; text: string; start: number; end: number }> = [];
  for (let t = 1 + r() * 3; t < durationMs / 1000 - 5; ) {
    const who = speakers[Math.floor(r() * speakers.length)]!;
    const len = 2 + r() * 10;
    transcript.push({ speakerId: who.speakerId, text: sentence(r, ext.name.split(' ')[0]!), start: Math.round(t * 100) / 100, end: Math.round((t + len) * 100) / 100 });
    t += len + 0.5 + r() * 2;
  }
  const company = ext.person?.accountId ? 'your team' : 'the team';
  const nSteps = 3 + Math.floor(r() * 6);
  const nextSteps = Array.from({ length: nSteps }, (_, k) => {
    const at = transcript[Math.floor(((k + 0.5) / nSteps) * transcript.length)] ?? transcript[0]!;
    const value = `${STEPS[(k + i) % STEPS.length]!.replace('{t}', TOPICS[(i * 3 + k * 5) % TOPICS.length]!).replace('{n}', ext.name).replace('{c}', company).replace('{d}', pick(r, DAYS))} (${k + 1}).`;
    return { speakerId: pick(r, speakers).speakerId, value, start: at.start, end: at.end };
  });
  const direction = r() < 0.5 ? 'Outbound' : 'Inbound';
  const title = direction === 'Outbound' ? `Call from ${owner.name} to ${ext.name}` : `Call from ${ext.name} to ${owner.name}`;
  const body = {
    title,
    domain: 'pbx',
    sourceSessionId: `s-${sessionCore}`,
    sourceRecordId,
    callDirection: direction,
    ownerExtensionId: owner.extensionId,
    recordingDurationMs: durationMs,
    recordingStartTime: start,
    creationTime: done,
    lastModifiedTime: done,
    speakerInfo: speakers,
    insights: {
      Transcript: transcript,
      Summary: [{ start: 0, end: durationMs / 1000, value: `${ext.name} and ${owner.name} discussed the ${TOPICS[i % TOPICS.length]} and the ${TOPICS[(i + 7) % TOPICS.length]}, agreed on ${nSteps} next steps and a follow-up call.` }],
      Highlights: Array.from({ length: 2 + Math.floor(r() * 5) }, () => {
        const at = pick(r, transcript);
        return { speakerId: at.speakerId, value: at.text, start: at.start, end: at.end };
      }),
      NextSteps: nextSteps,
      Sentiment: [{ value: pick(r, ['Positive', 'Neutral', 'Mixed']) }],
      AIScore: [{ value: String(1 + Math.floor(r() * 10)) }],
    },
    rsRecordUri: `https://ringsense.ringcentral.com/calls/${sessionCore}`,
  };
  const ownerParty = { phoneNumber: owner.did, name: owner.name, extensionId: owner.extensionId };
  const externalPartyLog = { phoneNumber: ext.e164, name: ext.name };
  const { insights: _content, ...header } = body;
  return {
    sourceRecordId,
    notification: {
      uuid: String(5_000_000_000_000_000_000n + BigInt(seed) * 1_000_000n + BigInt(i)),
      event: '/ai/ringsense/v1/public/accounts/809646016/domains/pbx/insights',
      timestamp: done,
      subscriptionId: '90e18302-2c4a-4b6a-9a63-5e3b1d0c7f21',
      ownerId: owner.extensionId,
      body,
    },
    recording: {
      insights: header,
      callLog: {
        from: direction === 'Outbound' ? ownerParty : externalPartyLog,
        to: direction === 'Outbound' ? externalPartyLog : ownerParty,
        startTime: start,
        durationSeconds: Math.ceil(durationMs / 1000),
      },
    },
    nextSteps: new Set(nextSteps.map((s) => s.value)).size,
    returning: ext.person !== undefined,
  };
}
