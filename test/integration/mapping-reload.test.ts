import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DEMO_MAPPING_YAML, demoSeed } from '../../src/demo/demo-seed.ts';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import { CALLS_QUEUE } from '../../src/queue/jobs.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { runCli, spawnCli, type RunningCli } from '../support/cli.ts';
import { waitFor } from '../support/pipeline.ts';

let sims: Simulators | undefined;
let svc: RunningCli | undefined;
let queue: Queue | undefined;
afterEach(async () => {
  svc?.child.kill('SIGKILL');
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  await sims?.stop();
  [sims, svc, queue] = [undefined, undefined, undefined];
});

describe('live mapping reload in a running service', () => {
  it('applies a valid change without a restart, refuses an invalid one and keeps the old mapping', async () => {
    sims = await startSimulators({ seed: demoSeed() });
    const dir = mkdtempSync(join(tmpdir(), 'reload-'));
    const file = join(dir, 'mapping.yaml');
    writeFileSync(file, DEMO_MAPPING_YAML);
    const prefix = `r${randomUUID().slice(0, 8)}`;
    const env = { ...sims.env, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, MAPPING_FILE: file };
    queue = new Queue(CALLS_QUEUE, { connection: new Redis(inject('redisUrl'), { maxRetriesPerRequest: null }), prefix });
    svc = spawnCli(['start'], { env });
    await svc.waitFor(/rc_subscription_registered/);

    // A call from an extension the mapping does not know: it fails as unmapped_owner.
    const stranger = structuredClone(sampleCalls()['documented-example'].body);
    Object.assign(stranger, { sourceRecordId: '9300000000001', ownerExtensionId: '62288320077' });
    sims.rc.publishInsights(stranger);
    await waitFor(async () => (await queue!.getJobCounts('failed')).failed === 1, 20_000, 'the unmapped call to fail');

    // The admin breaks the file by mistake: refused, with the problem, and the service keeps working.
    writeFileSync(file, DEMO_MAPPING_YAML.replace('dueInBusinessDays: 2', 'dueInBusinessDays: lots'));
    await svc.waitFor(/mapping_reload_refused/);
    expect(svc.stdout()).toMatch(/followUps\.dueInBusinessDays/);
    sims.rc.publishInsights('2728084995017');
    await waitFor(async () => (await queue!.getJobCounts('completed')).completed === 1, 20_000, 'a call under the old mapping');

    // The admin maps the extension (an editor's save: write a temp file, rename over): applied live.
    writeFileSync(join(dir, 'mapping.yaml.tmp'), `${DEMO_MAPPING_YAML}\n`.replace('users:\n', 'users:\n  "62288320077": { email: "maria.garcia@acme-robotics.example" }\n'));
    renameSync(join(dir, 'mapping.yaml.tmp'), file);
    await svc.waitFor(/mapping_reloaded/);
    const [failed] = await queue.getFailed();
    const retry = await runCli(['failed', 'retry', failed!.id!], { env });
    expect(retry.code).toBe(0);
    await waitFor(async () => (await queue!.getJobCounts('completed')).completed === 2, 20_000, 'the retried call');
    const task = sims.sf.records('Task').find((t) => t.CallObject === 'ringsense:9300000000001' && t.TaskSubtype === 'Call');
    expect(task?.OwnerId).toBe(sims.sf.records('User').find((u) => u.Email === 'maria.garcia@acme-robotics.example')?.Id);
  });
});
