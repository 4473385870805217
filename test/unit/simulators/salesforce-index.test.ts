/**
 * The simulator's equality indexes must be invisible: every query answers exactly what a scan of the whole
 * table answers, in the same order, however the records got there (create, update, upsert, delete, an
 * all-or-none rollback).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createOrg, type SimOrg } from '../../../src/simulators/salesforce/org.ts';
import { parseSoql } from '../../../src/simulators/salesforce/soql-parser.ts';
import { sfError } from '../../support/sf-error.ts';

let org: SimOrg;
const ctx = () => ({ userId: org.integrationUserId });

/** The query through the index (the production path) and through a full scan of the table. */
function both(soql: string, includeDeleted = false): { indexed: unknown[]; scanned: unknown[] } {
  const parsed = parseSoql(soql);
  const obj = org.engine.object(soql, parsed.from.name, parsed.from.pos);
  const ids = (rows: Array<Record<string, unknown>>) => rows.map((r) => r.Id);
  return {
    indexed: ids(org.engine.selectFromTable(soql, obj, parsed, includeDeleted)),
    scanned: ids(org.engine.select(soql, obj, org.store.all(obj.name, includeDeleted), parsed)),
  };
}

function expectSame(soql: string, includeDeleted = false): unknown[] {
  const { indexed, scanned } = both(soql, includeDeleted);
  expect(indexed).toEqual(scanned);
  return indexed;
}

const QUERIES = [
  "SELECT Id FROM Task WHERE CallObject = 'call-1'",
  "SELECT Id FROM Task WHERE CallObject = 'CALL-1'",
  "SELECT Id FROM Task WHERE CallObject IN ('call-1', 'call-2:step:1', 'nope')",
  "SELECT Id FROM Task WHERE CallObject = null",
  "SELECT Id FROM Task WHERE Status = 'Completed' AND CallObject IN ('call-1', 'call-3')",
  "SELECT Id FROM Task WHERE IsClosed = false AND CallObject LIKE 'call-%'",
  "SELECT Id FROM Task WHERE CallObject = 'call-1' OR CallObject = 'call-2'",
  "SELECT Id FROM Task WHERE CallObject != 'call-1'",
  "SELECT Id FROM Task WHERE CallObject NOT IN ('call-1')",
  "SELECT Id FROM Task WHERE IsClosed = true",
  "SELECT Id FROM Task WHERE CallObject IN ('call-1', 'call-2') ORDER BY CallObject DESC LIMIT 2",
];

beforeEach(() => {
  org = createOrg();
  const task = org.dml.objectOrNotFound('Task');
  for (let i = 1; i <= 4; i++) {
    org.dml.create(task, { Subject: `Call ${i}`, Status: 'Completed', CallObject: `call-${i}` }, ctx());
    org.dml.create(task, { Subject: `Step ${i}`, Status: 'Not Started', CallObject: `call-${i}:step:1` }, ctx());
  }
  org.dml.create(task, { Subject: 'No key', Status: 'Not Started' }, ctx());
  org.dml.create(task, { Subject: 'Same key again', Status: 'Completed', CallObject: 'Call-1' }, ctx());
});

