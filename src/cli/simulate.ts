import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config/config-error.ts';
import { demoSeed } from '../demo/demo-seed.ts';
import type { RingCentralSeed } from '../simulators/ringcentral/ringcentral-simulator.ts';
import type { SalesforceSeed } from '../simulators/salesforce/salesforce-simulator.ts';
import { startSimulators } from '../simulators/start-simulators.ts';
import { write, type Command } from './command.ts';
import { untilSignal } from './signals.ts';

const recordList = z.array(z.record(z.string(), z.unknown()));
const seedFileSchema = z.strictObject({
  ringcentral: z.strictObject({ extensions: recordList.optional(), recordings: recordList.optional(), calls: recordList.optional() }).optional(),
  salesforce: z
    .strictObject({
      records: z.partialRecord(z.enum(['User', 'Contact', 'Lead', 'Account', 'Opportunity', 'Task']), recordList).optional(),
    })
    .optional(),
});

function readSeed(file: string): { ringcentral?: RingCentralSeed; salesforce?: SalesforceSeed } {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(file, [{ where: 'file', message: (e as Error).message.split('\n')[0] ?? 'cannot read it' }]);
  }
  const parsed = seedFileSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(file, parsed.error.issues.map((i) => ({ where: i.path.join('.') || '(top level)', message: i.message })));
  return parsed.data as { ringcentral?: RingCentralSeed; salesforce?: SalesforceSeed };
}

/** The mapping of the demo org's reps (the one `demo` runs with), beside the example mapping; absent from the image. */
const SIMULATE_MAPPING = join(import.meta.dirname, '..', '..', 'config', 'mapping.simulate.yaml');

/** `file` as the user would type it from `cwd`: relative when it is inside, else absolute. */
function shown(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function port(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError('The command line', [{ where: flag, message: 'must be a port number from 0 to 65535' }]);
  return n;
}

/** `ringsense-sync simulate`: both simulators, seeded with the demo's world, until Ctrl-C. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Run the RingCentral and Salesforce simulators (demo data loaded) until Ctrl-C',
  usage: 'ringsense-sync simulate [--rc-port N] [--sf-port N] [--host 127.0.0.1] [--seed seed.yaml | --empty] [--task-external-id-field Name__c]',
  async run(ctx) {
    const { values } = parseArgs({
      args: [...ctx.args],
      options: {
        'rc-port': { type: 'string' },
        'sf-port': { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        seed: { type: 'string' },
        empty: { type: 'boolean', default: false },
        'task-external-id-field': { type: 'string' },
      },
    });
    const demo = !values.seed && !values.empty;
    const seed = values.seed ? readSeed(values.seed) : demo ? demoSeed() : null;
    const sims = await startSimulators({
      host: values.host,
      rcPort: port(values['rc-port'], '--rc-port'),
      sfPort: port(values['sf-port'], '--sf-port'),
      seed,
      ...(values['task-external-id-field'] ? { taskExternalIdField: values['task-external-id-field'] } : {}),
    });
    const lines = [
      'Simulators running (Ctrl-C to stop).',
      '',
      `  RingCentral  ${sims.rc.url}   control: ${sims.rc.url}/_sim/counters`,
      `  Salesforce   ${sims.sf.url}   control: ${sims.sf.url}/_sim/counters`,
      '',
      `Data: ${values.seed ?? (values.empty ? 'none' : 'the demo world (src/demo/demo-seed.ts)')}`,
      '',
      'Point the service at them with these variables (e.g. in .env):',
      ...Object.entries(sims.env).map(([k, v]) => `  ${k}=${v}`),
      // The demo org's reps are mapped, so the first call published lands (and not in the failed set as unmapped_owner).
      ...(demo && existsSync(SIMULATE_MAPPING) ? [`  MAPPING_FILE=${shown(SIMULATE_MAPPING, ctx.cwd)}   # the demo org's reps`] : []),
      '',
      'Then, in another terminal: npm start (or: npm run cli -- start)',
      '',
      `Publish a loaded call:  curl -X POST ${sims.rc.url}/_sim/publish -H 'content-type: application/json' -d '{"sourceRecordId":"2728084995017"}'`,
      `See the Tasks written:  curl ${sims.sf.url}/_sim/records/Task`,
    ];
    write(ctx.out, lines.join('\n'));
    await untilSignal();
    await sims.stop();
    write(ctx.out, 'Simulators stopped.');
    return 0;
  },
};
