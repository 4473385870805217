/** Contract: wire-level details of the Salesforce simulator (status codes, headers, bodies) and its /_sim control API. */
import { afterEach, describe, expect, it } from 'vitest';
import { SalesforceSimulator, type SalesforceSimulatorOptions } from '../../src/simulators/salesforce/salesforce-simulator.ts';

const V = '/services/data/v62.0';
const sims: SalesforceSimulator[] = [];

afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

interface Client {
  sim: SalesforceSimulator;
  call: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number; body: unknown; headers: Headers }>;
}

async function client(opts: SalesforceSimulatorOptions = {}): Promise<Client> {
  const sim = await SalesforceSimulator.start(opts);
  sims.push(sim);
  const tok = await fetch(`${sim.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret }),
  });
  const { access_token: token } = (await tok.json()) as { access_token: string };
  const call: Client['call'] = async (method, path, body, headers = {}) => {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed: unknown = text === '' ? undefined : (res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text);
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return { sim, call };
}

describe('protocol basics', () => {
  it('lists versions, rejects unknown ones and marks every API response', async () => {
    const { sim, call } = await client();
    const versions = await (await fetch(`${sim.url}/services/data`)).json() as Array<{ version: string; url: string }>;
    expect(versions.map((v) => v.version)).toContain('62.0');
    expect(versions.find((v) => v.version === '62.0')?.url).toBe('/services/data/v62.0');
    expect((await call('GET', '/services/data/v20.0/limits')).body).toEqual([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    const res = await call('GET', `${V}/query?q=${encodeURIComponent('SELECT Id FROM Task')}`);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(res.headers.get('sforce-limit-info')).toBe('api-usage=1/15000');
    expect(res.body).toEqual({ totalSize: 0, done: true, records: [] });
  });

  it('answers 401 INVALID_SESSION_ID for missing, unknown and expired tokens', async () => {
    const { sim } = await client({ tokenTtlSeconds: 0 });
    const expect401 = async (headers: Record<string, string>) => {
      const res = await fetch(`${sim.url}${V}/limits`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    };
    await expect401({});
    await expect401({ authorization: 'Bearer nope' });
    const tok = await fetch(`${sim.url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sim.clientId, client_secret: sim.clientSecret }) });
    await expect401({ authorization: `Bearer ${((await tok.json()) as { access_token: string }).access_token}` });
    const bad = await fetch(`${sim.url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });

  it('issues refresh tokens for the password grant and accepts them', async () => {
    const { sim } = await client({ seed: { records: { User: [{ Username: 'ops@acme.example', LastName: 'Ops', Email: 'ops@acme.example' }] } } });
    const post = (form: Record<string, string>) => fetch(`${sim.url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams(form) }).then((r) => r.json() as Promise<Record<string, string>>);
    const pw = await post({ grant_type: 'password', username: 'ops@acme.example', password: 'x', client_id: sim.clientId, client_secret: sim.clientSecret });
    expect(pw).toMatchObject({ token_type: 'Bearer', instance_url: sim.url, scope: expect.stringContaining('api') as string });
    expect(pw.refresh_token).toBeTruthy();
    const refreshed = await post({ grant_type: 'refresh_token', refresh_token: pw.refresh_token!, client_id: sim.clientId });
    expect(refreshed.access_token).toBeTruthy();
    expect(refreshed.id).toBe(pw.id);
  });
});