describe('equality indexes in the Salesforce simulator', () => {
  it('answers as a full scan does, in table order', () => {
    for (const soql of QUERIES) expectSame(soql);
    // Case-insensitive text, both rows with the key, in the order they were created.
    const rows = expectSame("SELECT Id FROM Task WHERE CallObject = 'CALL-1'");
    expect(rows).toHaveLength(2);
  });

  it('follows updates, deletes and undeleted reads', () => {
    const task = org.dml.objectOrNotFound('Task');
    for (const soql of QUERIES) expectSame(soql); // builds the indexes
    const [first] = both("SELECT Id FROM Task WHERE CallObject = 'call-2'").indexed as string[];
    org.dml.update(task, first!, { CallObject: 'call-9', Status: 'Not Started' }, ctx());
    expect(expectSame("SELECT Id FROM Task WHERE CallObject = 'call-2'")).toEqual([]);
    expect(expectSame("SELECT Id FROM Task WHERE CallObject = 'call-9'")).toEqual([first]);
    const [third] = both("SELECT Id FROM Task WHERE CallObject = 'call-3'").indexed as string[];
    org.dml.remove(task, third!);
    expect(expectSame("SELECT Id FROM Task WHERE CallObject = 'call-3'")).toEqual([]);
    expect(expectSame("SELECT Id FROM Task WHERE CallObject = 'call-3'", true)).toEqual([third]);
    for (const soql of QUERIES) {
      expectSame(soql);
      expectSame(soql, true);
    }
  });

  it('finds an upsert target by external id after the key was changed by an update', () => {
    const task = org.dml.objectOrNotFound('Task');
    const [id] = both("SELECT Id FROM Task WHERE CallObject = 'call-4'").indexed as string[];
    org.dml.update(task, id!, { CallObject: 'renamed' }, ctx());
    org.dml.remove(task, (both("SELECT Id FROM Task WHERE CallObject = 'call-4:step:1'").indexed as string[])[0]!);
    expect(org.dml.matchExternal(task, 'CallObject', 'RENAMED').map((r) => r.Id)).toEqual([id]);
    expect(org.dml.matchExternal(task, 'CallObject', 'call-4')).toEqual([]);
    expect(org.dml.matchExternal(task, 'CallObject', 'call-4:step:1')).toEqual([]);
  });

  it('forgets the records an all-or-none rollback removed, and still sees the ones before it', () => {
    const task = org.dml.objectOrNotFound('Task');
    expectSame("SELECT Id FROM Task WHERE CallObject = 'call-5'");
    const [changed] = both("SELECT Id FROM Task WHERE CallObject = 'call-2'").indexed as string[];
    const tx = org.store.begin();
    org.dml.create(task, { Subject: 'Rolled back', Status: 'Completed', CallObject: 'call-5' }, ctx());
    org.dml.update(task, changed!, { CallObject: 'call-6' }, ctx());
    expect(expectSame("SELECT Id FROM Task WHERE CallObject = 'call-5'")).toHaveLength(1);
    expect(expectSame("SELECT Id FROM Task WHERE CallObject = 'call-6'")).toEqual([changed]);
    org.store.rollback(tx);
    expect(expectSame("SELECT Id FROM Task WHERE CallObject = 'call-5'")).toEqual([]);
    expect(expectSame("SELECT Id FROM Task WHERE CallObject = 'call-6'")).toEqual([]);
    expect(expectSame("SELECT Id FROM Task WHERE CallObject = 'call-2'")).toEqual([changed]);
    for (const soql of QUERIES) expectSame(soql);
    // After the rollback, updates are seen through the index (the restored rows are the before-images).
    const [id] = both("SELECT Id FROM Task WHERE CallObject = 'call-1'").indexed as string[];
    org.dml.update(task, id!, { CallObject: 'call-7' }, ctx());
    expect(expectSame("SELECT Id FROM Task WHERE CallObject = 'call-7'")).toEqual([id]);
  });

  it('rolls back nested transactions: an inner commit joins the outer one, an inner rollback keeps the outer changes', () => {
    const task = org.dml.objectOrNotFound('Task');
    const [one] = both("SELECT Id FROM Task WHERE CallObject = 'call-3'").indexed as string[];
    const [two] = both("SELECT Id FROM Task WHERE CallObject = 'call-4'").indexed as string[];
    const outer = org.store.begin();
    org.dml.update(task, one!, { Subject: 'Outer' }, ctx());
    const committed = org.store.begin();
    org.dml.update(task, one!, { Subject: 'Inner' }, ctx());
    org.dml.remove(task, two!);
    org.store.commit(committed);
    const discarded = org.store.begin();
    const created = org.dml.create(task, { Subject: 'Gone', Status: 'Completed', CallObject: 'call-9' }, ctx());
    org.store.rollback(discarded);
    expect(org.store.get('Task', created)).toBeUndefined();
    expect(org.store.get('Task', one!)?.Subject).toBe('Inner');
    org.store.rollback(outer);
    expect(org.store.get('Task', one!)?.Subject).toBe('Call 3');
    expect(org.store.get('Task', two!)?.IsDeleted).toBe(false);
    for (const soql of QUERIES) expectSame(soql);
  });

  it('refuses a change to a stored record inside a transaction that was not announced, so no rollback can miss one', () => {
    const [id] = both("SELECT Id FROM Task WHERE CallObject = 'call-1'").indexed as string[];
    const rec = org.store.get('Task', id!)!;
    const tx = org.store.begin();
    rec.Subject = 'Sneaky';
    expect(() => org.store.put('Task', rec)).toThrow(/without willChange/);
    org.store.rollback(tx);
  });

  it('still rejects a duplicate on a unique field, case-insensitively, and allows a record to keep its own value', () => {
    const user = org.dml.objectOrNotFound('User');
    const id = org.dml.create(user, { Username: 'a@x.test', LastName: 'A', Alias: 'a', Email: 'a@x.test' }, ctx());
    const err = sfError(() => org.dml.create(user, { Username: 'A@X.TEST', LastName: 'B', Alias: 'b', Email: 'b@x.test' }, ctx()));
    expect(err.errorCode).toBe('DUPLICATE_VALUE');
    expect(err.message).toContain(id);
    org.dml.update(user, id, { Username: 'a@x.test', LastName: 'A2' }, ctx());
    org.dml.update(user, id, { Username: 'renamed@x.test' }, ctx());
    // The old name is free once the record moved off it.
    expect(() => org.dml.create(user, { Username: 'a@x.test', LastName: 'C', Alias: 'c', Email: 'c@x.test' }, ctx())).not.toThrow();
  });

  it('validates the whole WHERE before using an index', () => {
    const err = sfError(() => org.queries.run("SELECT Id FROM Task WHERE CallObject = 'call-1' AND Nope__c = 'x'", { includeDeleted: false, batchSize: 2000, version: '62.0' }));
    expect(err.errorCode).toBe('INVALID_FIELD');
  });
});
