/**
 * The first Salesforce login, as an admin meets it: a connected app Salesforce refuses for good stops the service
 * with a message naming what to check (never the secret); a login that fails for a passing reason does not.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { demoSeed } from '../../src/demo/demo-seed.ts';
import { startSimulators, type Simulators } from '../../src/simulators/start-simulators.ts';
import { runCli, spawnCli } from '../support/cli.ts';

let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.stop();
  sims = undefined;
});

const envFor = (s: Simulators, extra: Record<string, string>) => ({
  ...s.env,
  REDIS_URL: inject('redisUrl'),
  QUEUE_PREFIX: `t${randomUUID().slice(0, 8)}`,
  MAPPING_FILE: 'config/mapping.simulate.yaml',
  ...extra,
});

describe('the first Salesforce login', () => {
  it('stops start with a clear message when Salesforce refuses the connected app (invalid_client)', async () => {
    sims = await startSimulators({ seed: demoSeed() });
    const r = await runCli(['start'], { env: envFor(sims, { SALESFORCE_CLIENT_SECRET: 'a-wrong-secret-value' }) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Salesforce refused the connected app (invalid_client');
    expect(r.stderr).toContain('SALESFORCE_CLIENT_SECRET');
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(r.stdout + r.stderr).not.toContain('a-wrong-secret-value');
  });

  it('keeps start running, not ready, while the token endpoint fails for a passing reason, and is ready once it answers', async () => {
    sims = await startSimulators({ seed: demoSeed() });
    sims.sf.injectFault({ status: 503, body: 'Service Unavailable', path: '/services/oauth2/token', count: 1_000_000 });
    const cli = spawnCli(['start'], { env: envFor(sims, {}) });
    try {
      const [, port] = await cli.waitFor(/^(?=.*"message":"http_listening").*"port":(\d+)/m);
      await cli.waitFor(/^(?=.*"message":"salesforce_unavailable")(?=.*"cause":"login")/m);
      const held = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checks: Record<string, unknown> };
      expect(held.checks.salesforce).toMatchObject({ ok: false, state: 'login' });
      sims.sf.clearFaults();
      await cli.waitFor(/"message":"salesforce_available"/, 30_000);
      const ready = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checks: Record<string, unknown> };
      expect(ready.checks.salesforce).toEqual({ ok: true });
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited();
    }
  });
});
