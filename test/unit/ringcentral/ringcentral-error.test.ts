/**
 * classifyRingCentralError on the errors @ringcentral/sdk really throws: the real SDK is given a fetch that answers
 * in memory (with the SDK's own node-fetch Response), so `e.response`, `e.message` and `e.retryAfter` are exactly
 * what Client.makeError and Platform.sendRequest produce. No network.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SDK } from '@ringcentral/sdk';
import { classifyRingCentralError, parseRetryAfter, RingCentralError, toRingCentralError } from '../../../src/ringcentral/ringcentral-error.ts';
import { ServiceError } from '../../../src/lib/service-error.ts';

interface NodeFetch {
  Response: new (body: string, init: { status: number; headers: Record<string, string> }) => unknown;
  FetchError: new (message: string, type: string, systemError?: { code: string }) => Error;
}
const nodeFetch = createRequire(createRequire(import.meta.url).resolve('@ringcentral/sdk'))('node-fetch') as NodeFetch;

let count = 0;

/** The error the SDK throws for a GET answered with `status`, `body` and `headers`. */
async function sdkError(status: number, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const sdk = new SDK({
    server: 'https://platform.example.test',
    clientId: 'id',
    clientSecret: 'secret',
    cachePrefix: `rc-err-${++count}-`,
    fetch: () => Promise.resolve(new nodeFetch.Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })),
  } as ConstructorParameters<typeof SDK>[0]);
  return sdk
    .platform()
    .get('/restapi/v1.0/account/~/call-log', undefined, { skipAuthCheck: true })
    .then(
      () => expect.fail('expected the SDK to throw'),
      (e: unknown) => e,
    );
}

/** What the SDK throws when the server cannot be reached (node-fetch FetchError, no response). */
async function networkError(code: string): Promise<unknown> {
  const sdk = new SDK({
    server: 'https://platform.example.test',
    clientId: 'id',
    clientSecret: 'secret',
    cachePrefix: `rc-err-${++count}-`,
    fetch: () => Promise.reject(new nodeFetch.FetchError(`request to https://platform.example.test failed, reason: connect ${code}`, 'system', { code })),
  });
  return sdk.platform().get('/restapi/v1.0/account/~/extension/1', undefined, { skipAuthCheck: true }).then(
    () => expect.fail('expected the SDK to throw'),
    (e: unknown) => e,
  );
}

const rcBody = (errorCode: string, message: string) => ({ errorCode, message, errors: [{ errorCode, message }] });
const oauthBody = (error: string, errorCode: string, message: string) => ({ error, errors: [{ errorCode, message }], error_description: message });

describe('classifyRingCentralError', () => {
  it('429 is rate_limited with the Retry-After wait', async () => {
    const e = await sdkError(429, rcBody('CMN-301', 'Request rate exceeded'), { 'Retry-After': '7' });
    expect(e).toMatchObject({ message: 'Request rate exceeded', response: { status: 429 } });
    expect((await toRingCentralError(e)).failure).toEqual({ kind: 'rate_limited', code: 'CMN-301', message: 'Request rate exceeded', waitMs: 7000 });
  });

  it('429 without Retry-After waits the default 60 s', async () => {
    const e = await sdkError(429, rcBody('CMN-301', 'Request rate exceeded'));
    expect(classifyRingCentralError(e)).toMatchObject({ kind: 'rate_limited', waitMs: 60_000 });
  });

  it.each([
    [500, rcBody('CMN-500', 'Internal Server Error'), 'transient', 'CMN-500'],
    [503, rcBody('CMN-211', 'Service Temporary Unavailable'), 'transient', 'CMN-211'],
    [502, 'Bad Gateway', 'transient', 'ERROR_HTTP_502'],
    [401, rcBody('TokenInvalid', 'Token not found'), 'auth', 'TokenInvalid'],
    [400, oauthBody('invalid_grant', 'OAU-213', 'Invalid assertion'), 'auth', 'invalid_grant'],
    [401, oauthBody('invalid_client', 'OAU-153', 'Invalid client: x'), 'auth', 'invalid_client'],
    [404, rcBody('CMN-102', 'Resource for parameter [extensionId] is not found'), 'permanent', 'not_found'],
    [403, rcBody('CMN-408', 'In order to call this API endpoint, user needs to have [ReadCallLog] permission'), 'permanent', 'CMN-408'],
    [400, rcBody('CMN-101', 'Parameter [dateFrom] value is invalid'), 'permanent', 'CMN-101'],
  ])('%i %j is %s', async (status, body, kind, code) => {
    const e = await sdkError(status, body);
    expect((await toRingCentralError(e)).failure).toMatchObject({ kind, code });
  });

  it('without the body, the status alone decides', async () => {
    expect(classifyRingCentralError(await sdkError(503, {}))).toMatchObject({ kind: 'transient', code: 'ERROR_HTTP_503' });
    expect(classifyRingCentralError(await sdkError(404, {}))).toMatchObject({ kind: 'permanent', code: 'not_found' });
  });

  it('network failures are transient', async () => {
    const e = await networkError('ECONNREFUSED');
    expect(e).toMatchObject({ name: 'FetchError', code: 'ECONNREFUSED', response: null });
    expect(classifyRingCentralError(e)).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED' });
    expect(classifyRingCentralError(await networkError('ENOTFOUND'))).toMatchObject({ kind: 'transient', code: 'ENOTFOUND' });
  });

  it('a refresh the SDK cannot do is an auth failure; anything else unknown is permanent', () => {
    expect(classifyRingCentralError(new Error('Refresh token has expired'))).toMatchObject({ kind: 'auth', code: 'REFRESH_FAILED' });
    expect(classifyRingCentralError(new TypeError('x is not a function'))).toMatchObject({ kind: 'permanent', code: 'UNKNOWN' });
    expect(classifyRingCentralError('boom')).toMatchObject({ kind: 'permanent', code: 'UNKNOWN' });
  });

  it('a RingCentralError keeps its failure', async () => {
    const failure = { kind: 'rate_limited', code: 'CMN-301', message: 'slow down', waitMs: 5000 } as const;
    const e = new RingCentralError(failure);
    expect(e).toBeInstanceOf(ServiceError);
    expect(e.service).toBe('ringcentral');
    expect(e.message).toBe('ringcentral CMN-301: slow down');
    expect(classifyRingCentralError(e)).toBe(failure);
    expect(await toRingCentralError(e)).toBe(e);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 0)).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
