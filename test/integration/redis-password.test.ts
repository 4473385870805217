/**
 * A Redis that requires a password, as docker-compose.yml runs it: the service, the CLI and the compose file's own
 * health check authenticate with REDIS_PASSWORD / REDIS_PASSWORD_FILE; and rediss:// (TLS, a managed Redis) with
 * the certificate verified against NODE_EXTRA_CA_CERTS.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { demoSeed } from '../../src/demo/demo-seed.ts';
import { freePort, redisServerInstalled } from '../../src/lib/local-redis.ts';
import { startSimulators } from '../../src/simulators/start-simulators.ts';
import { ROOT, runCli, spawnCli } from '../support/cli.ts';
import { startPipeline, waitFor } from '../support/pipeline.ts';
import { until } from '../support/until.ts';

const DOCUMENTED_CALL = '2728084995017';

/** Resolves once a client with `password` gets PONG from 127.0.0.1:`port` (TLS with `tls`). */
async function answers(port: number, password: string, tls?: { ca: string }): Promise<void> {
  await until(async () => {
    const c = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, ...(tls ? { tls } : {}) });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  }, `redis-server on ${port}`, 10_000);
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe.skipIf(!redisServerInstalled())('a Redis with a password (docker-compose.yml\'s redis)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redis-pw-'));
  const password = randomBytes(32).toString('hex'); // as `openssl rand -hex 32` makes it
  const secret = join(dir, 'redis_password');
  let port: number;
  let server: ChildProcess | undefined;
  let url: string;
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: { redis: { command: string[]; healthcheck: { test: string[] } } };
  };
  /** A compose shell command as the container runs it, on this machine: the secret here, redis on `port`. */
  const local = (script: string) =>
    script
      .replaceAll('$$', '$')
      .replaceAll('/run/secrets/redis_password', secret)
      .replace('exec docker-entrypoint.sh redis-server -', `exec redis-server - --port ${port} --bind 127.0.0.1 --dir ${dir} --save ''`)
      .replace('redis-cli ping', `redis-cli -p ${port} ping`);

  beforeAll(async () => {
    writeFileSync(secret, `${password}\n`);
    port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    // The compose file's own command, so that this is the password set-up that ships.
    server = spawn('sh', ['-c', local(compose.services.redis.command[2]!)], { stdio: ['ignore', 'ignore', 'pipe'] });
    await answers(port, password);
  });

  afterAll(async () => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a client without the password, and keeps it off redis-server\'s command line', async () => {
    const anonymous = new Redis(url, { lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    anonymous.on('error', () => undefined);
    await anonymous.connect().catch(() => undefined);
    await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();
    const args = spawnSync('ps', ['-o', 'args=', '-p', String(server!.pid)]).stdout.toString();
    expect(args).toMatch(/redis-server/); // what every user of the host sees
    expect(args).not.toContain(password);
  });

  it('passes the compose file\'s health check only with the password', () => {
    const hc = compose.services.redis.healthcheck.test;
    expect(hc[0]).toBe('CMD-SHELL');
    expect(spawnSync('sh', ['-c', local(hc[1]!)]).status).toBe(0);
    writeFileSync(join(dir, 'wrong'), 'not-the-password');
    expect(spawnSync('sh', ['-c', local(hc[1]!).replace(secret, join(dir, 'wrong'))]).status).not.toBe(0);
  });

  it('the service connects with REDIS_PASSWORD_FILE and writes a call to Salesforce', async () => {
    const p = await startPipeline({ env: { REDIS_URL: url, REDIS_PASSWORD_FILE: secret } });
    try {
      expect(p.redis.url).not.toBe(url); // the password is applied to the URL the connections use
      p.sims.rc.publishInsights(DOCUMENTED_CALL);
      expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
      await waitFor(() => p.tasks().some((t) => t.CallObject === `ringsense:${DOCUMENTED_CALL}`));
      expect(JSON.stringify(p.logs)).not.toContain(password);
    } finally {
      await p.stop();
    }
  });

  it('an admin command (a separate process) connects with REDIS_PASSWORD, and fails plainly without it', async () => {
    const ok = await runCli(['failed', 'list'], { env: { REDIS_URL: url, REDIS_PASSWORD: password, QUEUE_PREFIX: 'pwtest' } });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const refused = await runCli(['failed', 'list'], { env: { REDIS_URL: url, REDIS_PASSWORD: '', QUEUE_PREFIX: 'pwtest' } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(NOAUTH Authentication required\.\)/);
    expect(refused.stdout + refused.stderr).not.toContain(password);
  });
});

// redis-server is built with TLS on Debian/Ubuntu and by Homebrew; openssl makes the certificate.
const tlsReady = redisServerInstalled() && spawnSync('openssl', ['version']).status === 0;

describe.skipIf(!tlsReady)('rediss:// with a password (a managed Redis with TLS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redis-tls-'));
  const password = randomBytes(24).toString('base64url');
  let server: ChildProcess | undefined;
  let port: number;

  beforeAll(async () => {
    // A self-signed certificate for 127.0.0.1: the "private CA" a client must be told about.
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
    expect(made.status, made.stderr.toString()).toBe(0);
    port = await freePort();
    server = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no',
      '--tls-cert-file', join(dir, 'cert.pem'), '--tls-key-file', join(dir, 'key.pem'), '--tls-auth-clients', 'no', '--requirepass', password],
    { stdio: 'ignore' });
    await answers(port, password, { ca: readFileSync(join(dir, 'cert.pem'), 'utf8') });
  });

  afterAll(async () => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('`start` connects over TLS with REDIS_PASSWORD, trusting the CA in NODE_EXTRA_CA_CERTS, and writes a call', async () => {
    const sims = await startSimulators({ seed: demoSeed() });
    const svc = spawnCli(['start'], {
      env: {
        ...sims.env, REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_PASSWORD: password, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
        QUEUE_PREFIX: 'tlstest', MAPPING_FILE: join(ROOT, 'config', 'mapping.simulate.yaml'),
      },
    });
    try {
      await svc.waitFor(/rc_subscription_registered/, 30_000);
      sims.rc.publishInsights(DOCUMENTED_CALL);
      await waitFor(() => sims.sf.records('Task').some((t) => t.CallObject === `ringsense:${DOCUMENTED_CALL}`), 30_000, 'the call Task');
      svc.child.kill('SIGTERM');
      expect(await svc.exited()).toBe(0);
      expect(svc.stdout() + svc.stderr()).not.toContain(password);
    } finally {
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
      await sims.stop();
    }
  });

  it('refuses the same Redis when its certificate is not trusted (no NODE_EXTRA_CA_CERTS): verification is on', async () => {
    const r = await runCli(['failed', 'list'], { env: { REDIS_URL: `rediss://127.0.0.1:${port}`, REDIS_PASSWORD: password, QUEUE_PREFIX: 'tlstest', NODE_EXTRA_CA_CERTS: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot reach Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1/);
    expect(r.stdout + r.stderr).not.toContain(password);
  });
});
