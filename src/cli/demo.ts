import { parseArgs } from 'node:util';
import { startService } from '../app/service.ts';
import { loadConfig } from '../config/load-config.ts';
import { parseMapping } from '../config/load-mapping.ts';
import { DEMO_MAPPING_YAML, demoSeed } from '../demo/demo-seed.ts';
import { renderSalesforceReport } from '../demo/report.ts';
import { sampleCalls, type SampleName } from '../demo/sample-calls.ts';
import { findOrStartRedis, RedisUnavailableError } from '../lib/local-redis.ts';
import { startSimulators } from '../simulators/start-simulators.ts';
import { write, type Command } from './command.ts';
import { loggerFor } from './start.ts';

const DEMO_CALLS: readonly SampleName[] = ['documented-example', 'inbound-highlights', 'two-external-speakers', 'no-next-steps', 'very-long-call', 'no-external-speaker'];

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`the demo timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * `ringsense-sync demo`: the whole flow with no accounts. Starts both simulators and a Redis (REDIS_URL if one
 * answers, else a private redis-server), runs the listener and worker, publishes sample calls (one of them twice,
 * as RingSense does when AI Notes is on), and prints what landed in Salesforce.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'See the whole flow with no accounts: simulators, Redis, worker, sample calls, and what lands in Salesforce',
  usage: 'ringsense-sync demo [--verbose]',
  async run(ctx) {
    const { values } = parseArgs({ args: [...ctx.args], options: { verbose: { type: 'boolean', short: 'v', default: false } } });
    const say = (s: string) => write(ctx.out, s);
    say('RingSense -> Salesforce sync: demo (no accounts needed)\n');
    const sims = await startSimulators({ seed: demoSeed() });
    say(`- RingCentral simulator  ${sims.rc.url}\n- Salesforce simulator   ${sims.sf.url}`);
    let redis;
    try {
      redis = await findOrStartRedis(ctx.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    } catch (e) {
      await sims.stop();
      if (e instanceof RedisUnavailableError) {
        write(ctx.err, `The demo needs Redis. ${e.message}`);
        return 1;
      }
      throw e;
    }
    say(`- Redis                  ${redis.url}${redis.owned ? ' (started for the demo)' : ''}`);
    const prefix = `ringsense-demo-${process.pid}-${Date.now().toString(36)}`;
    const cfg = loadConfig({ ...ctx.env, ...sims.env, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, WORKER_CONCURRENCY: '4' }, { ringcentral: true, salesforce: true }, ctx.cwd);
    const mapping = parseMapping(DEMO_MAPPING_YAML, 'demo mapping');
    const logger = loggerFor(ctx, values.verbose ? 'debug' : 'warn', values.verbose ? cfg.log.format : 'pretty');
    const service = await startService(cfg, () => mapping, { listen: true, work: true }, logger);
    let failed: number;
    try {
      await waitFor(() => Promise.resolve(service.listener?.state() === 'connected'), 20_000, 'the RingCentral subscription');
      say('- Listener subscribed to /ai/ringsense/v1/public/accounts/~/domains/pbx/insights; worker running\n');
      const calls = sampleCalls();
      for (const name of DEMO_CALLS) {
        sims.rc.publishInsights(calls[name].body.sourceRecordId as string);
        say(`  published: ${calls[name].body.title as string}`);
      }
      // RingSense sends a second event for the same call when AI Notes is on: it must not double anything.
      sims.rc.publishInsights(calls['documented-example'].body.sourceRecordId as string);
      say('  published: the documented example again (the second event RingSense sends with AI Notes on)\n');
      const started = Date.now();
      const published = DEMO_CALLS.length + 1;
      await waitFor(async () => {
        const c = await service.queue.getJobCounts('completed', 'failed');
        return (service.listener?.stats().notifications ?? 0) >= published && (c.completed ?? 0) + (c.failed ?? 0) >= DEMO_CALLS.length;
      }, 60_000, 'the calls to be written');
      const counts = await service.queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
      const jobs = Object.values(counts).reduce((a, b) => a + b, 0);
      failed = counts.failed ?? 0;
      say(`${published} events received, ${jobs} jobs (${published - jobs} duplicate dropped by its job id): ${counts.completed} calls synced, ${failed} failed, in ${Date.now() - started} ms.\n`);
      say(
        renderSalesforceReport({
          Task: sims.sf.records('Task'),
          User: sims.sf.records('User'),
          Contact: sims.sf.records('Contact'),
          Lead: sims.sf.records('Lead'),
          Account: sims.sf.records('Account'),
          Opportunity: sims.sf.records('Opportunity'),
        }),
      );
      const sf = sims.sf.counters();
      say(`\nSalesforce API requests: ${sf.total} (${Object.entries(sf.byKind).map(([k, v]) => `${k} ${v}`).join(', ')}); token requests: ${sf.tokenRequests}.`);
      say('\nNext: connect real accounts (README, "Connecting real accounts"), or run `npm run simulate` to explore the simulators.');
      await service.queue.obliterate({ force: true }).catch(() => undefined);
    } finally {
      await service.stop();
      await redis.stop();
      await sims.stop();
    }
    return failed === 0 ? 0 : 1;
  },
};
