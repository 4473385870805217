/**
 * The CLI as a user types it (separate processes): help for the two-word command groups, --version, and the
 * signals that stop a service gracefully (SIGHUP as well as SIGTERM and SIGINT).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { demoSeed } from '../../src/demo/demo-seed.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { ROOT, runCli, spawnCli, type RunningCli } from '../support/cli.ts';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('ringsense-sync help and version', () => {
  it('`config --help` and `failed --help` list the group\'s commands with their usage; exit 0', async () => {
    const config = await runCli(['config', '--help']);
    expect(config.stderr).toBe('');
    expect(config.code).toBe(0);
    expect(config.stdout).toContain('Usage: ringsense-sync config <command> [options]');
    expect(config.stdout).toMatch(/config check\s+Validate the mapping file/);
    expect(config.stdout).toContain('usage: ringsense-sync config check [--file <mapping.yaml>] [--online]');
    const failed = await runCli(['failed', '-h']);
    expect(failed.code).toBe(0);
    for (const sub of ['list', 'show', 'retry', 'purge']) expect(failed.stdout).toMatch(new RegExp(`failed ${sub}\\s+\\S`));
    expect(failed.stdout).toContain('usage: ringsense-sync failed purge --older-than <days>');
    // One command's help still works, and so does the overview.
    const one = await runCli(['failed', 'retry', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Usage: ringsense-sync failed retry <jobId> | --all [--reason <code>]');
  });

  it('a group alone or with an unknown command is a usage error that shows the group (exit 2)', async () => {
    const bare = await runCli(['failed']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: ringsense-sync failed <command> [options]');
    const unknown = await runCli(['config', 'chekc']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "config chekc".');
    expect(unknown.stderr).toContain('config check');
  });

  it('--version (and -V) prints the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`ringsense-sync ${VERSION}\n`);
    }
    expect((await runCli(['--help'])).stdout).toContain('--version');
  });
});

describe('stopping a service', () => {
  let sims: Simulators | undefined;
  let svc: RunningCli | undefined;
  let prefix: string | undefined;
  afterEach(async () => {
    svc?.child.kill('SIGKILL');
    if (prefix) {
      const redis = new Redis(inject('redisUrl'));
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
    await sims?.stop();
    [sims, svc, prefix] = [undefined, undefined, undefined];
  });

  it('SIGHUP (the terminal closed) stops `start` gracefully, like SIGTERM: subscription revoked, exit 0', async () => {
    sims = await startSimulators({ seed: demoSeed() });
    prefix = `hup${randomUUID().slice(0, 8)}`;
    svc = spawnCli(['start'], { env: { ...sims.env, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, MAPPING_FILE: join(ROOT, 'config', 'mapping.simulate.yaml') } });
    await svc.waitFor(/rc_subscription_registered/);
    expect(sims.rc.subscriptions()).toHaveLength(1);
    svc.child.kill('SIGHUP');
    expect(await svc.exited()).toBe(0);
    expect(svc.stdout()).toMatch(/"signal":"SIGHUP"/);
    expect(svc.stdout()).toMatch(/"message":"stopped"/);
    expect(sims.rc.subscriptions()).toHaveLength(0);
  });
});
