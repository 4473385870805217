import type { LedgerEntry, WriteLedger } from '../../src/sync/write-ledger.port.ts';

/**
 * The write ledger in memory, as the Redis one behaves (test/contract/write-ledger.contract.ts holds both to it):
 * begin marks a write under way and keeps the version written before; finish records the version and call Task
 * and clears the mark; each write keeps the entry `retentionMs` longer. Tests may read and set `entries` directly.
 */
export class FakeWriteLedger implements WriteLedger {
  /** Remembers for ever unless told otherwise (fixtures' calls are from 2024). */
  retentionMs: number;
  readonly entries = new Map<string, LedgerEntry>();
  readonly #expiresAt = new Map<string, number>();
  readonly #now: () => number;

  constructor(opts: { retentionMs?: number; now?: () => number } = {}) {
    this.retentionMs = opts.retentionMs ?? Number.POSITIVE_INFINITY;
    this.#now = opts.now ?? Date.now;
  }

  /** How long the entry of `id` has left; undefined when there is none (set by hand: for ever). */
  remainingMs(id: string): number | undefined {
    if (!this.#live(id)) return undefined;
    const at = this.#expiresAt.get(id);
    return at === undefined ? Number.POSITIVE_INFINITY : at - this.#now();
  }

  read(id: string): Promise<LedgerEntry | undefined> {
    return Promise.resolve(this.#live(id) ? this.entries.get(id) : undefined);
  }

  begin(id: string): Promise<void> {
    const before = this.#live(id) ? this.entries.get(id) : undefined;
    this.#write(id, { ...before, unfinished: true });
    return Promise.resolve();
  }

  finish(id: string, version: string, callTaskId: string): Promise<void> {
    this.#write(id, { version, callTaskId, unfinished: false });
    return Promise.resolve();
  }

  #write(id: string, entry: LedgerEntry): void {
    this.entries.set(id, entry);
    this.#expiresAt.set(id, this.#now() + this.retentionMs);
  }

  /** False (and the entry dropped) once it has expired. */
  #live(id: string): boolean {
    const at = this.#expiresAt.get(id);
    if (at !== undefined && at <= this.#now()) {
      this.entries.delete(id);
      this.#expiresAt.delete(id);
    }
    return this.entries.has(id);
  }
}
