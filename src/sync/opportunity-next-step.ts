import type { RecordingInsights } from '../calls/recording-insights.ts';
import { assertNever } from '../lib/assert-never.ts';
import { ServiceError, type Failure } from '../lib/service-error.ts';
import type { NextStepLedger, NextStepWrite, OpportunityNextStepRow, OpportunityStore } from './opportunity-store.port.ts';
import { plainInsights } from './plain-insights.ts';
import { cutOnWord } from './text.ts';

/** Mapping `opportunity.nextStep`. */
export type NextStepPolicy = 'off' | 'fill_if_empty' | 'latest_call';

/** Opportunity.NextStep holds 255 characters. */
export const NEXT_STEP_LENGTH = 255;

/**
 * The call's most important next step, for Opportunity.NextStep: the first one the call's owner said (the rep's own
 * commitment, which is what NextStep means on a deal: what we do next to move it), else the first one a colleague
 * on the call said (still our side's commitment), else the first one. Plain text (plainInsights), cut on a word to
 * 255 characters. Undefined when the call has none.
 */
export function pickNextStep(received: RecordingInsights): string | undefined {
  const insights = plainInsights(received);
  const steps = insights.insights.NextSteps.map((s) => ({ ...s, value: s.value.trim() })).filter((s) => s.value !== '');
  const extensionOf = new Map(insights.speakerInfo.map((s) => [s.speakerId, s.extensionId ?? undefined]));
  const said = (s: (typeof steps)[number]) => (s.speakerId ? extensionOf.get(s.speakerId) : undefined);
  const chosen = steps.find((s) => said(s) === insights.ownerExtensionId) ?? steps.find((s) => !!said(s)) ?? steps[0];
  return chosen && cutOnWord(chosen.value, NEXT_STEP_LENGTH);
}

/** The call a next step comes from, in the order calls are compared. */
export interface NextStepCall {
  readonly startedAt: string;
  readonly sourceRecordId: string;
  readonly version: string;
}

const time = (iso: string): number => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

/**
 * Calls in the order they happened: by recordingStartTime, ties by sourceRecordId, then by insights version (a newer
 * version of the same call comes after the older one). Negative: `a` before `b`; 0: the same call and version.
 */
export function compareCalls(a: NextStepCall, b: NextStepCall): number {
  return time(a.startedAt) - time(b.startedAt) || (a.sourceRecordId < b.sourceRecordId ? -1 : a.sourceRecordId > b.sourceRecordId ? 1 : 0) || time(a.version) - time(b.version);
}

export type NextStepKeepReason =
  | 'off'
  | 'no_next_step'
  | 'not_found'
  | 'closed'
  /** fill_if_empty: the field has a value. */
  | 'not_empty'
  /** The field holds a value the sync did not write (or no longer remembers writing): a person's. */
  | 'person_edit'
  /** A call (or version) that started after this one wrote it: out of order, catch-up. */
  | 'older_call'
  /** This very call and version wrote it: a replay, a redelivery. */
  | 'same_call';

export type NextStepDecision =
  | { readonly action: 'write'; readonly value: string }
  /** The field already holds this value: remember this call as its writer, no update. */
  | { readonly action: 'record'; readonly value: string }
  | { readonly action: 'keep'; readonly reason: NextStepKeepReason };

export interface NextStepInput {
  readonly policy: NextStepPolicy;
  /** This call's next step (pickNextStep). */
  readonly value: string | undefined;
  readonly call: NextStepCall;
  /** The opportunity as Salesforce has it now; undefined: not found. */
  readonly opportunity: Pick<OpportunityNextStepRow, 'nextStep' | 'isClosed'> | undefined;
  /** What the sync last wrote there (the ledger); undefined: nothing it remembers. */
  readonly last: NextStepWrite | undefined;
}

/**
 * Whether to write a call's next step into its opportunity. Pure. fill_if_empty writes into an empty field;
 * latest_call writes when the field is empty or still holds what the sync last wrote; both only when this call
 * came after the call (and version) that last wrote it, so a replay, a catch-up or an older version never rolls it
 * back, and a value a person typed is never overwritten.
 */
