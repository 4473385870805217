/**
 * `backfill`'s checkpoint in Redis (the decisions are in backfill-checkpoint.ts). Three keys per window, under the
 * configured prefix (checkpointKey):
 *   <key>          hash: domain, window, page size, the next listing page to read (its number; for rcv also the
 *                  meeting history's token of it, nextPageToken), whether every page was read,
 *                  started/updated/finished times
 *   <key>:ids      list: the recording ids found on the pages read, in listing order, each once
 *   <key>:settled  hash: recording id -> outcome (queued, already_queued, already_synced, in_failed_set,
 *                  not_analysed, not_recorded, invalid)
 * A page's ids and the next page (number and token; for a last page known as such, the listing's end) are written
 * in one MULTI, as is a recording's outcome with the update time, so a run killed at any moment leaves a checkpoint
 * that is consistent. Every write renews the expiry of all three
 * keys (CHECKPOINT_TTL_MS after the last write).
 */
import type { Redis } from 'ioredis';
import { CHECKPOINT_TTL_MS, decodeCheckpoint, encodeCheckpoint, type BackfillOutcome, type Checkpoint, type StoredCheckpoint } from './backfill-checkpoint.ts';
import type { AceDomain } from '../calls/domains.ts';

/** The commands the store uses (an ioredis connection). */
export type CheckpointRedis = Pick<Redis, 'multi' | 'hgetall' | 'lrange' | 'del'>;

export class BackfillCheckpointStore {
  readonly #redis: CheckpointRedis;
  readonly #key: string;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(redis: CheckpointRedis, key: string, opts: { ttlMs?: number; now?: () => number } = {}) {
    this.#redis = redis;
    this.#key = key;
    this.#ttlMs = opts.ttlMs ?? CHECKPOINT_TTL_MS;
    this.#now = opts.now ?? Date.now;
  }

  get key(): string {
    return this.#key;
  }

  #keys(): [string, string, string] {
    return [this.#key, `${this.#key}:ids`, `${this.#key}:settled`];
  }

  /** The stored checkpoint of this window, `undefined` if none, `unreadable` if it is not one this version wrote. */
  async load(domain: AceDomain): Promise<StoredCheckpoint | 'unreadable' | undefined> {
    const [meta, ids, settled] = this.#keys();
    const [h, list, done] = await Promise.all([this.#redis.hgetall(meta), this.#redis.lrange(ids, 0, -1), this.#redis.hgetall(settled)]);
    return decodeCheckpoint(h, list, done, domain);
  }

  /** Replaces whatever was stored (an old or finished checkpoint, or one --restart discards) with `c`. */
  async begin(c: Checkpoint): Promise<void> {
    const tx = this.#redis.multi().del(...this.#keys()).hset(this.#key, encodeCheckpoint(c));
    await this.#exec(tx);
  }

  /**
   * Page `page` was read: its new ids are appended and `page + 1` is the next to read. A token-paged listing (rcv)
   * passes the page's `next`: the token of the next page, stored with it, or `'last'`, which marks the listing
   * read in the same write (a resumed run must not start again from the first page for want of a token).
   */
  async pageRead(page: number, newIds: readonly string[], next?: { readonly nextPageToken: string } | 'last'): Promise<void> {
    const [meta, ids] = this.#keys();
    let tx = this.#redis.multi();
    if (newIds.length > 0) tx = tx.rpush(ids, ...newIds);
    const fields: Record<string, string> = { nextPage: String(page + 1), updatedAt: String(this.#now()) };
    if (next === 'last') fields.listed = '1';
    else if (next) fields.nextPageToken = next.nextPageToken;
    tx = tx.hset(meta, fields);
    if (next === 'last') tx = tx.hdel(meta, 'nextPageToken');
    await this.#exec(tx);
  }

  /** Every page was read. */
  async listed(): Promise<void> {
    await this.#exec(this.#redis.multi().hset(this.#key, { listed: '1', updatedAt: String(this.#now()) }));
  }

  /** A recording's insights were fetched and settled. */
  async settled(id: string, outcome: BackfillOutcome): Promise<void> {
    const [meta, , settled] = this.#keys();
    await this.#exec(this.#redis.multi().hset(settled, id, outcome).hset(meta, { updatedAt: String(this.#now()) }));
  }

  /** Every recording settled: the checkpoint is done (a later run of the window starts over). */
  async finish(): Promise<void> {
    const now = String(this.#now());
    await this.#exec(this.#redis.multi().hset(this.#key, { finishedAt: now, updatedAt: now }));
  }

  async #exec(tx: ReturnType<CheckpointRedis['multi']>): Promise<void> {
    for (const k of this.#keys()) tx.pexpire(k, this.#ttlMs);
    const results = await tx.exec();
    const failed = results?.find(([e]) => e !== null)?.[0];
    if (failed) throw failed;
  }
}
