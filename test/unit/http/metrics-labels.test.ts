import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { boundedCode, createMetrics } from '../../../src/lib/metrics.ts';
import { finalFailureReason } from '../../../src/queue/call-worker.ts';
import { networkStatusOf, operationOf, statusOf } from '../../../src/salesforce/request-metrics.ts';

const API = 'https://acme.my.salesforce.com/services/data/v62.0';

describe('Salesforce request labels', () => {
  it.each([
    ['GET', `${API}/query?q=SELECT+Id+FROM+User`, 'query'],
    ['GET', `${API}/query/01gxx-2000`, 'query'],
    ['GET', `${API}/search?q=FIND+%7B4155550100%7D`, 'search'],
    ['POST', `${API}/sobjects/Lead`, 'create'],
    ['PATCH', `${API}/sobjects/Task/00T000000000001AAA`, 'update'],
    ['POST', `${API}/composite/sobjects`, 'collection_create'],
    ['PATCH', `${API}/composite/sobjects`, 'other'],
    ['POST', 'https://login.salesforce.com/services/oauth2/token', 'token'],
    ['GET', `${API}/sobjects/Task/describe`, 'other'],
    ['GET', 'not a url at all', 'other'],
  ])('%s %s -> %s', (method, url, op) => {
    expect(operationOf(method, url)).toBe(op);
  });

  it('status: ok, the Salesforce or OAuth error code, else ERROR_HTTP_<n>; never free text', () => {
    expect(statusOf(200, '{"records":[]}')).toBe('ok');
    expect(statusOf(201, '')).toBe('ok');
    expect(statusOf(401, '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]')).toBe('INVALID_SESSION_ID');
    expect(statusOf(400, '{"error":"invalid_client","error_description":"invalid client credentials"}')).toBe('invalid_client');
    expect(statusOf(503, '<html>Service Unavailable</html>')).toBe('ERROR_HTTP_503');
    expect(statusOf(400, '[{"errorCode":"some text with spaces, 003xx and more"}]')).toBe('ERROR_HTTP_400');
    expect(statusOf(500, '[]')).toBe('ERROR_HTTP_500');
  });

  it('a request that got no answer is labelled by its network code', () => {
    expect(networkStatusOf(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(networkStatusOf(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }))).toBe('UND_ERR_SOCKET');
    expect(networkStatusOf(new Error('boom'))).toBe('network_error');
  });
});

describe('job failure labels', () => {
  it('a permanent failure is its reason code; running out of attempts is retries_exhausted', () => {
    expect(finalFailureReason(new UnrecoverableError('unmapped_owner: RingCentral extension 62288320099 is not mapped'))).toBe('unmapped_owner');
    expect(finalFailureReason(new UnrecoverableError('salesforce_rejected: FIELD_CUSTOM_VALIDATION_EXCEPTION: no'))).toBe('salesforce_rejected');
    expect(finalFailureReason(new UnrecoverableError('something odd happened here'))).toBe('error');
    expect(finalFailureReason(new Error('salesforce ERROR_HTTP_503: Service Unavailable'))).toBe('retries_exhausted');
  });

  it('boundedCode keeps codes and drops free text', () => {
    expect(boundedCode('UNABLE_TO_LOCK_ROW', 'x')).toBe('UNABLE_TO_LOCK_ROW');
    expect(boundedCode('John Smith called', 'x')).toBe('x');
    expect(boundedCode(42, 'x')).toBe('x');
  });
});

describe('createMetrics', () => {
  it('uses its own registry (several services in one process) and starts known series at 0', async () => {
    const a = createMetrics();
    const b = createMetrics({ subscriptionActive: () => true, apiUsage: () => ({ used: 300, limit: 15_000 }), jobCounts: () => Promise.resolve({ completed: 2, failed: 1 }) });
    a.eventsReceived.inc({ source: 'websocket' });
    const textA = (await a.scrape()).body;
    const { body: textB, contentType } = await b.scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(textA).toContain('ringsense_events_received_total{source="websocket"} 1');
    expect(textB).toContain('ringsense_events_received_total{source="websocket"} 0');
    expect(textB).toContain('ringsense_jobs_completed_total{call="created"} 0');
    expect(textB).toContain('ringsense_subscription_active 1');
    expect(textB).toContain('ringsense_salesforce_api_usage_ratio 0.02');
    expect(textB).toContain('ringsense_queue_jobs{state="completed"} 2');
    expect(textB).toContain('ringsense_queue_jobs{state="waiting"} 0');
    expect(textB).toMatch(/^ringsense_process_cpu_seconds_total /m);
    expect(textA).not.toContain('ringsense_queue_jobs{');
  });

  it('answers a scrape without the queue counts when Redis does not answer', async () => {
    const m = createMetrics({ jobCounts: () => new Promise(() => undefined) });
    const started = Date.now();
    const text = (await m.scrape()).body;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(text).not.toContain('ringsense_queue_jobs{');
  });
});