export function decideNextStep(input: NextStepInput): NextStepDecision {
  const { policy, value, opportunity, last } = input;
  if (policy === 'off') return { action: 'keep', reason: 'off' };
  if (!value) return { action: 'keep', reason: 'no_next_step' };
  if (!opportunity) return { action: 'keep', reason: 'not_found' };
  if (opportunity.isClosed) return { action: 'keep', reason: 'closed' };
  const current = opportunity.nextStep?.trim() ?? '';
  const order = (): NextStepDecision | undefined => {
    if (!last) return undefined;
    const c = compareCalls(input.call, last);
    return c > 0 ? undefined : { action: 'keep', reason: c === 0 ? 'same_call' : 'older_call' };
  };
  switch (policy) {
    case 'fill_if_empty':
      if (current !== '') return { action: 'keep', reason: 'not_empty' };
      return order() ?? { action: 'write', value };
    case 'latest_call':
      // A value that is neither what the sync last wrote nor this call's own is a person's. (This call's own: the
      // write went through and its record did not, e.g. Redis failed in between; the retry records it.)
      if (current !== '' && current !== value && current !== last?.value.trim()) return { action: 'keep', reason: 'person_edit' };
      return order() ?? (current === value ? { action: 'record', value } : { action: 'write', value });
    default:
      return assertNever(policy, 'next step policy');
  }
}

/** What happened to one call's next step: for a log and a metric. */
export type NextStepOutcome =
  | { readonly outcome: 'written' | 'recorded'; readonly opportunityId: string }
  | { readonly outcome: 'kept'; readonly opportunityId: string; readonly reason: NextStepKeepReason }
  | { readonly outcome: 'refused'; readonly opportunityId: string; readonly failure: Failure };

export interface NextStepDeps {
  readonly opportunities: OpportunityStore;
  readonly ledger: NextStepLedger;
}

/** An Opportunity id (key prefix 006). */
export const isOpportunityId = (id: string | undefined): id is string => !!id && id.startsWith('006');

/** Failures of this record alone: the call stays written, the refusal is a warning (a deleted deal is one too). */
const refusedAlone = (f: Failure): boolean => f.kind === 'permanent' || f.kind === 'stale_reference';

/** One call's bid for an opportunity's next step. */
interface Candidate {
  readonly policy: NextStepPolicy;
  readonly value: string;
  readonly call: NextStepCall;
  readonly resolve: (o: NextStepOutcome) => void;
  readonly reject: (e: unknown) => void;
}

/** What a turn does: each candidate's decision, in call order, and the state the opportunity ends in. */
export interface TurnPlan {
  readonly decisions: readonly NextStepDecision[];
  /** The candidate whose value the opportunity ends with (written or recorded), if any. */
  readonly winner: number | undefined;
  /** Whether the field must be updated (the winner's value is not what it holds). */
  readonly update: boolean;
}

/**
 * The calls of one opportunity gathered in a turn, as if each had come in turn, oldest call first (pure): every
 * candidate is decided against the field and ledger the ones before it left, so the result is the one a sequence of
 * single calls would reach, with at most one update at the end. `candidates` are in call order.
 */
export function planTurn(candidates: ReadonlyArray<Pick<NextStepInput, 'policy' | 'value' | 'call'>>, opportunity: NextStepInput['opportunity'], last: NextStepWrite | undefined): TurnPlan {
  let current = opportunity?.nextStep;
  let ledger = last;
  let winner: number | undefined;
  const decisions = candidates.map((c, i) => {
    const d = decideNextStep({ ...c, opportunity: opportunity && { ...opportunity, nextStep: current }, last: ledger });
    if (d.action !== 'keep') {
      current = d.value;
      ledger = { ...c.call, value: d.value };
      winner = i;
    }
    return d;
  });
  const update = winner !== undefined && (opportunity?.nextStep?.trim() ?? '') !== current?.trim();
  return { decisions, winner, update };
}

