import { describe, expect, inject, it } from 'vitest';
import { redisServerInstalled } from '../../src/lib/local-redis.ts';
import { runCli } from '../support/cli.ts';

function expectDemoOutput(stdout: string) {
  expect(stdout).toContain('7 events received, 6 jobs (1 duplicate dropped by its job id): 6 calls synced, 0 failed');
  expect(stdout).toContain('Call activities (Task, subtype Call, Completed): 6');
  expect(stdout).toContain('Follow-up tasks (open, one per RingSense next step): 29');
  expect(stdout).toMatch(/2024-09-04\s+Call from John Smith to Tracy Debolah\s+John Smith\s+Tracy Debolah \(Contact\)\s+Debolah Consulting\s+Outbound\s+2 min\s+4/);
  expect(stdout).toMatch(/2024-09-06\s+Write a developer guide for the API\.\s+John Smith\s+Tracy Debolah \(Contact\)\s+Not Started/);
}

describe('ringsense-sync demo (as a separate process)', () => {
  it('runs the whole flow against the simulators and prints what landed in Salesforce', async () => {
    const r = await runCli(['demo'], { env: { REDIS_URL: inject('redisUrl') } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Redis                  ${inject('redisUrl')}`);
    expectDemoOutput(r.stdout);
  });

  it.runIf(redisServerInstalled())('starts its own redis-server when none answers at REDIS_URL', async () => {
    const r = await runCli(['demo'], { env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Redis\s+redis:\/\/127\.0\.0\.1:\d+ \(started for the demo\)/);
    expectDemoOutput(r.stdout);
  });
});
