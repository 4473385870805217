import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../src/app/service.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { parseMapping } from '../../src/config/load-mapping.ts';
import { DEMO_IDS, DEMO_MAPPING_YAML } from '../../src/demo/demo-seed.ts';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { callJobId } from '../../src/queue/jobs.ts';
import { runCli } from '../support/cli.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

const DOC = sampleCalls()['documented-example'].body as unknown as Record<string, unknown> & { lastModifiedTime: string };
const clone = () => structuredClone(DOC) as Record<string, unknown>;
const UNMAPPED_EXT = '62288320099';
const STRANGER_ID = '9000000000003';
const STRANGER_JOB = callJobId(STRANGER_ID, DOC.lastModifiedTime);
const SUMMARY = 'The call is about discussing the tasks and timeline for completing a project.';

const callTasksFor = (p: Pipeline, recordId: string) => p.tasks().filter((t) => t.TaskSubtype === 'Call' && t.CallObject === `ringsense:${recordId}`);
const cli = (p: Pipeline, args: string[], env: Record<string, string> = {}) => runCli(args, { env: { REDIS_URL: p.redis.url, QUEUE_PREFIX: p.redis.prefix, ...env } });

async function stateOf(p: Pipeline, jobId: string): Promise<string> {
  return (await p.service.queue.getJob(jobId))?.getState() ?? 'absent';
}

