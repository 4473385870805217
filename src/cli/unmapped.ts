import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig, type AppConfig } from '../config/load-config.ts';
import { loadMapping, type MappingSnapshot } from '../config/load-mapping.ts';
import { silentLogger } from '../lib/logger.ts';
import { ServiceError } from '../lib/service-error.ts';
import { UnmappedStore, UNMAPPED_RETENTION_MS } from '../mapping/unmapped-store.ts';
import { readExtensions, type ExtensionInfo } from '../ringcentral/extensions.ts';
import { PacedRequests } from '../ringcentral/paced-requests.ts';
import { createRingCentralClient } from '../ringcentral/sdk.ts';
import { withAdminRedis } from './admin-queue.ts';
import { write, type Command, type CommandContext } from './command.ts';
import { describeEntries, formatUnmapped, subjectKind, unmappedJson } from './unmapped-format.ts';

const USAGE = 'ringsense-sync unmapped [--days <n>] [--json]';
const DAY_MS = 24 * 3600_000;
const MAX_DAYS = UNMAPPED_RETENTION_MS / DAY_MS;

/** The mapping file in force now, if it loads (the list is still useful without it). */
function currentMapping(cfg: AppConfig): MappingSnapshot | undefined {
  try {
    return loadMapping(cfg.mappingFile);
  } catch (e) {
    if (e instanceof ConfigError) return undefined;
    throw e;
  }
}

/**
 * The e-mail (and number and name) of each extension, from RingCentral when it is configured; an empty map
 * otherwise or when RingCentral fails (then the suggestions keep a placeholder).
 */
async function lookUpExtensions(ctx: CommandContext, cfg: AppConfig, ids: readonly string[]): Promise<{ found: Map<string, ExtensionInfo | undefined>; looked: boolean }> {
  if (ids.length === 0 || !cfg.ringcentral) return { found: new Map(), looked: false };
  const abort = new AbortController();
  try {
    const rc = await createRingCentralClient(cfg.ringcentral);
    try {
      const paced = new PacedRequests({ platform: rc.platform, logger: silentLogger(), eventPrefix: 'unmapped', signal: abort.signal });
      return { found: await readExtensions(paced, ids), looked: true };
    } finally {
      await rc.close();
    }
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    write(ctx.err, `Could not read the extensions from RingCentral (${e.failure.code}: ${e.failure.message}); the suggestions keep placeholders.`);
    return { found: new Map(), looked: false };
  }
}

/** `ringsense-sync unmapped [--days N] [--json]`: the owners and external parties the worker could not map. */
export const unmappedCommand: Command = {
  name: 'unmapped',
  summary: 'Owner extensions and external parties that could not be mapped recently, with counts and mapping lines to add',
  usage: USAGE,
  run(ctx) {
    const { values } = parseArgs({
      args: [...ctx.args],
      options: { days: { type: 'string', default: '30' }, json: { type: 'boolean', default: false } },
      allowPositionals: false,
    });
    if (!/^\d{1,2}$/.test(values.days) || Number(values.days) < 1 || Number(values.days) > MAX_DAYS) {
      write(ctx.err, `--days must be a whole number from 1 to ${MAX_DAYS} (entries are kept ${MAX_DAYS} days), not "${values.days}".\nUsage: ${USAGE}`);
      return Promise.resolve(2);
    }
    const days = Number(values.days);
    // RingCentral is optional here: it only fills in the extensions' e-mail addresses.
    const cfg = loadConfig(ctx.env, {}, ctx.cwd);
    return withAdminRedis(ctx, cfg, async (redis) => {
      const sinceMs = Date.now() - days * DAY_MS;
      const entries = await new UnmappedStore(redis, cfg.redis.prefix).list({ sinceMs });
      const snap = currentMapping(cfg);
      const mappingFile = snap ? cfg.mappingFile : undefined;
      const ownerIds = entries.filter((e) => subjectKind(e) === 'extension' && !(snap && Object.hasOwn(snap.mapping.users, e.subject))).map((e) => e.subject);
      const extensions = await lookUpExtensions(ctx, cfg, ownerIds);
      const items = describeEntries(entries, snap, extensions.found);
      if (values.json) write(ctx.out, JSON.stringify(unmappedJson(items, { days, sinceMs, mappingFile }), null, 2));
      else write(ctx.out, formatUnmapped(items, { days, mappingFile, extensionsLooked: extensions.looked }).join('\n'));
      return 0;
    });
  },
};
