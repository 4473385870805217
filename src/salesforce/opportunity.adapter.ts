import type { Connection } from 'jsforce';
import { Batcher } from '../lib/batcher.ts';
import type { NextStepUpdateOutcome, OpportunityNextStepRow, OpportunityStore } from '../sync/opportunity-store.port.ts';
import { id15 } from './batch-lookup.ts';
import { classifyCode, crmMessage, CrmError } from './classify-error.ts';
import { COLLECTION_LIMIT, soqlQuery, withRetry, type SaveResult } from './rest.ts';
import { assertSalesforceId, soqlList } from './soql.ts';

/** Ids in one `IN (...)` query (about 2 kB of URL). */
const MAX_IDS = 100;


interface Row {
  Id: string;
  NextStep?: string | null;
  IsClosed?: boolean | null;
}

/** One item's outcome of a shared request (the Batcher settles a batch as a whole, so failures travel as values). */
type Settled<O> = { ok: O } | { err: unknown };
const unwrap = <O>(s: Settled<O>): O => {
  if ('err' in s) throw s.err;
  return s.ok;
};

function outcomeOf(r: SaveResult | undefined): NextStepUpdateOutcome {
  if (r?.success) return { ok: true };
  const e = r?.errors?.[0];
  const code = e?.statusCode ?? e?.errorCode ?? (r ? 'UNKNOWN' : 'NO_RESULT');
  const message = crmMessage(e?.message ?? (r ? 'Salesforce refused the record' : 'Salesforce returned no result for this record'));
  const fields = [...new Set((r?.errors ?? []).flatMap((x) => x.fields ?? []))];
  return { ok: false, failure: { kind: r ? classifyCode(code, message) : 'transient', code, message, ...(fields.length ? { fields } : {}) } };
}

export interface OpportunityBatchOptions {
  readonly maxInFlight?: number;
  readonly lingerMs?: number;
}

/**
 * Opportunity.NextStep through jsforce. Reads made at the same moment (several calls' deals) share one query
 * (`Id IN (...)`), updates share one sObject Collections PATCH (`/composite/sobjects`, up to 200 records,
 * allOrNone false, so one refused record touches no other). Holds no rule about what to write (sync/opportunity-next-step.ts).
 */
export class SalesforceOpportunities implements OpportunityStore {
  readonly #conn: Connection;
  readonly #reads: Batcher<string, Settled<OpportunityNextStepRow | undefined>>;
  readonly #updates: Batcher<{ Id: string; NextStep: string }, SaveResult>;

  constructor(conn: Connection, opts: OpportunityBatchOptions = {}) {
    this.#conn = conn;
    const o = { maxInFlight: opts.maxInFlight ?? 1, lingerMs: opts.lingerMs ?? 2 };
    this.#reads = new Batcher((ids: string[]) => this.#read(ids), { ...o, maxWeight: MAX_IDS });
    this.#updates = new Batcher((records: Array<{ Id: string; NextStep: string }>) => this.#update(records), { ...o, maxWeight: COLLECTION_LIMIT });
  }

  readNextStep(id: string): Promise<OpportunityNextStepRow | undefined> {
    return this.#reads.submit(assertSalesforceId(id)).then(unwrap);
  }

  async writeNextStep(id: string, value: string): Promise<NextStepUpdateOutcome> {
    return outcomeOf(await this.#updates.submit({ Id: assertSalesforceId(id), NextStep: value }));
  }

  async #read(ids: string[]): Promise<Array<Settled<OpportunityNextStepRow | undefined>>> {
    const soql = `SELECT Id, NextStep, IsClosed FROM Opportunity WHERE Id IN ${soqlList([...new Set(ids)])}`;
    let rows: Row[];
    try {
      rows = (await withRetry(() => soqlQuery<Row>(this.#conn, soql))).records;
    } catch (e) {
      // The request failed as a whole: every call waiting on it retries (an id is checked before it is sent).
      return ids.map(() => ({ err: e }));
    }
    return ids.map((id) => {
      const r = rows.find((row) => id15(row.Id) === id15(id));
      return { ok: r && { id: r.Id, nextStep: r.NextStep ? r.NextStep : undefined, isClosed: r.IsClosed === true } };
    });
  }

  /** One collection update for several calls' opportunities; each gets its own result back. */
  async #update(records: Array<{ Id: string; NextStep: string }>): Promise<SaveResult[]> {
    // Not retried here: a PATCH that may have been applied is the job's to retry (the write is idempotent).
    try {
      return await this.#conn.sobject('Opportunity').update(records, { allOrNone: false, allowRecursive: true });
    } catch (e) {
      throw CrmError.from(e);
    }
  }
}
