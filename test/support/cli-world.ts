/**
 * What the CLI tests (separate processes) run against: both simulators with the demo's world, a folder holding the
 * mapping file, a queue prefix of their own with its Redis connection and calls queue. stop() removes all of it:
 * the queue, every key under the prefix, the simulators and the folder.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { demoSeed } from '../../src/demo/demo-seed.ts';
import { CALLS_QUEUE } from '../../src/queue/jobs.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';

export interface CliWorld {
  readonly sims: Simulators;
  readonly dir: string;
  readonly prefix: string;
  readonly redis: Redis;
  readonly queue: Queue;
  /** Writes a file in the folder; its path. */
  file(name: string, text: string): string;
  stop(): Promise<void>;
}

/** `tag` starts the queue prefix and names the folder; `mappingYaml` is written as mapping.yaml. */
export async function startCliWorld(tag: string, mappingYaml: string): Promise<CliWorld> {
  const sims = await startSimulators({ seed: demoSeed() });
  const dir = mkdtempSync(join(tmpdir(), `cli-${tag}-`));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  file('mapping.yaml', mappingYaml);
  const prefix = `${tag}${randomUUID().slice(0, 8)}`;
  const redis = new Redis(inject('redisUrl'));
  const queue = new Queue(CALLS_QUEUE, { connection: new Redis(inject('redisUrl'), { maxRetriesPerRequest: null }), prefix });
  return {
    sims,
    dir,
    prefix,
    redis,
    queue,
    file,
    async stop() {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await queue.disconnect();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await sims.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
