import type { Failure } from '../../src/lib/service-error.ts';
import { ServiceError } from '../../src/lib/service-error.ts';
import { NextStepBusyError, type NextStepLedger, type NextStepUpdateOutcome, type NextStepWrite, type OpportunityNextStepRow, type OpportunityStore } from '../../src/sync/opportunity-store.port.ts';

/** Opportunities in memory, with scriptable refusals and failed requests. Tests read and set `rows` directly. */
export class FakeOpportunities implements OpportunityStore {
  readonly rows = new Map<string, { nextStep?: string; isClosed?: boolean }>();
  readonly writes: Array<{ id: string; value: string }> = [];
  /** The next writes are refused (record outcome) or fail as a request (thrown), in order. */
  readonly script: Array<{ refuse: Failure } | { throw: Failure }> = [];

  readNextStep(id: string): Promise<OpportunityNextStepRow | undefined> {
    const r = this.rows.get(id);
    return Promise.resolve(r && { id, nextStep: r.nextStep || undefined, isClosed: r.isClosed === true });
  }

  writeNextStep(id: string, value: string): Promise<NextStepUpdateOutcome> {
    const next = this.script.shift();
    if (next && 'throw' in next) return Promise.reject(new ServiceError('salesforce', next.throw));
    if (next) return Promise.resolve({ ok: false, failure: next.refuse });
    this.writes.push({ id, value });
    this.rows.set(id, { ...this.rows.get(id), nextStep: value });
    return Promise.resolve({ ok: true });
  }
}

/** The next-step ledger in memory, as the Redis one behaves; its lock serialises writers of one opportunity. */
export class FakeNextStepLedger implements NextStepLedger {
  readonly entries = new Map<string, NextStepWrite>();
  readonly #locks = new Map<string, Promise<void>>();

  read(id: string): Promise<NextStepWrite | undefined> {
    return Promise.resolve(this.entries.get(id.slice(0, 15)));
  }

  record(id: string, w: NextStepWrite): Promise<void> {
    this.entries.set(id.slice(0, 15), w);
    return Promise.resolve();
  }

  async lock(id: string): Promise<() => Promise<void>> {
    const key = id.slice(0, 15);
    for (let i = 0; this.#locks.has(key); i++) {
      if (i > 100) throw new NextStepBusyError(key);
      await this.#locks.get(key);
    }
    let free!: () => void;
    this.#locks.set(key, new Promise<void>((r) => (free = r)));
    return () => {
      this.#locks.delete(key);
      free();
      return Promise.resolve();
    };
  }
}
