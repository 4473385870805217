import { isDeepStrictEqual } from 'node:util';
import type { Connection } from 'jsforce';
import { ConfigError, type ConfigProblem } from '../config/config-error.ts';
import { parseMapping, type MappingSnapshot } from '../config/load-mapping.ts';
import { readMappingFile } from '../config/mapping-file.ts';
import type { FieldStatusFacts, MappingFacts, MappingFileCheck, MappingInForce, OnlineCheckResult } from '../http/console/mapping.port.ts';
import type { Logger } from '../lib/logger.ts';
import type { ScriptClient } from '../lib/tally-list.ts';
import { ServiceError } from '../lib/service-error.ts';
import { PacedRequests } from '../ringcentral/paced-requests.ts';
import type { Platform } from '../ringcentral/sdk.ts';
import { FIELD_REFUSALS_RETENTION_MS, FieldRefusalStore } from '../sync/field-refusals.ts';
import { fieldProblems } from '../sync/mapped-fields.ts';
import type { FieldCatalog } from '../sync/task-store.port.ts';
import { checkMappingOnline } from './mapping-online-check.ts';

/**
 * The console's Mapping page (http/console/mapping.port.ts) over the running service: the snapshot in force, the
 * mapping file on disk (read and validated as a reload would), the online check of `config check --online` run
 * with the worker's Salesforce session and this process's RingCentral login, and the mapped fields' list of
 * refusals. The last online check (and the Task describe it made) is kept in memory, for the page's later reads.
 */

export interface MappingFactsDeps {
  /** MAPPING_FILE. */
  readonly file: string;
  readonly mapping: () => MappingSnapshot;
  /** The worker's Salesforce connection, once the worker role runs. */
  readonly salesforce: () => Connection | undefined;
  /** This process's RingCentral platform, once logged in. */
  readonly ringcentral: () => Platform | undefined;
  /** RINGCENTRAL_SERVER_URL (named in the check's result). */
  readonly ringcentralServer: string;
  /** The refusals list's connection (an ioredis Redis) and prefix. */
  readonly redis: ScriptClient;
  readonly prefix: string;
  readonly logger: Logger;
  readonly now?: () => number;
}

const REFUSALS_SHOWN = 50;
const DAY_MS = 24 * 3600_000;

const fileProblem = (p: ConfigProblem) => ({ where: p.where, message: p.message, line: p.line, column: p.column });

/** Why the check stopped, in one line (a ServiceError names its service and code; nothing else is quoted whole). */
function unfinishedReason(e: unknown): string {
  if (e instanceof ServiceError) {
    const who = e.service === 'ringcentral' ? 'RingCentral' : 'Salesforce';
    return `${who} ${e.failure.code}: ${e.failure.message}`.slice(0, 300);
  }
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}

export function consoleMappingFacts(d: MappingFactsDeps): MappingFacts {
  const now = d.now ?? Date.now;
  const refusals = new FieldRefusalStore(d.redis, d.prefix);
  let last: OnlineCheckResult | undefined;
  let described: { readonly at: number; readonly catalog: FieldCatalog } | undefined;
  let running: { readonly since: number; readonly result: Promise<OnlineCheckResult> } | undefined;

  function inForce(): MappingInForce {
    const snap = d.mapping();
    return { file: d.file, loadedAt: snap.loadedAt.getTime(), empty: snap.empty, mapping: snap.mapping, contactsByPhone: snap.contactsByPhone.size, contactsByName: snap.contactsByName.size };
  }

  function checkFile(): MappingFileCheck {
    const read = readMappingFile(d.file);
    if (read.kind === 'missing') return { kind: 'missing' };
    if (read.kind === 'refused') return { kind: 'invalid', problems: [fileProblem(read.problem)] };
    let next: MappingSnapshot;
    try {
      next = parseMapping(read.text, d.file);
    } catch (e) {
      if (e instanceof ConfigError) return { kind: 'invalid', problems: e.problems.map(fileProblem) };
      throw e;
    }
    return { kind: isDeepStrictEqual(next.mapping, d.mapping().mapping) ? 'same' : 'changed', empty: next.empty };
  }

  async function run(): Promise<OnlineCheckResult> {
    const started = now();
    const conn = d.salesforce();
    const platform = d.ringcentral();
    if (!conn) return { kind: 'unavailable', at: started, reason: 'this process does not write to Salesforce (no worker role), or its worker has not started yet' };
    if (!platform) return { kind: 'unavailable', at: started, reason: 'this process is not logged in to RingCentral (yet)' };
    const snap = d.mapping();
    const abort = new AbortController();
    try {
      const paced = new PacedRequests({ platform, logger: d.logger, eventPrefix: 'console_mapping_check', signal: abort.signal });
      const report = await checkMappingOnline(snap, { salesforce: conn, ringcentral: paced });
      if (report.taskCatalog) described = { at: now(), catalog: report.taskCatalog };
      return { kind: 'checked', at: started, mappingLoadedAt: snap.loadedAt.getTime(), tookMs: now() - started, problems: report.problems, checked: report.checked, salesforce: conn.instanceUrl, ringcentral: d.ringcentralServer };
    } catch (e) {
      return { kind: 'unfinished', at: started, reason: unfinishedReason(e) };
    } finally {
      abort.abort();
    }
  }

  /** One check at a time: a second request while one runs waits for the same one. */
  function checkOnline(): Promise<OnlineCheckResult> {
    if (running) return running.result;
    const result = run().catch((e: unknown): OnlineCheckResult => ({ kind: 'unfinished', at: now(), reason: unfinishedReason(e) })).then((r) => {
      last = r;
      running = undefined;
      d.logger.info('admin_console_mapping_checked', r.kind === 'checked' ? { outcome: r.kind, problems: r.problems.length, tookMs: r.tookMs } : { outcome: r.kind, reason: r.reason });
      return r;
    });
    running = { since: now(), result };
    return result;
  }

  async function fieldStatus(at: number): Promise<FieldStatusFacts> {
    const spec = d.mapping().mapping.fields.task;
    const catalog = described?.catalog;
    const fields = Object.entries(spec).map(([name, source]) => {
      const field = catalog?.get(name.toLowerCase());
      return {
        name,
        from: source.from,
        values: source.values,
        field: field && { name: field.name, label: field.label, type: field.type, restrictedPicklist: field.restrictedPicklist },
        problems: catalog ? fieldProblems(name, source, catalog) : undefined,
      };
    });
    const base = { describedAt: catalog ? described?.at : undefined, fields, refusalsDays: Math.round(FIELD_REFUSALS_RETENTION_MS / DAY_MS) };
    try {
      const entries = await refusals.list({ sinceMs: at - FIELD_REFUSALS_RETENTION_MS });
      return { ...base, problem: undefined, refusals: entries.slice(0, REFUSALS_SHOWN).map((e) => ({ field: e.field, code: e.code, message: e.message, count: e.count, lastSeen: e.lastSeen, lastSourceRecordId: e.lastSourceRecordId })) };
    } catch (e) {
      return { ...base, refusals: undefined, problem: `field refusals: ${(e instanceof Error ? e.message : String(e)).slice(0, 200)}` };
    }
  }

  return { inForce, checkFile, checkOnline, online: () => ({ last, runningSince: running?.since }), fieldStatus };
}
