import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startService, type RunningService } from '../app/service.ts';
import { loadConfig } from '../config/load-config.ts';
import { parseMapping } from '../config/load-mapping.ts';
import { liveMapping, type LiveMapping } from '../config/mapping-watcher.ts';
import { DEMO_SHOWCASE_MAPPING_YAML, demoSeed } from '../demo/demo-seed.ts';
import { renderSalesforceReport } from '../demo/report.ts';
import { sampleCalls, type SampleName } from '../demo/sample-calls.ts';
import { RCV_SAMPLE_MEETING_ID, rcvSampleMeeting } from '../demo/sample-meetings.ts';
import { findOrStartRedis, RedisUnavailableError, type LocalRedis } from '../lib/local-redis.ts';
import { startSimulators, type Simulators } from '../simulators/start-simulators.ts';
import { write, type Command, type CommandContext } from './command.ts';
import { onStop, type StopReason } from './signals.ts';
import { loggerFor } from './start.ts';

/**
 * The demo syncs phone calls and RingCentral Video meetings, whatever RINGSENSE_DOMAINS the shell has: both are
 * domains catch-up can recover (a Teams meeting would come with start's warning that its gaps cannot be).
 */
const DEMO_DOMAINS = ['pbx', 'rcv'] as const;

const DEMO_CALLS: readonly SampleName[] = ['documented-example', 'inbound-highlights', 'two-external-speakers', 'no-next-steps', 'very-long-call', 'no-external-speaker'];