describe('ringsense-sync failed list|show|retry|purge (as a separate process, on a real failed set)', () => {
  let p: Pipeline;
  let fixedWorker: RunningService | undefined;
  let malformedJob: string;

  beforeAll(async () => {
    p = await startPipeline();
    const stranger = clone();
    Object.assign(stranger, { sourceRecordId: STRANGER_ID, ownerExtensionId: UNMAPPED_EXT });
    p.sims.rc.publishInsights(stranger);
    const broken = clone();
    delete broken.sourceRecordId;
    p.sims.rc.publishRaw(broken);
    expect(await p.settled(2)).toEqual({ completed: 0, failed: 2 });
    const other = (await p.failedJobs()).find((j) => j.id !== STRANGER_JOB);
    malformedJob = other!.id!;
  });

  afterAll(async () => {
    await fixedWorker?.stop();
    await p?.stop();
  });

  it('list: one line per reason with its count, the jobs newest first, no call content; --json parses', async () => {
    const r = await cli(p, ['failed', 'list']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2 failed jobs, by reason:');
    expect(r.stdout).toMatch(/unmapped_owner\s+1\s+last \d{4}-\d\d-\d\d \d\d:\d\d UTC\s+e\.g\. "RingCentral extension 62288320099 is not mapped to a Salesforce user/);
    expect(r.stdout).toMatch(/missing_source_record_id\s+1\s+last \d{4}-\d\d-\d\d \d\d:\d\d UTC\s+e\.g\. "the event has no sourceRecordId/);
    expect(r.stdout).toMatch(new RegExp(`${STRANGER_JOB}\\s+${STRANGER_ID}\\s+unmapped_owner\\s+1\\s+\\d{4}-`));
    expect(r.stdout).toMatch(new RegExp(`${malformedJob}\\s+-\\s+missing_source_record_id\\s+1\\s+`));
    for (const content of ['John Smith', 'Tracy', 'developer guide', SUMMARY]) expect(r.stdout).not.toContain(content);

    const json = await cli(p, ['failed', 'list', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { total: number; reasons: Array<{ reason: string; count: number }>; jobs: Array<{ jobId: string; sourceRecordId: string | null; reason: string; attemptsMade: number; failedAt: string }> };
    expect(parsed.total).toBe(2);
    expect(parsed.reasons.map((x) => [x.reason, x.count]).sort()).toEqual([['missing_source_record_id', 1], ['unmapped_owner', 1]]);
    expect(parsed.jobs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ jobId: STRANGER_JOB, sourceRecordId: STRANGER_ID, reason: 'unmapped_owner', attemptsMade: 1 }),
        expect.objectContaining({ jobId: malformedJob, sourceRecordId: null, reason: 'missing_source_record_id' }),
      ]),
    );
    const failedAts = parsed.jobs.map((j) => j.failedAt);
    expect(failedAts).toEqual([...failedAts].sort().reverse()); // newest first
    expect(json.stdout).not.toContain('John Smith');

    const one = JSON.parse((await cli(p, ['failed', 'list', '--reason', 'unmapped_owner', '--json'])).stdout) as { total: number; jobs: unknown[] };
    expect(one.total).toBe(1);
    expect(await cli(p, ['failed', 'list', '--limit', 'lots'])).toMatchObject({ code: 2 });
  });

  it('show: reason, message and ids with the content redacted; --content shows the event whole; unknown id is exit 1', async () => {
    const r = await cli(p, ['failed', 'show', STRANGER_JOB]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Reason\s+unmapped_owner$/m);
    expect(r.stdout).toMatch(/^Source record\s+9000000000003$/m);
    expect(r.stdout).toMatch(/^Attempts\s+1$/m);
    expect(r.stdout).toContain(`"${UNMAPPED_EXT}": { email: "rep@example.com" }`); // the full, multi-line message
    expect(r.stdout).toContain('"sourceRecordId": "9000000000003"');
    expect(r.stdout).toContain('"speakerId": "p-a0e7b361acc0az191bec7e275z7cae070000-1"');
    expect(r.stdout).toContain('"title": "[redacted]"');
    expect(r.stdout).not.toContain('John Smith');
    expect(r.stdout).not.toContain('Tracy');
    expect(r.stdout).not.toContain(SUMMARY);

    const whole = await cli(p, ['failed', 'show', STRANGER_JOB, '--content']);
    expect(whole.code).toBe(0);
    expect(whole.stdout).toContain('"name": "John Smith"');
    expect(whole.stdout).toContain(SUMMARY);
    expect(whole.stdout).toContain('"sourceRecordId": "9000000000003"');

    const malformed = await cli(p, ['failed', 'show', malformedJob]);
    expect(malformed.stdout).toMatch(/^Source record\s+- \(the event has none\)$/m);
    expect(malformed.stdout).toMatch(/^Reason\s+missing_source_record_id$/m);

    const unknown = await cli(p, ['failed', 'show', 'call-nope-1']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No job "call-nope-1" in queue "calls"');
    expect(await cli(p, ['failed', 'show'])).toMatchObject({ code: 2 });
  });

  it('retry: once the owner is mapped, the job completes with one call Task; a still-broken event fails again with its attempts reset', async () => {
    // The fix: a worker whose mapping has the extension (a running worker keeps the mapping it started with).
    await p.service.worker!.close();
    const cfg = loadConfig({ ...p.sims.env, REDIS_URL: p.redis.url, QUEUE_PREFIX: p.redis.prefix, WORKER_CONCURRENCY: '2' }, { ringcentral: true, salesforce: true }, mkdtempSync(join(tmpdir(), 'fixed-')));
    const mapping = parseMapping(DEMO_MAPPING_YAML.replace('users:\n', `users:\n  "${UNMAPPED_EXT}": { salesforceUserId: "${DEMO_IDS.userJohn}" }\n`), 'mapping.yaml');
    fixedWorker = await startService(cfg, () => mapping, { listen: false, work: true }, silentLogger());

    const r = await cli(p, ['failed', 'retry', STRANGER_JOB]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Retried ${STRANGER_JOB} (unmapped_owner): back to waiting with its attempts reset.`);
    expect(r.stdout).toContain('running workers reload a changed mapping file by themselves');
    await waitFor(async () => (await stateOf(p, STRANGER_JOB)) === 'completed', 20_000, 'the retried job to complete');
    expect(callTasksFor(p, STRANGER_ID)).toHaveLength(1);
    expect(callTasksFor(p, STRANGER_ID)[0]).toMatchObject({ OwnerId: DEMO_IDS.userJohn });

    const again = await cli(p, ['failed', 'retry', STRANGER_JOB]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not in the failed set (it is completed)');

    const before = (await p.service.queue.getJob(malformedJob))!;
    expect(before.attemptsMade).toBe(1);
    const all = await cli(p, ['failed', 'retry', '--all', '--reason', 'missing_source_record_id']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('Retried 1 failed job with reason missing_source_record_id: back to waiting with attempts reset.');
    await waitFor(async () => {
      const j = await p.service.queue.getJob(malformedJob);
      return (await j?.getState()) === 'failed' && (j?.finishedOn ?? 0) > before.finishedOn!;
    }, 20_000, 'the malformed job to fail again');
    const after = (await p.service.queue.getJob(malformedJob))!;
    expect(after.failedReason).toMatch(/^missing_source_record_id: /);
    expect(after.attemptsMade).toBe(1); // reset, or it would be 2

    const none = await cli(p, ['failed', 'retry', '--all', '--reason', 'unmapped_owner']);
    expect(none).toMatchObject({ code: 0 });
    expect(none.stdout).toContain('No failed jobs with reason unmapped_owner to retry.');
    expect(await cli(p, ['failed', 'retry'])).toMatchObject({ code: 2 });
    expect(await cli(p, ['failed', 'retry', STRANGER_JOB, '--reason', 'x'])).toMatchObject({ code: 2 });
  });

  it('purge: requires --older-than, keeps younger jobs, removes older ones; list then says there are none', async () => {
    expect(await cli(p, ['failed', 'purge'])).toMatchObject({ code: 2 });
    const young = await cli(p, ['failed', 'purge', '--older-than', '1']);
    expect(young).toMatchObject({ code: 0 });
    expect(young.stdout).toContain('No failed jobs older than 1 day.');
    expect(await p.service.queue.getFailedCount()).toBe(1);

    const r = await cli(p, ['failed', 'purge', '--older-than', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Removed 1 failed job older than 0 days.');
    expect(await p.service.queue.getFailedCount()).toBe(0);
    expect(await stateOf(p, malformedJob)).toBe('absent');

    const list = await cli(p, ['failed', 'list']);
    expect(list).toMatchObject({ code: 0 });
    expect(list.stdout.trim()).toBe('No failed jobs.');
    expect(JSON.parse((await cli(p, ['failed', 'list', '--json'])).stdout)).toEqual({ total: 0, reasons: [], jobs: [] });
  });
});

describe('ringsense-sync replay <sourceRecordId> (as a separate process)', () => {
  let p: Pipeline | undefined;
  afterAll(async () => {
    await p?.stop();
  });

  it('queues the insights read over REST once; again only with --force, which writes no duplicate; unknown ids are exit 1', async () => {
    p = await startPipeline();
    const pl = p;
    const env = pl.sims.env as Record<string, string>;
    const jobId = callJobId('2728084995017', DOC.lastModifiedTime);
    const synced = () => pl.logs.filter((l) => l.message === 'call_synced');

    const r = await cli(pl, ['replay', '2728084995017'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Queued recording 2728084995017 as job ${jobId} (replay).`);
    expect(await pl.settled(1)).toEqual({ completed: 1, failed: 0 });
    expect(callTasksFor(pl, '2728084995017')).toHaveLength(1);
    expect(synced()).toHaveLength(1);

    const again = await cli(pl, ['replay', '2728084995017'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Recording 2728084995017 was already processed at this version: job ${jobId} completed`);
    expect(again.stdout).toContain('Use --force');
    expect(await pl.service.queue.getJobCounts('waiting', 'completed')).toMatchObject({ waiting: 0, completed: 1 });

    const forced = await cli(pl, ['replay', '2728084995017', '--force'], env);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`Removed the completed job ${jobId} (--force).`);
    expect(forced.stdout).toContain(`Queued recording 2728084995017 as job ${jobId} (replay).`);
    await waitFor(() => synced().length === 2, 20_000, 'the forced replay to be processed');
    expect(synced()[1]).toMatchObject({ jobId, call: 'unchanged', followUpsCreated: 0, followUpsExisting: 4 });
    expect(callTasksFor(pl, '2728084995017')).toHaveLength(1);
    expect(pl.tasks().filter((t) => t.TaskSubtype === 'Task')).toHaveLength(4);

    const unknown = await cli(pl, ['replay', '2728084999999'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No RingSense insights for recording 2728084999999: not analysed yet or not a RingSense recording.');
    expect(await cli(pl, ['replay'], env)).toMatchObject({ code: 2 });
  });
});
