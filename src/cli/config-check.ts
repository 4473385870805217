import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig, type AppConfig } from '../config/load-config.ts';
import type { MappingSnapshot } from '../config/load-mapping.ts';
import { silentLogger } from '../lib/logger.ts';
import { ServiceError } from '../lib/service-error.ts';
import { PacedRequests } from '../ringcentral/paced-requests.ts';
import { createRingCentralClient, type RingCentralClient } from '../ringcentral/sdk.ts';
import { CrmError } from '../salesforce/classify-error.ts';
import { createSalesforceSession } from '../salesforce/connection.ts';
import { write, type Command, type CommandContext } from './command.ts';
import { checkMappingOnline } from '../app/mapping-online-check.ts';
import { table } from './failed-format.ts';

const USAGE = 'ringsense-sync config check [--file <mapping.yaml>] [--online]';

function printOffline(ctx: CommandContext, cfg: AppConfig, snap: MappingSnapshot): void {
  const m = snap.mapping;
  const users = Object.keys(m.users).length;
  write(ctx.out, `${cfg.mappingFile} is valid.`);
  write(ctx.out, `  users mapped:          ${users}${m.defaultOwner ? ' (+ a default owner)' : ''}`);
  write(ctx.out, `  contact overrides:     ${snap.contactsByPhone.size} by phone, ${snap.contactsByName.size} by name`);
  write(ctx.out, `  when no contact:       ${m.noMatch.action}`);
  write(ctx.out, `  follow-ups:            ${m.followUps.enabled ? `on, due in ${m.followUps.dueInBusinessDays} business day(s), assigned to ${m.followUps.assignTo}` : 'off'}`);
  const mapped = Object.entries(m.fields.task);
  if (mapped.length) write(ctx.out, `  mapped Task fields:    ${mapped.map(([name, s]) => `${name} <- ${s.from}${s.values ? ' (value map)' : ''}`).join(', ')}`);
  write(ctx.out, `  idempotency:           ${m.salesforce.externalIdField ? `upsert on Task.${m.salesforce.externalIdField}` : 'by call key in Task.CallObject (no custom field)'}`);
  if (snap.empty)
    write(ctx.out, '  warning: the file has no settings (it is empty or only comments): every default applies and no user is mapped; a running service refuses such a file on reload (write `users: {}` to mean it)');
  else if (users === 0 && !m.defaultOwner && !m.lookups.ownerByExtensionEmail)
    write(ctx.out, '  warning: no users are mapped, no default owner is set and e-mail lookup is off: every call will fail as unmapped_owner');
}

/** A failure other than refused credentials (main.ts explains those): say it, exit 1. */
function unfinished(ctx: CommandContext, e: unknown): number {
  if (!(e instanceof ServiceError) || e.failure.kind === 'auth') throw e;
  const who = e.service === 'ringcentral' ? 'RingCentral' : 'Salesforce';
  write(ctx.err, `The online check could not finish: ${who} ${e.failure.code}: ${e.failure.message}`);
  return 1;
}

/** Looks up every record and extension the mapping names; exit 1 with a table of what is wrong. */
async function checkOnline(ctx: CommandContext, env: CommandContext['env'], snap: MappingSnapshot): Promise<number> {
  const cfg = loadConfig(env, { ringcentral: true, salesforce: true }, ctx.cwd);
  const session = createSalesforceSession(cfg.salesforce!, { logger: silentLogger() });
  try {
    await session.authorize();
  } catch (e) {
    return unfinished(ctx, CrmError.from(e));
  }
  let rc: RingCentralClient;
  try {
    rc = await createRingCentralClient(cfg.ringcentral!);
  } catch (e) {
    return unfinished(ctx, e);
  }
  const abort = new AbortController();
  try {
    const paced = new PacedRequests({ platform: rc.platform, logger: silentLogger(), eventPrefix: 'config_check', signal: abort.signal });
    const report = await checkMappingOnline(snap, { salesforce: session.conn, ringcentral: paced });
    const { users, contactRecords, extensions, taskFields } = report.checked;
    const checked = `${users} Salesforce user reference(s), ${contactRecords} contact/lead override record(s), ${extensions} RingCentral extension(s)${taskFields ? `, ${taskFields} mapped Task field(s)` : ''}`;
    if (report.problems.length === 0) {
      write(ctx.out, `\nOnline: everything the mapping names exists: ${checked} checked against ${session.conn.instanceUrl} and ${cfg.ringcentral!.serverUrl}.`);
      return 0;
    }
    const n = report.problems.length;
    write(ctx.out, `\nOnline: ${n} problem${n === 1 ? '' : 's'} (${checked} checked):\n`);
    write(ctx.out, table([['WHAT', 'KEY', 'PROBLEM'], ...report.problems.map((p) => [p.what, p.key, p.problem])]).join('\n'));
    const fieldsOnly = report.problems.every((p) => p.what === 'Task field');
    write(ctx.out, fieldsOnly
      ? `\nCalls are written without these fields (listed by \`ringsense-sync fields refusals\`) until ${snap.file} or the org is fixed.`
      : `\nCalls for these fail (unmapped_owner), lose their contact or are written without a mapped field until ${snap.file} is fixed.`);
    return 1;
  } catch (e) {
    return unfinished(ctx, e);
  } finally {
    abort.abort();
    await rc.close();
  }
}

/** `ringsense-sync config check [--file F] [--online]`: validates the mapping file (and the environment). */
export const configCheckCommand: Command = {
  name: 'config check',
  summary: 'Validate the mapping file and the environment (--online: also that every mapped user, record, extension and Task field exists)',
  usage: USAGE,
  async run(ctx) {
    const { values } = parseArgs({
      args: [...ctx.args],
      options: { file: { type: 'string', short: 'f' }, online: { type: 'boolean', default: false } },
      allowPositionals: false,
    });
    const env = values.file ? { ...ctx.env, MAPPING_FILE: values.file } : ctx.env;
    let cfg: AppConfig;
    try {
      cfg = loadConfig(env, { mapping: true }, ctx.cwd);
    } catch (e) {
      if (e instanceof ConfigError) {
        write(ctx.err, e.message);
        return 1;
      }
      throw e;
    }
    printOffline(ctx, cfg, cfg.mapping!);
    return values.online ? checkOnline(ctx, env, cfg.mapping!) : 0;
  },
};