describe('sObject resources', () => {
  it('creates, reads, updates, deletes with Salesforce statuses and errors', async () => {
    const { call } = await client();
    const created = await call('POST', `${V}/sobjects/Task`, { Subject: 'Call' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^00T\w{15}$/) as string, success: true, errors: [] });
    const { id } = created.body as { id: string };
    const got = await call('GET', `${V}/sobjects/Task/${id}?fields=Subject,Status`);
    expect(got.body).toEqual({ attributes: { type: 'Task', url: `${V}/sobjects/Task/${id}` }, Subject: 'Call', Status: 'Not Started', Id: id });
    expect((await call('PATCH', `${V}/sobjects/Task/${id}`, { Status: 'Completed' })).status).toBe(204);
    expect((await call('GET', `${V}/sobjects/Task/${id}`)).body).toMatchObject({ IsClosed: true, CreatedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/) as string });
    expect((await call('DELETE', `${V}/sobjects/Task/${id}`)).status).toBe(204);
    expect(await call('GET', `${V}/sobjects/Task/${id}`)).toMatchObject({ status: 404, body: [{ errorCode: 'ENTITY_IS_DELETED' }] });
    expect(await call('GET', `${V}/sobjects/Task/00T000000000000EAA`)).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] });
    expect(await call('GET', `${V}/sobjects/Foo/00T000000000000EAA`)).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
    expect(await call('PUT', `${V}/sobjects/Task/${id}`, {})).toMatchObject({ status: 405, body: [{ errorCode: 'METHOD_NOT_ALLOWED' }] });
    expect(await call('POST', `${V}/sobjects/Task`, '{"Subject": ')).toMatchObject({ status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR' }] });
    expect(await call('POST', `${V}/sobjects/Task`, { Foo__c: 1 })).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_FIELD', message: "No such column 'Foo__c' on sObject of type Task" }] });
  });

  it('upserts with 201/200 and answers 300 when the external id matches several records', async () => {
    const ext = 'RingSense_Call_Id__c';
    const { call, sim } = await client({ taskExternalIdField: ext, seed: { records: { Task: [{ Subject: 'a', [ext]: 'dup' }, { Subject: 'b', [ext]: 'dup' }] } } });
    const created = await call('PATCH', `${V}/sobjects/Task/${ext}/${encodeURIComponent('rc/1 2')}`, { Subject: 'x' });
    expect(created).toMatchObject({ status: 201, body: { success: true, created: true } });
    expect(await call('PATCH', `${V}/sobjects/Task/${ext}/${encodeURIComponent('rc/1 2')}`, { Subject: 'y' })).toMatchObject({ status: 200, body: { id: (created.body as { id: string }).id, created: false } });
    expect((await call('PATCH', `/services/data/v45.0/sobjects/Task/${ext}/${encodeURIComponent('rc/1 2')}`, { Subject: 'z' })).status).toBe(204);
    expect(sim.records('Task').find((t) => t[ext] === 'rc/1 2')?.Subject).toBe('z');
    const multi = await call('PATCH', `${V}/sobjects/Task/${ext}/dup`, { Subject: 'c' });
    expect(multi.status).toBe(300);
    expect(multi.body).toHaveLength(2);
    expect(await call('PATCH', `${V}/sobjects/Task/Nope__c/1`, {})).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
  });

  it('describes Task with realistic field metadata', async () => {
    const { call } = await client({ taskExternalIdField: 'RingSense_Call_Id__c' });
    const body = (await call('GET', `${V}/sobjects/Task/describe`)).body as { fields: Array<Record<string, unknown>> };
    const field = (n: string) => body.fields.find((f) => f.name === n);
    expect(body).toMatchObject({ name: 'Task', keyPrefix: '00T' });
    expect(field('Description')).toMatchObject({ type: 'textarea', length: 32000, createable: true, updateable: true });
    expect(field('TaskSubtype')).toMatchObject({ type: 'picklist', createable: true, updateable: false, restrictedPicklist: true });
    expect(field('CallType')).toMatchObject({ restrictedPicklist: true, picklistValues: [{ value: 'Inbound' }, { value: 'Internal' }, { value: 'Outbound' }] });
    expect(field('Status')).toMatchObject({ nillable: false, defaultValue: 'Not Started' });
    expect(field('WhoId')).toMatchObject({ type: 'reference', referenceTo: ['Contact', 'Lead'], relationshipName: 'Who' });
    expect(field('AccountId')).toMatchObject({ createable: false, updateable: false });
    expect(field('RingSense_Call_Id__c')).toMatchObject({ externalId: true, unique: true, length: 255, custom: true });
  });
});

