/**
 * Contract: the unmodified jsforce client against the Salesforce simulator over real HTTP.
 * Everything here is what jsforce sends and how it parses the answers (notes section A).
 */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SalesforceSimulator, type SalesforceSimulatorOptions } from '../../src/simulators/salesforce/salesforce-simulator.ts';

// jsforce reads proxy variables at module load and ignores NO_PROXY (notes A/9).
for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete process.env[k];
const { default: jsforce } = await import('jsforce');
type Connection = InstanceType<typeof jsforce.Connection>;
type RefreshFn = NonNullable<ConstructorParameters<typeof jsforce.Connection>[0]>['refreshFn'];

const EXT = 'RingSense_Call_Id__c';
const sims: SalesforceSimulator[] = [];
let privateKey: KeyObject;

beforeAll(() => {
  privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
});

afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function startSim(opts: SalesforceSimulatorOptions = {}): Promise<SalesforceSimulator> {
  const sim = await SalesforceSimulator.start(opts);
  sims.push(sim);
  return sim;
}

function signJwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`;
}

function connect(sim: SalesforceSimulator, refreshFn?: RefreshFn): Connection {
  return new jsforce.Connection({
    loginUrl: sim.url,
    version: '62.0',
    oauth2: { clientId: sim.clientId, clientSecret: sim.clientSecret, loginUrl: sim.url },
    ...(refreshFn === undefined ? {} : { refreshFn }),
  });
}

async function authorized(sim: SalesforceSimulator, refreshFn?: RefreshFn): Promise<Connection> {
  const conn = connect(sim, refreshFn);
  await conn.authorize({ grant_type: 'client_credentials' });
  return conn;
}

/** A refreshFn doing a client_credentials grant; gives up after `max` calls (notes A5). */
function clientCredentialsRefresh(max: number): { fn: RefreshFn; calls: () => number } {
  let calls = 0;
  const fn: RefreshFn = (c, cb) => {
    calls += 1;
    if (calls > max) {
      cb(new Error(`refresh budget of ${max} exhausted`));
      return;
    }
    c.oauth2.requestToken({ grant_type: 'client_credentials' }).then((r) => {
      c._establish({ accessToken: r.access_token, instanceUrl: r.instance_url });
      cb(null, r.access_token, r);
    }, (err: Error) => {
      cb(err);
    });
  };
  return { fn, calls: () => calls };
}

async function caught(p: PromiseLike<unknown>): Promise<Error & { errorCode?: string; data?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { errorCode?: string };
  }
  throw new Error('expected the call to fail');
}

describe('OAuth', () => {
  it('authorizes with client_credentials', async () => {
    const sim = await startSim();
    const conn = connect(sim);
    const info = await conn.authorize({ grant_type: 'client_credentials' });
    expect(info.organizationId).toMatch(/^00D[a-zA-Z0-9]{15}$/);
    expect(info.id).toMatch(/^005[a-zA-Z0-9]{15}$/);
    expect(conn.instanceUrl).toBe(sim.url);
    expect(conn.refreshToken).toBeUndefined();
  });

  it('rejects a wrong client secret with invalid_client', async () => {
    const sim = await startSim();
    const conn = new jsforce.Connection({ loginUrl: sim.url, version: '62.0', oauth2: { clientId: sim.clientId, clientSecret: 'nope', loginUrl: sim.url } });
    const err = await caught(conn.authorize({ grant_type: 'client_credentials' }));
    expect(err.name).toBe('invalid_client');
  });

  it('authorizes with a signed JWT bearer assertion for a seeded user', async () => {
    const sim = await startSim({ seed: { records: { User: [{ Username: 'sync@acme.example', LastName: 'Sync', Email: 'sync@acme.example' }] } } });
    const conn = new jsforce.Connection({ loginUrl: sim.url, version: '62.0', oauth2: { clientId: sim.clientId, loginUrl: sim.url } });
    const exp = Math.floor(Date.now() / 1000) + 300;
    const info = await conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: signJwt({ iss: sim.clientId, sub: 'sync@acme.example', aud: sim.url, exp }) });
    const userId = sim.records('User').find((u) => u.Username === 'sync@acme.example')?.Id;
    expect(info.id).toBe(userId);
    const unknown = await caught(conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: signJwt({ iss: sim.clientId, sub: 'who@else', aud: sim.url, exp }) }));
    expect(unknown.name).toBe('invalid_grant');
    const expired = await caught(conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: signJwt({ iss: sim.clientId, sub: 'sync@acme.example', aud: sim.url, exp: exp - 600 }) }));
    expect(expired.name).toBe('invalid_grant');
    expect(sim.counters().tokenRequests).toBe(3);
    expect(sim.counters().apiUsage.used).toBe(0);
  });
});

describe('query and search', () => {
  it("queries a name with an escaped quote (O\\'Brien)", async () => {
    const sim = await startSim({ seed: { records: { Contact: [{ FirstName: 'Pat', LastName: "O'Brien" }, { LastName: 'Other' }] } } });
    const conn = await authorized(sim);
    const res = await conn.query<{ Id: string; Name: string }>("SELECT Id, Name FROM Contact WHERE LastName = 'O\\'Brien'");
    expect(res.totalSize).toBe(1);
    expect(res.records[0]?.Name).toBe("Pat O'Brien");
    const err = await caught(conn.query("SELECT Id FROM Contact WHERE LastName = 'O'Brien'"));
    expect(err.errorCode).toBe('MALFORMED_QUERY');
    expect(err.message).toContain('ERROR at Row:1:Column:');
  });

  it('finds a contact by phone written in a different format with conn.search', async () => {
    const sim = await startSim({ seed: { records: { Contact: [{ FirstName: 'Pat', LastName: 'Lee', Phone: '(415) 555-0123' }, { LastName: 'Nope', Phone: '(415) 555-9999' }] } } });
    const conn = await authorized(sim);
    const res = await conn.search('FIND {\\+14155550123} IN PHONE FIELDS RETURNING Contact(Id, Name), Lead(Id, Name)');
    expect(res.searchRecords.map((r) => [r.attributes?.type, r.Name as unknown])).toEqual([['Contact', 'Pat Lee']]);
    const err = await caught(conn.search('FIND {+14155550123} IN PHONE FIELDS RETURNING Contact(Id)'));
    expect(err.errorCode).toBe('MALFORMED_SEARCH');
  });
});

describe('Task writes', () => {
  it('creates a call Task', async () => {
    const sim = await startSim({ seed: { records: { Contact: [{ LastName: 'Lee' }] } } });
    const conn = await authorized(sim);
    const contactId = sim.records('Contact')[0]?.Id as string;
    const res = await conn.sobject('Task').create({
      Subject: 'Call with Lee', TaskSubtype: 'Call', CallType: 'Inbound', CallDurationInSeconds: 312, Status: 'Completed',
      ActivityDate: '2026-01-15', WhoId: contactId, Description: 'AI summary',
    });
    expect(res).toMatchObject({ success: true, errors: [] });
    const fetched = await conn.sobject('Task').retrieve(res.id!);
    expect(fetched).toMatchObject({ Id: res.id, Subject: 'Call with Lee', TaskSubtype: 'Call', IsClosed: true, Priority: 'Normal', WhoId: contactId });
    expect(sim.counters().byKind).toMatchObject({ create: 1, retrieve: 1 });
  });

  it('creates via sObject Collections; one bad record fails alone when allOrNone is false', async () => {
    const sim = await startSim();
    const conn = await authorized(sim);
    const results = await conn.sobject('Task').create([{ Subject: 'a' }, { Subject: 'b', CallType: 'Sideways' }, { Subject: 'c' }]);
    expect(results.map((r) => r.success)).toEqual([true, false, true]);
    const failed = results[1] as unknown as { errors: Array<Record<string, unknown>> };
    expect(failed.errors[0]).toMatchObject({ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', fields: ['CallType'] });
    expect(sim.records('Task').map((t) => t.Subject).sort()).toEqual(['a', 'c']);
    expect(sim.counters().byKind['collections.create']).toBe(1);
  });

  it('rolls everything back with allOrNone', async () => {
    const sim = await startSim();
    const conn = await authorized(sim);
    const results = await conn.sobject('Task').create([{ Subject: 'a' }, { Subject: 'x'.repeat(256) }], { allOrNone: true });
    expect(results.map((r) => (r as unknown as { errors: Array<{ statusCode: string }> }).errors[0]?.statusCode)).toEqual(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'STRING_TOO_LONG']);
    expect(sim.records('Task')).toHaveLength(0);
  });

  it('upserts by external id: created true, then false', async () => {
    const sim = await startSim({ taskExternalIdField: EXT });
    const conn = await authorized(sim);
    const first = await conn.sobject('Task').upsert({ [EXT]: 'rc-call-1', Subject: 'first', TaskSubtype: 'Call' }, EXT);
    expect(first).toMatchObject({ success: true, created: true });
    const second = await conn.sobject('Task').upsert({ [EXT]: 'rc-call-1', Subject: 'second' }, EXT);
    expect(second).toMatchObject({ id: (first as { id: string }).id, success: true, created: false });
    const many = await conn.sobject('Task').upsert([{ [EXT]: 'rc-call-1', Subject: 'third' }, { [EXT]: 'rc-call-2', Subject: 'new' }], EXT);
    expect(many.map((r) => (r as { created?: boolean }).created)).toEqual([false, true]);
    expect(sim.records('Task').map((t) => t.Subject).sort()).toEqual(['new', 'third']);
    const notExt = await caught(conn.sobject('Task').upsert({ Subject: 'x' }, 'Subject'));
    expect(notExt.errorCode).toBe('INVALID_FIELD');
  });

  it('runs a composite request whose second subrequest references the first one', async () => {
    const sim = await startSim({ seed: { records: { Contact: [{ LastName: 'Lee' }] } } });
    const conn = await authorized(sim);
    const base = '/services/data/v62.0';
    const res = await conn.requestPost<{ compositeResponse: Array<{ body: unknown; httpStatusCode: number; referenceId: string }> }>('/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${base}/sobjects/Task`, referenceId: 'callTask', body: { Subject: 'Call', TaskSubtype: 'Call' } },
        { method: 'POST', url: `${base}/sobjects/Task`, referenceId: 'followUp', body: { Subject: 'Follow up on @{callTask.id}', Description: '@{callTask.id}' } },
        { method: 'GET', url: `${base}/sobjects/Task/@{callTask.id}?fields=Subject`, referenceId: 'readBack' },
      ],
    });
    expect(res.compositeResponse.map((r) => r.httpStatusCode)).toEqual([201, 201, 200]);
    const callId = (res.compositeResponse[0]?.body as { id: string }).id;
    expect(sim.records('Task').find((t) => t.Subject === `Follow up on ${callId}`)?.Description).toBe(callId);
    expect(res.compositeResponse[2]?.body).toMatchObject({ Id: callId, Subject: 'Call' });
    expect(sim.counters().byKind).toMatchObject({ composite: 1 });
    expect(sim.counters().total).toBe(1);
  });

  it('rejects STRING_TOO_LONG, TaskSubtype on update and WhatId with a Lead', async () => {
    const sim = await startSim({ seed: { records: { Lead: [{ LastName: 'Ray', Company: 'Acme' }], Account: [{ Name: 'Acme' }] } } });
    const conn = await authorized(sim);
    const tooLong = await caught(conn.sobject('Task').create({ Subject: 'x', Description: 'd'.repeat(32001) }));
    expect(tooLong.errorCode).toBe('STRING_TOO_LONG');
    expect(tooLong.name).toBe('STRING_TOO_LONG');
    expect(tooLong.message).toContain('(max length=32000)');
    const created = await conn.sobject('Task').create({ Subject: 'x', TaskSubtype: 'Call' });
    const subtype = await caught(conn.sobject('Task').update({ Id: created.id!, TaskSubtype: 'Task' }));
    expect(subtype.errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    const leadId = sim.records('Lead')[0]?.Id as string;
    const accountId = sim.records('Account')[0]?.Id as string;
    const lead = await caught(conn.sobject('Task').create({ Subject: 'x', WhoId: leadId, WhatId: accountId }));
    expect(lead.errorCode).toBe('FIELD_INTEGRITY_EXCEPTION');
  });
});

