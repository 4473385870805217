import type { Redis } from 'ioredis';
import type { TranscriptFileEntry, TranscriptFileLedger } from '../sync/transcript-file.port.ts';

/** How long a call's transcript document is remembered after its last version: beyond any replay or catch-up window. */
export const TRANSCRIPT_FILE_TTL_SECONDS = 400 * 24 * 3600;

/**
 * The transcript ledger in Redis: one small hash per call (`d` the ContentDocument id, `k` note or file, `m` the
 * insights version its latest version holds), about 150 bytes, kept TRANSCRIPT_FILE_TTL_SECONDS. An entry lost or
 * expired costs a lookup in Salesforce (the document is found through the call activity's links), never a second file.
 */
export class RedisTranscriptFileLedger implements TranscriptFileLedger {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;

  constructor(redis: Redis, prefix: string, opts: { ttlSeconds?: number } = {}) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#ttlSeconds = opts.ttlSeconds ?? TRANSCRIPT_FILE_TTL_SECONDS;
  }

  key(sourceRecordId: string): string {
    return `${this.#prefix}:transcript:${sourceRecordId}`;
  }

  async read(sourceRecordId: string): Promise<TranscriptFileEntry | undefined> {
    const [d, k, m] = await this.#redis.hmget(this.key(sourceRecordId), 'd', 'k', 'm');
    if (d == null || m == null || (k !== 'note' && k !== 'file')) return undefined;
    return { documentId: d, kind: k, version: m };
  }

  async record(sourceRecordId: string, e: TranscriptFileEntry): Promise<void> {
    const key = this.key(sourceRecordId);
    await this.#redis.multi().hset(key, 'd', e.documentId, 'k', e.kind, 'm', e.version).expire(key, this.#ttlSeconds).exec();
  }
}