/** Thrown out of the demo's steps when it is asked to stop (a signal, or nobody reads its output any more). */
class DemoStopped extends Error {
  override readonly name = 'DemoStopped';
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string, stop: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (stop.aborted) throw new DemoStopped();
    if (Date.now() > deadline) throw new Error(`the demo timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Deletes every key under `prefix:` (SCAN, not KEYS: the Redis may be someone's own, with much in it). */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

interface DemoRun {
  readonly ctx: CommandContext;
  readonly verbose: boolean;
  /** `--console`: the admin console stays open after the report, until the demo is stopped. */
  readonly console: boolean;
  readonly say: (s: string) => void;
  readonly stop: AbortSignal;
}

/** The calls, published and written, and the report. Resolves to the number of failed jobs. */
async function publishAndReport(run: DemoRun, sims: Simulators, service: RunningService): Promise<number> {
  const { say, stop } = run;
  await waitFor(() => Promise.resolve(service.listener?.state() === 'connected'), 20_000, 'the RingCentral subscription', stop);
  say(`- Listener subscribed to ${DEMO_DOMAINS.map((d) => `/ai/ringsense/v1/public/accounts/~/domains/${d}/insights`).join(', ')}; worker running\n`);
  const calls = sampleCalls();
  for (const name of DEMO_CALLS) {
    sims.rc.publishInsights(calls[name].body.sourceRecordId as string);
    say(`  published: ${calls[name].body.title as string}`);
  }
  // RingSense sends a second event for the same call when AI Notes is on: it must not double anything.
  sims.rc.publishInsights(calls['documented-example'].body.sourceRecordId as string);
  say('  published: the documented example again (the second event RingSense sends with AI Notes on)');
  // A RingCentral Video meeting: its facts (time, host, dial-in numbers) come from the meeting history.
  const rcv = rcvSampleMeeting();
  sims.rc.addMeeting(rcv.meeting);
  sims.rc.addRecording({ insights: rcv.insights });
  sims.rc.publishInsights(RCV_SAMPLE_MEETING_ID);
  say(`  published: a RingCentral Video meeting, "${rcv.meeting.displayName}"\n`);
  const started = Date.now();
  const conversations = DEMO_CALLS.length + 1;
  const published = conversations + 1;
  await waitFor(async () => {
    const c = await service.queue.getJobCounts('completed', 'failed');
    return (service.listener?.stats().notifications ?? 0) >= published && (c.completed ?? 0) + (c.failed ?? 0) >= conversations;
  }, 60_000, 'the calls and meetings to be written', stop);
  const counts = await service.queue.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
  const jobs = Object.values(counts).reduce((a, b) => a + b, 0);
  const failed = counts.failed ?? 0;
  say(`${published} events received, ${jobs} jobs (${published - jobs} duplicate dropped by its job id): ${counts.completed} calls and meetings synced, ${failed} failed, in ${Date.now() - started} ms.\n`);
  const records = (type: string) => sims.sf.records(type);
  say(renderSalesforceReport({
    Task: records('Task'), User: records('User'), Contact: records('Contact'), Lead: records('Lead'), Account: records('Account'), Opportunity: records('Opportunity'),
    ContentDocument: records('ContentDocument'), ContentDocumentLink: records('ContentDocumentLink'), Event: records('Event'), EventRelation: records('EventRelation'),
  }));
  const sf = sims.sf.counters();
  say(`\nSalesforce API requests: ${sf.total} (${Object.entries(sf.byKind).map(([k, v]) => `${k} ${v}`).join(', ')}); token requests: ${sf.tokenRequests}.`);
  say('\nNext: connect real accounts (README, "Connecting real accounts"), or run `npm run simulate` to explore the simulators.');
  return failed;
}

/** Everything the demo starts is stopped in `finally`, in reverse order, whatever happened in between. */
async function runDemo(run: DemoRun): Promise<number> {
  const { ctx, say, stop } = run;
  say('RingSense -> Salesforce sync: demo (no accounts needed)\n');
  const sims = await startSimulators({ seed: demoSeed() });
  let redis: LocalRedis | undefined;
  try {
    say(`- RingCentral simulator  ${sims.rc.url}\n- Salesforce simulator   ${sims.sf.url}`);
    try {
      redis = await findOrStartRedis(ctx.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { stopWithParent: true });
    } catch (e) {
      if (!(e instanceof RedisUnavailableError)) throw e;
      write(ctx.err, `The demo needs Redis. ${e.message}`);
      return 1;
    }
    // A Redis the demo did not start may be someone's: its keys live under a prefix of their own and are deleted.
    const prefix = `ringsense-demo-${randomBytes(4).toString('hex')}`;
    say(`- Redis                  ${redis.url}${redis.owned ? ' (started for the demo)' : ` (keys under ${prefix}:, deleted at the end)`}`);
    if (stop.aborted) throw new DemoStopped();
    // With --console, the operator endpoints on a free port and a password for this run only (never the shell's).
    const admin = run.console ? { user: 'admin', password: randomBytes(12).toString('base64url') } : undefined;
    const consoleEnv = admin ? { HTTP_ENABLED: 'true', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', ADMIN_USER: admin.user, ADMIN_PASSWORD: admin.password, ADMIN_PASSWORD_FILE: '', ADMIN_READ_ONLY: 'false' } : {};
    // The demo's mapping is a file of its own (deleted at the end), watched as `start` watches it: what the console
    // changes in it reaches the worker.
    const mappingDir = mkdtempSync(join(tmpdir(), 'ringsense-demo-'));
    const mappingFile = join(mappingDir, 'mapping.yaml');
    writeFileSync(mappingFile, DEMO_SHOWCASE_MAPPING_YAML);
    const cfg = loadConfig(
      { ...ctx.env, ...sims.env, RINGSENSE_DOMAINS: DEMO_DOMAINS.join(','), REDIS_URL: redis.url, QUEUE_PREFIX: prefix, WORKER_CONCURRENCY: '4', MAPPING_FILE: mappingFile, ...consoleEnv },
      { ringcentral: true, salesforce: true, http: run.console },
      ctx.cwd,
    );
    const logger = loggerFor(ctx, run.verbose ? 'debug' : 'warn', run.verbose ? cfg.log.format : 'pretty');
    let service: RunningService | undefined;
    let mapping: LiveMapping | undefined;
    try {
      mapping = liveMapping(mappingFile, parseMapping(DEMO_SHOWCASE_MAPPING_YAML, mappingFile), { logger });
      service = await startService(cfg, mapping.current, { listen: true, work: true }, logger);
      if (stop.aborted) throw new DemoStopped();
      const failed = await publishAndReport(run, sims, service);
      if (admin && service.http) {
        say(`\nThe admin console: ${service.http.url}/admin  (user ${admin.user}, password ${admin.password}: this run only)`);
        say('It stays open until you stop the demo (Ctrl-C); everything the demo started is stopped then.');
        await new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
        say('Stopping the demo: the console, the worker, the simulators' + (redis.owned ? ' and Redis' : '') + '.');
      }
      return failed === 0 ? 0 : 1;
    } finally {
      await service?.stop();
      mapping?.close();
      rmSync(mappingDir, { recursive: true, force: true });
      if (!redis.owned) await deleteKeys(redis.url, prefix);
    }
  } finally {
    await redis?.stop();
    await sims.stop();
  }
}

/**
 * `ringsense-sync demo`: the whole flow with no accounts. Starts both simulators and a Redis (REDIS_URL if one
 * answers, else a private redis-server), runs the listener and worker, publishes sample calls (one of them twice,
 * as RingSense does when AI Notes is on), and prints what landed in Salesforce. However it ends (done, Ctrl-C,
 * SIGTERM, SIGHUP, its output closed as in `demo | head`, even SIGKILL for the server), it leaves no redis-server
 * running and no keys in a Redis it did not start.
 */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'See the whole flow with no accounts: simulators, Redis, worker, sample calls, and what lands in Salesforce',
  usage: 'ringsense-sync demo [--verbose] [--console]',
  async run(ctx) {
    const { values } = parseArgs({ args: [...ctx.args], options: { verbose: { type: 'boolean', short: 'v', default: false }, console: { type: 'boolean', default: false } } });
    const stopping = new AbortController();
    let reason: StopReason | undefined;
    const off = onStop((r) => {
      reason ??= r;
      stopping.abort();
    }, { outputClosed: true });
    // Once nobody reads stdout, writing to it only raises more EPIPEs.
    const say = (s: string): void => {
      if (reason !== 'output_closed') write(ctx.out, s);
    };
    try {
      return await runDemo({ ctx, verbose: values.verbose, console: values.console, say, stop: stopping.signal });
    } catch (e) {
      if (!(e instanceof DemoStopped) || reason === undefined) throw e;
      if (reason === 'output_closed') return 0;
      write(ctx.err, `The demo stopped (${reason}); what it started is stopped and its Redis keys are deleted.`);
      return 128 + (constants.signals[reason] ?? 0);
    } finally {
      off();
    }
  },
};