describe('collections, composite and paging', () => {
  it('deletes and retrieves via collections; more than 200 records is EXCEEDED_ID_LIMIT', async () => {
    const { call } = await client({ seed: { records: { Contact: [{ LastName: 'A' }, { LastName: 'B' }] } } });
    const page = (await call('GET', `${V}/query?q=${encodeURIComponent('SELECT Id FROM Contact ORDER BY LastName')}`)).body as { records: Array<{ Id: string }> };
    const ids = page.records.map((r) => r.Id);
    const got = await call('GET', `${V}/composite/sobjects/Contact?ids=${ids.join(',')},003000000000000AAA&fields=LastName`);
    expect((got.body as Array<{ LastName?: string } | null>).map((r) => r?.LastName ?? null)).toEqual(['A', 'B', null]);
    const del = await call('DELETE', `${V}/composite/sobjects?ids=${ids[0]},bogus`);
    expect(del.body).toEqual([{ id: ids[0], success: true, errors: [] }, { id: 'bogus', success: false, errors: [{ statusCode: 'MALFORMED_ID', message: 'malformed id bogus', fields: [] }] }]);
    const all = await call('GET', `${V}/queryAll?q=${encodeURIComponent('SELECT Id, IsDeleted FROM Contact WHERE IsDeleted = true')}`);
    expect(all.body).toMatchObject({ totalSize: 1 });
    const tooMany = await call('POST', `${V}/composite/sobjects`, { records: Array.from({ length: 201 }, () => ({ attributes: { type: 'Task' }, Subject: 'x' })) });
    expect(tooMany).toMatchObject({ status: 400, body: [{ errorCode: 'EXCEEDED_ID_LIMIT' }] });
  });

  it('rolls back a composite request with allOrNone and reports PROCESSING_HALTED', async () => {
    const { call, sim } = await client();
    const res = await call('POST', `${V}/composite`, {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Task`, referenceId: 'ok', body: { Subject: 'fine' } },
        { method: 'POST', url: `${V}/sobjects/Task`, referenceId: 'bad', body: { CallType: 'Nope' } },
        { method: 'PATCH', url: `${V}/sobjects/Task/@{ok.id}`, referenceId: 'later', body: { Subject: 'x' } },
      ],
    });
    expect(res.status).toBe(200);
    const composite = res.body as { compositeResponse: Array<{ httpStatusCode: number; body: Array<{ errorCode: string }> }> };
    expect(composite.compositeResponse.map((r) => [r.httpStatusCode, r.body[0]?.errorCode]))
      .toEqual([[400, 'PROCESSING_HALTED'], [400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'], [400, 'PROCESSING_HALTED']]);
    expect(sim.records('Task')).toHaveLength(0);
    const tooMany = await call('POST', `${V}/composite`, { compositeRequest: Array.from({ length: 26 }, (_, i) => ({ method: 'GET', url: `${V}/limits`, referenceId: `r${i}` })) });
    expect(tooMany.status).toBe(400);
    expect(sim.counters().byKind.composite).toBe(2);
  });

  it('runs composite graphs all-or-nothing per graph', async () => {
    const { call, sim } = await client();
    const res = await call('POST', `${V}/composite/graph`, { graphs: [
      { graphId: 'g1', compositeRequest: [{ method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'acct', body: { Name: 'Acme' } },
        { method: 'POST', url: `${V}/sobjects/Task`, referenceId: 't', body: { Subject: 'x', WhatId: '@{acct.id}' } }] },
      { graphId: 'g2', compositeRequest: [{ method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'a2', body: { Name: 'Gone' } },
        { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'c2', body: { FirstName: 'No last name' } }] },
    ] });
    const { graphs } = res.body as { graphs: Array<{ graphId: string; isSuccessful: boolean }> };
    expect(graphs.map((g) => [g.graphId, g.isSuccessful])).toEqual([['g1', true], ['g2', false]]);
    expect(sim.records('Account').map((a) => a.Name)).toEqual(['Acme']);
    expect(sim.records('Task')[0]?.AccountId).toBe(sim.records('Account')[0]?.Id);
  });

  it('stops processing a graph payload after 14 failed graphs, and runs only sObject nodes', async () => {
    const { call, sim } = await client();
    const graph = (i: number, lastName: string | undefined) => ({ graphId: `g${i}`, compositeRequest: [{ method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'c', body: { FirstName: `F${i}`, LastName: lastName } }] });
    const res = await call('POST', `${V}/composite/graph`, { graphs: [
      ...Array.from({ length: 15 }, (_, i) => graph(i, undefined)), // each refused: LastName is required
      graph(15, 'Never written'),
    ] });
    const { graphs } = res.body as { graphs: Array<{ graphId: string; isSuccessful: boolean; graphResponse: { compositeResponse: Array<{ body: Array<{ errorCode: string }> }> } }> };
    expect(graphs.filter((g) => !g.isSuccessful)).toHaveLength(16);
    expect(graphs[14]?.graphResponse.compositeResponse[0]?.body[0]?.errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(graphs[15]?.graphResponse.compositeResponse[0]?.body[0]?.errorCode).toBe('PROCESSING_HALTED');
    expect(sim.records('Contact')).toHaveLength(0);
    const query = await call('POST', `${V}/composite/graph`, { graphs: [{ graphId: 'q', compositeRequest: [{ method: 'GET', url: `${V}/query?q=SELECT+Id+FROM+Contact`, referenceId: 'q' }] }] });
    expect(query.status).toBe(400);
    expect(JSON.stringify(query.body)).toContain('only sObject requests');
  });

  it('pages query results with nextRecordsUrl and Sforce-Query-Options batchSize', async () => {
    const { call, sim } = await client();
    sim.seed({ records: { Lead: Array.from({ length: 250 }, (_, i) => ({ LastName: `L${i}`, Company: 'Acme' })) } });
    const first = await call('GET', `${V}/query?q=${encodeURIComponent('SELECT Id FROM Lead')}`, undefined, { 'Sforce-Query-Options': 'batchSize=200' });
    const page1 = first.body as { totalSize: number; done: boolean; nextRecordsUrl: string; records: unknown[] };
    expect(page1).toMatchObject({ totalSize: 250, done: false });
    expect(page1.records).toHaveLength(200);
    const page2 = (await call('GET', page1.nextRecordsUrl)).body as { totalSize: number; done: boolean; records: unknown[] };
    expect(page2).toMatchObject({ totalSize: 250, done: true });
    expect(page2.records).toHaveLength(50);
  });

  it('accepts /search/ with a trailing slash', async () => {
    const { call } = await client({ seed: { records: { Account: [{ Name: 'Acme Widgets' }] } } });
    const res = await call('GET', `${V}/search/?q=${encodeURIComponent('FIND {acme} RETURNING Account(Name)')}`);
    expect(res.body).toEqual({ searchRecords: [{ attributes: { type: 'Account', url: expect.stringContaining('/sobjects/Account/') as string }, Name: 'Acme Widgets' }] });
  });
});

describe('/_sim control API', () => {
  it('drives seeding, faults, usage, 401s and counters over HTTP without counting as API calls', async () => {
    const { call, sim } = await client();
    const ctl = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sim.url}/_sim/${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
      const parsed: unknown = res.status === 204 ? undefined : await res.json();
      return { status: res.status, body: parsed };
    };
    const seeded = (await ctl('POST', 'seed', { records: { Contact: [{ LastName: 'Lee', Phone: '555' }] } })).body as { Contact: string[] };
    expect(seeded.Contact).toHaveLength(1);
    expect((await ctl('GET', 'records/Contact')).body).toMatchObject([{ LastName: 'Lee', Id: seeded.Contact[0] }]);
    await ctl('POST', 'faults', { status: 503, method: 'POST', path: '/sobjects/Task', count: 2 });
    expect((await call('POST', `${V}/sobjects/Task`, { Subject: 'x' })).body).toEqual([{ message: 'Server unavailable', errorCode: 'SERVER_UNAVAILABLE' }]);
    await ctl('DELETE', 'faults');
    expect((await call('POST', `${V}/sobjects/Task`, { Subject: 'x' })).status).toBe(201);
    await ctl('POST', 'always401', { on: true });
    expect((await call('GET', `${V}/limits`)).status).toBe(401);
    await ctl('POST', 'always401', { on: false });
    await ctl('POST', 'latency', { ms: 5 });
    await ctl('POST', 'api-usage', { used: 10, limit: 11 });
    expect((await call('GET', `${V}/limits`)).headers.get('sforce-limit-info')).toBe('api-usage=11/11');
    expect(await call('GET', `${V}/limits`)).toMatchObject({ status: 403, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED' }] });
    const counters = (await ctl('GET', 'counters')).body;
    expect(counters).toMatchObject({ total: 2, byKind: { create: 1, limits: 1 }, tokenRequests: 1, apiUsage: { used: 11, limit: 11 } });
    await ctl('POST', 'counters/reset');
    expect((await ctl('GET', 'counters')).body).toMatchObject({ total: 0, byKind: {}, tokenRequests: 0 });
    expect((await ctl('POST', 'latency', { ms: 'slow' })).status).toBe(400);
  });
});