describe('limits, faults and sessions', () => {
  it('populates conn.limitInfo from Sforce-Limit-Info and answers /limits', async () => {
    const sim = await startSim({ apiLimit: 100 });
    const conn = await authorized(sim);
    await conn.query('SELECT Id FROM Contact');
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 1, limit: 100 } });
    const limits = await conn.limits();
    expect(limits.DailyApiRequests).toEqual({ Max: 100, Remaining: 98 });
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 2, limit: 100 } });
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the daily limit is used up', async () => {
    const sim = await startSim();
    const conn = await authorized(sim);
    sim.setApiUsage(500, 500);
    const err = await caught(conn.query('SELECT Id FROM Contact'));
    expect(err.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect(err.message).toBe('TotalRequests Limit exceeded.');
  });

  it('surfaces injected errors with Salesforce error codes', async () => {
    const sim = await startSim();
    const conn = await authorized(sim);
    sim.injectFault({ status: 400, method: 'POST', path: '/sobjects/Task', body: [{ message: 'Subject must mention the caller', errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: [] }] });
    const custom = await caught(conn.sobject('Task').create({ Subject: 'x' }));
    expect(custom.errorCode).toBe('FIELD_CUSTOM_VALIDATION_EXCEPTION');
    expect(custom.message).toBe('Subject must mention the caller');
    sim.injectFault({ status: 503, method: 'POST' });
    const unavailable = await caught(conn.sobject('Task').create({ Subject: 'x' }));
    expect(unavailable.errorCode).toBe('SERVER_UNAVAILABLE');
    sim.injectFault({ status: 503, method: 'POST', body: 'Service Unavailable' });
    const plain = await caught(conn.sobject('Task').create({ Subject: 'x' }));
    expect(plain.errorCode).toBe('ERROR_HTTP_503');
    expect(plain.message).toBe('Service Unavailable');
    sim.injectFault({ status: 0, method: 'POST', resetConnection: true });
    const reset = await caught(conn.sobject('Task').create({ Subject: 'x' }));
    expect(reset.message).toMatch(/fetch failed|socket|ECONNRESET/i);
    expect(sim.records('Task')).toHaveLength(0);
    expect(await conn.sobject('Task').create({ Subject: 'ok' })).toMatchObject({ success: true });
  });

  it('refreshes once on a 401 and replays the request', async () => {
    const sim = await startSim();
    const refresh = clientCredentialsRefresh(3);
    const conn = await authorized(sim, refresh.fn);
    sim.injectFault({ status: 401, path: '/query' });
    const res = await conn.query('SELECT Id FROM Contact');
    expect(res.totalSize).toBe(0);
    expect(refresh.calls()).toBe(1);
    expect(sim.counters().tokenRequests).toBe(2);
  });

  it('stops when refreshFn gives up while the server keeps answering 401', async () => {
    const sim = await startSim();
    const refresh = clientCredentialsRefresh(2);
    const conn = await authorized(sim, refresh.fn);
    sim.setAlways401(true);
    const err = await caught(conn.query('SELECT Id FROM Contact'));
    expect(err.message).toContain('Unable to refresh session due to: refresh budget of 2 exhausted');
    expect(refresh.calls()).toBe(3);
    sim.setAlways401(false);
  });

  it('answers 401 INVALID_SESSION_ID for an unknown token without a refresh delegate', async () => {
    const sim = await startSim();
    const conn = new jsforce.Connection({ instanceUrl: sim.url, accessToken: 'bogus', version: '62.0' });
    const err = await caught(conn.query('SELECT Id FROM Contact'));
    expect(err.errorCode).toBe('INVALID_SESSION_ID');
  });
});
