import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { sampleCalls } from '../../src/demo/sample-calls.ts';
import type { HttpConfig } from '../../src/config/load-config.ts';
import { startHttpServer, type OperatorHttpServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { startPipeline, waitFor, type Pipeline } from '../support/pipeline.ts';

let p: Pipeline | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await p?.stop();
  p = undefined;
  for (const c of cleanups.splice(0)) await c();
});

interface Report {
  status: 'ready' | 'not_ready';
  checks: Record<string, { ok: boolean; state?: string; error?: string }>;
}

const DOC = sampleCalls()['documented-example'].body;
const FAST_RETRY = { backoff: { baseMs: 200, maxMs: 1000 } };
const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

function get(pl: Pipeline, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${pl.httpUrl!}${path}`, { headers });
}

async function readyz(pl: Pipeline): Promise<{ status: number; body: Report }> {
  const r = await get(pl, '/readyz');
  return { status: r.status, body: (await r.json()) as Report };
}

async function metrics(pl: Pipeline): Promise<string> {
  return (await get(pl, '/metrics')).text();
}

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A request with any headers, Host included (fetch sets Host itself). */
function raw(url: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface BoardJob {
  id: string;
  data: unknown;
  stacktrace: string[];
  failedReason: string;
}

/** The failed list as bull-board's UI asks for it. */
async function failedPage(url: string, headers: Record<string, string>): Promise<{ text: string; jobs: BoardJob[] }> {
  const r = await fetch(`${url}/admin/queues/api/queues?activeQueue=calls&status=failed&page=1&jobsPerPage=10`, { headers });
  expect(r.status).toBe(200);
  const text = await r.text();
  return { text, jobs: (JSON.parse(text) as { queues: Array<{ jobs: BoardJob[] }> }).queues[0]!.jobs };
}

/** An operator server on its own queue (and prefix), the dashboard mounted with `admin` settings. */
async function dashboardOnly(admin: Partial<NonNullable<HttpConfig['admin']>> = {}, trustProxy = false): Promise<{ server: OperatorHttpServer; queue: Queue }> {
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const queue = new Queue('calls', { connection: redis, prefix: `t${randomUUID().slice(0, 8)}` });
  const server = await startHttpServer(
    { port: 0, host: '127.0.0.1', trustProxy, admin: { user: 'ops', password: 'a-long-passphrase', readOnly: false, showCallContent: false, publicHost: undefined, ...admin } },
    { logger: createLogger({ level: 'error', format: 'json' }), metrics: createMetrics(), queues: [queue], checks: {} },
  );
  cleanups.push(() => server.close(), () => queue.obliterate({ force: true }).then(() => queue.close()), () => redis.quit());
  return { server, queue };
}

function secretsOf(pl: Pipeline): string[] {
  const env = pl.sims.env;
  return [env.RINGCENTRAL_CLIENT_SECRET, env.RINGCENTRAL_JWT, env.SALESFORCE_CLIENT_SECRET].filter((s): s is string => typeof s === 'string' && s.length > 0);
}

describe('operator HTTP endpoints', () => {
  it('health, readiness and metrics of a working pipeline: counts by source, outcome and reason; no secret, no call content', async () => {
    p = await startPipeline();
    expect(p.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(p.logs.filter((l) => l.message === 'http_listening')).toHaveLength(1);

    const health = await get(p, '/healthz');
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    expect(await readyz(p)).toEqual({
      status: 200,
      body: {
        status: 'ready',
        checks: { redis: { ok: true }, subscription: { ok: true, state: 'connected' }, salesforce: { ok: true }, api_budget: expect.objectContaining({ ok: true, state: 'normal' }) },
      },
    });

    p.sims.rc.publishInsights('2728084995017');
    expect(await p.settled(1)).toEqual({ completed: 1, failed: 0 });
    const res = await get(p, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('ringsense_events_received_total{source="websocket"} 1');
    expect(text).toContain('ringsense_jobs_completed_total{call="created"} 1');
    expect(text).toContain('ringsense_queue_jobs{state="completed"} 1');
    expect(text).toContain('ringsense_event_to_salesforce_seconds_count 1');
    expect(text).toContain('ringsense_subscription_active 1');
    expect(text).toContain('ringsense_catchup_runs_total{reason="startup"} 1');
    expect(sample(text, 'ringsense_salesforce_requests_total{operation="token",status="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ringsense_salesforce_requests_total{operation="query",status="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ringsense_salesforce_requests_total{operation="search",status="ok"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ringsense_salesforce_requests_total{operation="collection_create",status="ok"}')).toBe(1);
    const { used, limit } = p.sims.sf.counters().apiUsage;
    expect(sample(text, 'ringsense_salesforce_api_used')).toBe(used);
    expect(sample(text, 'ringsense_salesforce_api_limit')).toBe(limit);
    expect(sample(text, 'ringsense_salesforce_api_usage_ratio')).toBeCloseTo(used / limit, 6);
    expect(sample(text, 'ringsense_process_resident_memory_bytes')).toBeGreaterThan(0);

    // A call whose owner is not mapped fails for good, counted by its reason.
    const stranger = { ...structuredClone(DOC), sourceRecordId: '9000000000003', ownerExtensionId: '62288320099' };
    p.sims.rc.publishInsights(stranger);
    expect(await p.settled(2)).toEqual({ completed: 1, failed: 1 });
    const after = await metrics(p);
    expect(after).toContain('ringsense_jobs_failed_total{reason="unmapped_owner"} 1');
    expect(after).toContain('ringsense_events_received_total{source="websocket"} 2');
    expect(after).toContain('ringsense_queue_jobs{state="failed"} 1');

    // Nothing secret, personal or identifying in what anyone who can reach the port may read.
    const exposed = after + JSON.stringify((await readyz(p)).body);
    for (const s of secretsOf(p)) expect(exposed).not.toContain(s);
    for (const content of ['John Smith', 'Tracy', 'Debolah', 'developer guide', '2728084995017', '9000000000003', '62288320099', p.sims.sf.clientId]) {
      expect(exposed).not.toContain(content);
    }

    // No dashboard without ADMIN_USER/ADMIN_PASSWORD, and the log says so once.
    expect((await get(p, '/admin/queues')).status).toBe(404);
    expect((await get(p, '/admin/queues/api/queues', basic('admin', 'admin'))).status).toBe(404);
    expect(p.logs.filter((l) => l.message === 'admin_dashboard_disabled')).toHaveLength(1);
  });

  it('readiness names the subscription while WebSocket upgrades are refused, and is ready again once they stop', async () => {
    p = await startPipeline();
    expect((await readyz(p)).status).toBe(200);
    p.sims.rc.failNextUpgrades(100);
    p.sims.rc.dropSockets({ recovery: 'successful' });
    let down: { status: number; body: Report } | undefined;
    await waitFor(async () => {
      down = await readyz(p!);
      return down.status === 503 && down.body.checks.subscription?.error !== undefined;
    }, 30_000, '/readyz to report the refused upgrades');
    expect(down!.body.status).toBe('not_ready');
    expect(down!.body.checks).toMatchObject({ redis: { ok: true }, salesforce: { ok: true }, subscription: { ok: false } });
    expect(['reconnecting', 'degraded']).toContain(down!.body.checks.subscription!.state);
    expect(down!.body.checks.subscription!.error).toMatch(/503/);
    expect(await metrics(p)).toContain('ringsense_subscription_active 0');

    p.sims.rc.failNextUpgrades(0);
    await waitFor(async () => (await readyz(p!)).status === 200, 40_000, '/readyz to be ready again');
    expect((await readyz(p)).body.checks.subscription).toEqual({ ok: true, state: 'connected' });
    const text = await metrics(p);
    expect(text).toContain('ringsense_subscription_active 1');
    expect(text).toContain('ringsense_websocket_reconnects_total 1');
    await waitFor(async () => (await metrics(p!)).includes('ringsense_catchup_runs_total{reason="recovery_successful"} 1'), 5000, 'the catch-up after the recovery');
  });

  it('readiness and metrics say the work is held for auth once re-authentication keeps failing (401 on every request)', async () => {
    p = await startPipeline({ service: FAST_RETRY });
    expect((await readyz(p)).body.checks.salesforce).toEqual({ ok: true });
    p.sims.sf.setAlways401(true);
    p.sims.rc.publishInsights('2728084995017');
    let report: { status: number; body: Report } | undefined;
    await waitFor(async () => {
      report = await readyz(p!);
      return report.body.checks.salesforce?.ok === false;
    }, 30_000, 'the salesforce check to fail');
    expect(report!.status).toBe(503);
    expect(report!.body.checks).toMatchObject({ redis: { ok: true }, subscription: { ok: true }, salesforce: { ok: false, state: 'auth' } });
    const text = await metrics(p);
    expect(sample(text, 'ringsense_salesforce_held{cause="auth"}')).toBe(1);
    expect(text).toMatch(/^ringsense_salesforce_requests_total\{operation="(query|search)",status="INVALID_SESSION_ID"\} [1-9]/m);
    expect(sample(text, 'ringsense_job_retries_total{kind="held"}')).toBeGreaterThanOrEqual(1); // back in the queue, no attempt used
    for (const s of secretsOf(p)) expect(text + JSON.stringify(report)).not.toContain(s);

    p.sims.sf.setAlways401(false);
    expect(await p.settled(1, 60_000)).toEqual({ completed: 1, failed: 0 });
    await waitFor(async () => (await readyz(p!)).status === 200, 10_000, 'salesforce to be ok again');
  });

  it('the queue dashboard: Basic auth (password from a file), 401 otherwise, lists the calls queue, retries a failed job, refuses cross-site writes', async () => {
    const password = `pw-${randomUUID()}`;
    const dir = mkdtempSync(join(tmpdir(), 'admin-'));
    writeFileSync(join(dir, 'admin-password'), `${password}\n`);
    p = await startPipeline({ env: { ADMIN_USER: 'ops', ADMIN_PASSWORD_FILE: join(dir, 'admin-password') } });
    expect(p.logs.some((l) => l.message === 'admin_dashboard_disabled')).toBe(false);

    const anonymous = await get(p, '/admin/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="ringsense-sync"');
    expect((await get(p, '/admin/queues', basic('ops', `${password}x`))).status).toBe(401);
    expect((await get(p, '/admin/queues', basic('admin', password))).status).toBe(401);
    expect((await get(p, '/admin/queues/api/queues')).status).toBe(401);

    const page = await get(p, '/admin/queues', basic('ops', password));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<html/i);

    const stranger = { ...structuredClone(DOC), sourceRecordId: '9000000000003', ownerExtensionId: '62288320099' };
    p.sims.rc.publishInsights(stranger);
    expect(await p.settled(1)).toEqual({ completed: 0, failed: 1 });
    const api = await get(p, '/admin/queues/api/queues', basic('ops', password));
    expect(api.status).toBe(200);
    const { queues } = (await api.json()) as { queues: Array<{ name: string; readOnlyMode: boolean; counts: Record<string, number> }> };
    expect(queues.map((q) => q.name)).toEqual(['calls']);
    expect(queues[0]).toMatchObject({ readOnlyMode: false, counts: { failed: 1 } });

    const [failed] = await p.failedJobs();
    const retryUrl = `${p.httpUrl!}/admin/queues/api/queues/calls/${failed!.id!}/retry`;
    const crossSite = await fetch(retryUrl, { method: 'PUT', headers: { ...basic('ops', password), Origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(await failed!.getState()).toBe('failed');
    const retried = await fetch(retryUrl, { method: 'PUT', headers: basic('ops', password) });
    expect(retried.status).toBe(204);
    // Still unmapped: it runs again and fails again, counted once more.
    await waitFor(async () => (await metrics(p!)).includes('ringsense_jobs_failed_total{reason="unmapped_owner"} 2'), 20_000, 'the retried job to fail again');

    const logs = JSON.stringify(p.logs);
    expect(logs).not.toContain(password);
    expect(logs).toContain('"dashboard":"/admin/queues"');
  });

  it('the dashboard: failed sign-ins are throttled per client and logged without what was typed; responses cannot be framed or cached', async () => {
    const password = `pw-${randomUUID()}`;
    p = await startPipeline({ env: { ADMIN_USER: 'ops', ADMIN_PASSWORD: password } });
    const page = await get(p, '/admin/queues', basic('ops', password));
    expect(page.status).toBe(200);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-powered-by')).toBeNull();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await get(p, '/admin/queues', basic('ops', `guess-${i}-typed-here`))).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Throttled: even the right password waits out the minute.
    const refused = await get(p, '/admin/queues', basic('ops', password));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(p.logs.filter((l) => l.message === 'admin_sign_in_failed')).toHaveLength(4);
    expect(p.logs.filter((l) => l.message === 'admin_sign_in_throttled')).toHaveLength(1);
    expect(JSON.stringify(p.logs)).not.toContain('typed-here');
    expect(JSON.stringify(p.logs)).not.toContain(password);
  });

  it('a read-only dashboard shows the queue and refuses retries', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const queue = new Queue('calls', { connection: redis, prefix });
    const server = await startHttpServer(
      { port: 0, host: '127.0.0.1', trustProxy: false, admin: { user: 'ops', password: 'read-only-pw', readOnly: true, showCallContent: false, publicHost: undefined } },
      { logger: createLogger({ level: 'error', format: 'json' }), metrics: createMetrics(), queues: [queue], checks: {} },
    );
    cleanups.push(() => server.close(), () => queue.obliterate({ force: true }).then(() => queue.close()), () => redis.quit());
    const auth = basic('ops', 'read-only-pw');
    const api = await fetch(`${server.url}/admin/queues/api/queues`, { headers: auth });
    expect(((await api.json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> }).queues).toMatchObject([{ name: 'calls', readOnlyMode: true }]);
    const retry = await fetch(`${server.url}/admin/queues/api/queues/calls/retry/failed`, { method: 'PUT', headers: auth });
    expect(retry.status).toBe(405);
    // Only the dashboard's own checks: none registered here, so ready; /readyz takes more checks later.
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready', checks: {} });
    server.addCheck('api_budget', () => ({ ok: false, used: 0.99 }));
    const budget = await fetch(`${server.url}/readyz`);
    expect([budget.status, await budget.json()]).toEqual([503, { status: 'not_ready', checks: { api_budget: { ok: false, used: 0.99 } } }]);
  });

  it('the dashboard shows a failed call in the redacted shape, a few KB, without stack trace; ADMIN_SHOW_CALL_CONTENT shows content, cut', async () => {
    const auth = basic('ops', 'a-long-passphrase');
    p = await startPipeline({ env: { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'a-long-passphrase' } });
    const speakers = (DOC.speakerInfo as Array<{ speakerId: string }>).map((s) => s.speakerId);
    const lines = Array.from({ length: 4000 }, (_, i) => ({ speakerId: speakers[i % speakers.length], text: `Transcript line ${i}: the confidential pricing we agreed`, start: i, end: i + 1 }));
    const big = { ...structuredClone(DOC), sourceRecordId: '9000000000003', ownerExtensionId: '62288320099', insights: { ...structuredClone(DOC.insights as Record<string, unknown>), Transcript: lines } };
    p.sims.rc.publishInsights(big);
    expect(await p.settled(1)).toEqual({ completed: 0, failed: 1 });
    const content = ['Transcript line', 'confidential pricing', 'John Smith', 'Tracy Debolah', DOC.title];

    const { text, jobs } = await failedPage(p.httpUrl!, auth);
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job.failedReason).toMatch(/^unmapped_owner: /); // ours: kept
    expect(job.data).toMatchObject({ kind: 'notification', event: { body: { sourceRecordId: '9000000000003', title: '[redacted]' } } });
    expect(job.stacktrace).toEqual([]);
    expect(text).not.toMatch(/\.ts:\d+|\/src\/|node_modules|\bat async\b/);
    for (const c of content) expect(text).not.toContain(c);
    expect(Buffer.byteLength(JSON.stringify(job))).toBeLessThan(6 * 1024);
    // The job's own page: the same.
    const single = await (await fetch(`${p.httpUrl!}/admin/queues/api/queues/calls/${job.id}`, { headers: auth })).text();
    expect((JSON.parse(single) as { job: BoardJob }).job.stacktrace).toEqual([]);
    for (const c of content) expect(single).not.toContain(c);
    expect(single).not.toMatch(/\.ts:\d+|\/src\//);
    expect(Buffer.byteLength(single)).toBeLessThan(6 * 1024);

    // Content on request (a second operator server on the same queue, as a restart with the setting would be): cut per job.
    const shown = await startHttpServer(
      { port: 0, host: '127.0.0.1', trustProxy: false, admin: { user: 'ops', password: 'a-long-passphrase', readOnly: true, showCallContent: true, publicHost: undefined } },
      { logger: createLogger({ level: 'error', format: 'json' }), metrics: createMetrics(), queues: [p.service.queue], checks: {} },
    );
    cleanups.push(() => shown.close());
    const withContent = await failedPage(shown.url, auth);
    for (const c of ['John Smith', 'Tracy Debolah', 'Transcript line 0: the confidential pricing we agreed']) expect(withContent.text).toContain(c);
    expect(withContent.text).not.toContain('Transcript line 3999');
    expect(withContent.jobs[0]!.stacktrace).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(withContent.jobs[0]))).toBeLessThan(20 * 1024);
    // Pages are bounded too, and job data is not written from the dashboard (it would write what it shows).
    expect((await fetch(`${p.httpUrl!}/admin/queues/api/queues?activeQueue=calls&status=failed&page=1&jobsPerPage=100000`, { headers: auth })).status).toBe(400);
    const edit = await fetch(`${p.httpUrl!}/admin/queues/api/queues/calls/${job.id}/update-data`, {
      method: 'PATCH',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jobData: { kind: 'notification', receivedAt: 1, event: {} } }),
    });
    expect(edit.status).toBe(405);
    const [stored] = await p.failedJobs();
    expect((stored!.data as { encoding?: string }).encoding).toBe('br64-split');
  });

  it('the cross-site guard believes X-Forwarded-Host only with TRUST_PROXY', async () => {
    const auth = basic('ops', 'a-long-passphrase');
    const retryAll = (url: string, headers: Record<string, string>) => fetch(`${url}/admin/queues/api/queues/calls/retry/failed`, { method: 'PUT', headers: { ...auth, ...headers } });
    const { server } = await dashboardOnly();
    const self = new URL(server.url).host;
    expect((await retryAll(server.url, { Origin: server.url })).status).toBe(200);
    // A forged X-Forwarded-Host naming the Origin's host: accepted before, refused now.
    expect((await retryAll(server.url, { Origin: 'https://evil.example', 'X-Forwarded-Host': 'evil.example' })).status).toBe(403);
    expect((await retryAll(server.url, { Origin: 'https://evil.example', 'X-Forwarded-Host': `${self}, evil.example` })).status).toBe(403);
    expect((await retryAll(server.url, { Referer: 'https://evil.example/page' })).status).toBe(403);

    const { server: proxied } = await dashboardOnly({}, true);
    expect((await retryAll(proxied.url, { Origin: 'https://ops.example.com', 'X-Forwarded-Host': 'ops.example.com' })).status).toBe(200);
    // Behind the proxy, the host is the one it forwarded: an Origin naming the backend's address is another site.
    expect((await retryAll(proxied.url, { Origin: proxied.url, 'X-Forwarded-Host': 'ops.example.com' })).status).toBe(403);
  });

  it('with ADMIN_PUBLIC_HOST the dashboard answers that host only (421 otherwise), and writes from its origin only', async () => {
    const auth = basic('ops', 'a-long-passphrase');
    const { server } = await dashboardOnly({ publicHost: 'sync.example.com' });
    const api = `${server.url}/admin/queues/api/queues`;
    const misdirected = await raw(api, { headers: auth });
    expect(misdirected.status).toBe(421);
    expect(JSON.parse(misdirected.body)).toEqual({ error: 'misdirected_request', detail: 'the Host header does not name this dashboard (ADMIN_PUBLIC_HOST)' });
    expect((await raw(api, { headers: { ...auth, Host: 'evil.example' } })).status).toBe(421);
    expect((await raw(api, { headers: { ...auth, Host: 'evil.example', 'X-Forwarded-Host': 'sync.example.com' } })).status).toBe(421); // no TRUST_PROXY
    expect((await raw(api, { headers: { ...auth, Host: 'Sync.Example.com' } })).status).toBe(200);
    const retry = `${server.url}/admin/queues/api/queues/calls/retry/failed`;
    expect((await raw(retry, { method: 'PUT', headers: { ...auth, Host: 'sync.example.com', Origin: 'https://sync.example.com' } })).status).toBe(200);
    expect((await raw(retry, { method: 'PUT', headers: { ...auth, Host: 'sync.example.com', Origin: 'https://evil.example' } })).status).toBe(403);
    // Before sign-in: a scanner by address learns nothing more than 421.
    expect((await raw(api)).status).toBe(421);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200); // the dashboard only

    const { server: proxied } = await dashboardOnly({ publicHost: 'sync.example.com' }, true);
    const papi = `${proxied.url}/admin/queues/api/queues`;
    expect((await raw(papi, { headers: { ...auth, 'X-Forwarded-Host': 'sync.example.com' } })).status).toBe(200);
    expect((await raw(papi, { headers: { ...auth, Host: 'sync.example.com', 'X-Forwarded-Host': 'evil.example' } })).status).toBe(421);
  });

  it('with TRUST_PROXY failed sign-ins are counted per client the proxy saw (X-Forwarded-For); without it, per connection', async () => {
    const wrong = basic('ops', 'not-the-password');
    const signIn = (url: string, client: string) => fetch(`${url}/admin/queues`, { headers: { ...wrong, 'X-Forwarded-For': client } });
    for (const trustProxy of [true, false]) {
      const { server } = await dashboardOnly({}, trustProxy);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await signIn(server.url, '203.0.113.7')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      // Another client behind the proxy is not locked out; without a proxy said to be there, a forged header changes nothing.
      expect((await signIn(server.url, '198.51.100.9')).status).toBe(trustProxy ? 401 : 429);
    }
  });
});
