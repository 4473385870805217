import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config-error.ts';
import { loadConfig } from '../config/load-config.ts';
import { write, type Command } from './command.ts';

/** `ringsense-sync config check [--file F]`: validates the mapping file (and the environment) offline. */
export const configCheckCommand: Command = {
  name: 'config check',
  summary: 'Validate the mapping file and the environment without connecting anywhere',
  usage: 'ringsense-sync config check [--file <mapping.yaml>]',
  run(ctx) {
    const { values } = parseArgs({ args: [...ctx.args], options: { file: { type: 'string', short: 'f' } }, allowPositionals: false });
    const env = values.file ? { ...ctx.env, MAPPING_FILE: values.file } : ctx.env;
    try {
      const cfg = loadConfig(env, { mapping: true }, ctx.cwd);
      const m = cfg.mapping!.mapping;
      const users = Object.keys(m.users).length;
      write(ctx.out, `${cfg.mappingFile} is valid.`);
      write(ctx.out, `  users mapped:          ${users}${m.defaultOwner ? ' (+ a default owner)' : ''}`);
      write(ctx.out, `  contact overrides:     ${cfg.mapping!.contactsByPhone.size} by phone, ${cfg.mapping!.contactsByName.size} by name`);
      write(ctx.out, `  when no contact:       ${m.noMatch.action}`);
      write(ctx.out, `  follow-ups:            ${m.followUps.enabled ? `on, due in ${m.followUps.dueInBusinessDays} business day(s), assigned to ${m.followUps.assignTo}` : 'off'}`);
      write(ctx.out, `  idempotency:           ${m.salesforce.externalIdField ? `upsert on Task.${m.salesforce.externalIdField}` : 'by call key in Task.CallObject (no custom field)'}`);
      if (users === 0 && !m.defaultOwner && !m.lookups.ownerByExtensionEmail)
        write(ctx.out, '  warning: no users are mapped, no default owner is set and e-mail lookup is off: every call will fail as unmapped_owner');
      return Promise.resolve(0);
    } catch (e) {
      if (e instanceof ConfigError) {
        write(ctx.err, e.message);
        return Promise.resolve(1);
      }
      throw e;
    }
  },
};