/**
 * Writes calls' next steps into their open opportunities as the policy says, at most one update per call and, under
 * a backlog, one per opportunity for all of its calls that arrive together: the calls of one opportunity take turns
 * (one at a time, under the opportunity's lock in Redis, so across replicas too), and the calls that arrive while a
 * turn runs share the next one (one read, at most one update, one ledger record). A candidate a later call of the
 * same turn superseded is `kept` as `older_call`. Salesforce refusing the record (validation rule, locked record,
 * deleted deal) is an outcome, never a lost call; a failed request throws ServiceError for every call of the turn to
 * retry.
 */
export class OpportunityNextSteps {
  readonly #deps: NextStepDeps;
  readonly #waiting = new Map<string, Candidate[]>();
  readonly #running = new Set<string>();

  constructor(deps: NextStepDeps) {
    this.#deps = deps;
  }

  sync(insights: RecordingInsights, opportunityId: string, policy: NextStepPolicy): Promise<NextStepOutcome> {
    const value = pickNextStep(insights);
    if (policy === 'off' || !value) return Promise.resolve({ outcome: 'kept', opportunityId, reason: policy === 'off' ? 'off' : 'no_next_step' });
    const call: NextStepCall = { startedAt: insights.recordingStartTime, sourceRecordId: insights.sourceRecordId, version: insights.lastModifiedTime };
    return new Promise<NextStepOutcome>((resolve, reject) => {
      const list = this.#waiting.get(opportunityId) ?? [];
      list.push({ policy, value, call, resolve, reject });
      this.#waiting.set(opportunityId, list);
      if (!this.#running.has(opportunityId)) void this.#turn(opportunityId);
    });
  }

  async #turn(opportunityId: string): Promise<void> {
    this.#running.add(opportunityId);
    let taken: Candidate[] = [];
    try {
      const release = await this.#deps.ledger.lock(opportunityId);
      try {
        // Whoever arrived while the lock was awaited rides in this turn.
        taken = (this.#waiting.get(opportunityId) ?? []).sort((a, b) => compareCalls(a.call, b.call));
        this.#waiting.delete(opportunityId);
        const outcomes = await this.#decide(opportunityId, taken);
        taken.forEach((c, i) => c.resolve(outcomes[i]!));
      } finally {
        await release();
      }
    } catch (e) {
      for (const c of taken.length > 0 ? taken : this.#take(opportunityId)) c.reject(e);
    } finally {
      this.#running.delete(opportunityId);
      if (this.#waiting.has(opportunityId)) void this.#turn(opportunityId);
    }
  }

  #take(opportunityId: string): Candidate[] {
    const list = this.#waiting.get(opportunityId) ?? [];
    this.#waiting.delete(opportunityId);
    return list;
  }

  async #decide(opportunityId: string, taken: readonly Candidate[]): Promise<NextStepOutcome[]> {
    const { ledger, opportunities } = this.#deps;
    const [last, opportunity] = await Promise.all([ledger.read(opportunityId), opportunities.readNextStep(opportunityId)]);
    const plan = planTurn(taken, opportunity, last);
    const outcomes: NextStepOutcome[] = plan.decisions.map((d) => (d.action === 'keep' ? { outcome: 'kept', opportunityId, reason: d.reason } : { outcome: 'kept', opportunityId, reason: 'older_call' }));
    if (plan.winner === undefined) return outcomes;
    const winner = taken[plan.winner]!;
    const value = (plan.decisions[plan.winner] as Extract<NextStepDecision, { value: string }>).value;
    if (plan.update) {
      const failure = await this.#write(opportunityId, value);
      if (failure) {
        outcomes[plan.winner] = { outcome: 'refused', opportunityId, failure };
        return outcomes;
      }
    }
    await ledger.record(opportunityId, { ...winner.call, value });
    outcomes[plan.winner] = { outcome: plan.update ? 'written' : 'recorded', opportunityId };
    return outcomes;
  }

  /** The update, or the failure that refuses this record alone; a failed request throws. */
  async #write(opportunityId: string, value: string): Promise<Failure | undefined> {
    let result;
    try {
      result = await this.#deps.opportunities.writeNextStep(opportunityId, value);
    } catch (e) {
      if (e instanceof ServiceError && refusedAlone(e.failure)) return e.failure;
      throw e;
    }
    if (result.ok) return undefined;
    if (refusedAlone(result.failure)) return result.failure;
    throw new ServiceError('salesforce', result.failure);
  }
}
