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
import { daysAndJson } from './days-option.ts';
import { subjectKind } from '../mapping/unmapped-subject.ts';
import { describeEntries, formatUnmapped, unmappedJson } from './unmapped-format.ts';

const USAGE = 'ringsense-sync unmapped [--days <n>] [--json]';

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
    const opts = daysAndJson(ctx, USAGE, UNMAPPED_RETENTION_MS);
    if (opts === 2) return Promise.resolve(2);
    const { days, sinceMs } = opts;
    // RingCentral is optional here: it only fills in the extensions' e-mail addresses.
    const cfg = loadConfig(ctx.env, {}, ctx.cwd);
    return withAdminRedis(ctx, cfg, async (redis) => {
      const entries = await new UnmappedStore(redis, cfg.redis.prefix).list({ sinceMs });
      const snap = currentMapping(cfg);
      const mappingFile = snap ? cfg.mappingFile : undefined;
      const ownerIds = entries.filter((e) => subjectKind(e) === 'extension' && !(snap && Object.hasOwn(snap.mapping.users, e.subject))).map((e) => e.subject);
      const extensions = await lookUpExtensions(ctx, cfg, ownerIds);
      const items = describeEntries(entries, snap, extensions.found);
      if (opts.json) write(ctx.out, JSON.stringify(unmappedJson(items, { days, sinceMs, mappingFile }), null, 2));
      else write(ctx.out, formatUnmapped(items, { days, mappingFile, extensionsLooked: extensions.looked }).join('\n'));
      return 0;
    });
  },
};
