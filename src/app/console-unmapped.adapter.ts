import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { Connection } from 'jsforce';
import { ConfigError } from '../config/config-error.ts';
import type { MappingSnapshot } from '../config/load-mapping.ts';
import { applyMappingChange, linesFor, type MappingChange } from '../config/mapping-edit.ts';
import { readMappingFile } from '../config/mapping-file.ts';
import { writeMappingFile } from '../config/mapping-writer.ts';
import type { ExtensionFacts, MappingChangeOutcome, UnmappedConsole, UnmappedListFacts } from '../http/console/unmapped.port.ts';
import type { Logger } from '../lib/logger.ts';
import { UNMAPPED_RETENTION_MS, UnmappedStore } from '../mapping/unmapped-store.ts';
import { inMapping, subjectKind } from '../mapping/unmapped-subject.ts';
import { failedReasonCounts } from '../queue/failed-set.ts';
import { readExtensions } from '../ringcentral/extensions.ts';
import { PacedRequests } from '../ringcentral/paced-requests.ts';
import type { Platform } from '../ringcentral/sdk.ts';
import { searchActiveUsers, searchPeople } from '../salesforce/people-search.adapter.ts';

/**
 * The console's Unmapped page over the running service: the unmapped list and the failed set in Redis, the
 * worker's Salesforce session for the searches, RingCentral for who an extension is, and the mapping file, which
 * stays the one source of truth: a change is made to the file as it is on disk (validated as any file is, written
 * atomically: config/mapping-writer.ts), and this service runs with it once its watch has read it back.
 */

export interface UnmappedConsoleDeps {
  readonly queue: Queue;
  readonly redis: Redis;
  readonly prefix: string;
  /** MAPPING_FILE. */
  readonly mappingFile: string;
  /** The mapping in force (swapped whole by the file's watch). */
  readonly mapping: () => MappingSnapshot;
  /** The worker's Salesforce connection, once it has logged in (undefined in a listen-only process). */
  readonly salesforce: () => Connection | undefined;
  readonly ringcentral: () => Platform | undefined;
  readonly logger: Logger;
  /** How long a change waits for the watch to put it in force (default 5 s). */
  readonly reloadWaitMs?: number;
}

/** The most entries the page lists (the newest). */
const SHOWN = 200;
const DAYS = Math.round(UNMAPPED_RETENTION_MS / 86_400_000);

export class SalesforceUnavailableError extends Error {
  override readonly name = 'SalesforceUnavailableError';
}

export function consoleUnmapped(d: UnmappedConsoleDeps): UnmappedConsole {
  const store = new UnmappedStore(d.redis, d.prefix);
  let paced: { platform: Platform; requests: PacedRequests } | undefined;
  // One change at a time in this process: each reads the file as the one before left it.
  let changing: Promise<unknown> = Promise.resolve();

  const salesforce = (): Connection => {
    const conn = d.salesforce();
    if (!conn) throw new SalesforceUnavailableError('Salesforce is not reachable from this process (it does not run the worker, or has not logged in yet)');
    return conn;
  };

  async function waitForReload(since: number): Promise<boolean> {
    const until = Date.now() + (d.reloadWaitMs ?? 5_000);
    while (Date.now() < until) {
      if (d.mapping().loadedAt.getTime() >= since) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  async function change(c: MappingChange): Promise<MappingChangeOutcome> {
    const file = d.mappingFile;
    const read = readMappingFile(file);
    if (read.kind === 'missing') return { kind: 'invalid', file, problems: [{ where: 'file', message: 'file not found (deleted or moved away)' }] };
    if (read.kind === 'refused') return { kind: 'invalid', file, problems: [read.problem] };
    let edited;
    try {
      edited = applyMappingChange(read.text, c, file);
    } catch (e) {
      if (e instanceof ConfigError) return { kind: 'invalid', file, problems: e.problems };
      throw e;
    }
    if (edited.unchanged) return { kind: 'unchanged', file };
    const startedAt = Date.now();
    const written = writeMappingFile(file, edited.text, read.text);
    if (written.kind === 'read_only') return { kind: 'read_only', file, reason: written.reason, lines: linesFor(c) };
    if (written.kind === 'changed_meanwhile') return written;
    d.logger.info('mapping_changed_by_console', { file, change: c.kind, previous: written.previous });
    return { ...written, reloaded: await waitForReload(startedAt), lines: linesFor(c) };
  }

  return {
    async list(now): Promise<UnmappedListFacts> {
      const [entries, failed] = await Promise.all([store.list({ sinceMs: now - UNMAPPED_RETENTION_MS }), failedReasonCounts(d.queue, d.redis)]);
      const snap = d.mapping();
      const items = entries.slice(0, SHOWN).map((e) => {
        const kind = subjectKind(e);
        return { ...e, kind, inMapping: inMapping(e.subject, kind, snap) };
      });
      return { items, total: entries.length, failedByReason: Object.fromEntries(failed.reasons.map((r) => [r.reason, r.count])), days: DAYS };
    },

    async extension(extensionId): Promise<ExtensionFacts | undefined> {
      const platform = d.ringcentral();
      if (!platform) return undefined;
      if (paced?.platform !== platform) paced = { platform, requests: new PacedRequests({ platform, logger: d.logger, eventPrefix: 'console', signal: new AbortController().signal }) };
      try {
        const info = (await readExtensions(paced.requests, [extensionId])).get(extensionId);
        return info && { extensionNumber: info.extensionNumber, name: info.name, email: info.email, status: info.status };
      } catch (e) {
        d.logger.warn('console_extension_lookup_failed', { extensionId, err: e instanceof Error ? e.message : String(e) });
        return undefined;
      }
    },

    searchUsers: (term) => searchActiveUsers(salesforce(), term),
    searchPeople: (term) => searchPeople(salesforce(), term),

    changeMapping(c) {
      const next = changing.then(() => change(c));
      changing = next.catch(() => undefined);
      return next;
    },
  };
}
