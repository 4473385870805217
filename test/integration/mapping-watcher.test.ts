/**
 * Live reload of the mapping file with real files in a temporary directory and the real fs.watch: a valid edit
 * becomes a new snapshot, an invalid one is refused (logged whole) and the old mapping stays, an editor's
 * rename-over and a brief absence are handled. Every wait is for a callback or a log line, never a fixed sleep.
 */
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import type { MappingSnapshot } from '../../src/config/load-mapping.ts';
import { parseMapping } from '../../src/config/load-mapping.ts';
import { EMPTY_MAPPING_REFUSED, restartOnlyChanges, watchMapping, type MappingWatch } from '../../src/config/mapping-watcher.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { waitFor } from '../support/pipeline.ts';

const JOHN = '005Dm0000000001IAA';
const MARIA = '005Dm0000000002IAA';
const yamlFor = (users: Record<string, string>): string =>
  `users:\n${Object.entries(users).map(([ext, id]) => `  "${ext}": { salesforceUserId: "${id}" }`).join('\n')}\n`;
const INVALID = 'users:\n  "62288320001": { salesforceUserId: "not-an-id" }\nfollowUps:\n  enabeld: true\n';

interface Harness {
  file: string;
  changes: MappingSnapshot[];
  errors: ConfigError[];
  logs: Array<Record<string, unknown>>;
  logged(message: string): Array<Record<string, unknown>>;
  /** The mapping a service would use: the last valid snapshot. */
  current(): MappingSnapshot;
  watch: MappingWatch;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function setup(opts: { missingGraceMs?: number; file?: string } = {}): Harness {
  let file = opts.file;
  if (!file) {
    const dir = mkdtempSync(join(tmpdir(), 'mapping-watch-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    file = join(dir, 'mapping.yaml');
    writeFileSync(file, yamlFor({ '62288320001': JOHN }));
  }
  let current = parseMapping(yamlFor({ '62288320001': JOHN }), file);
  const logs: Array<Record<string, unknown>> = [];
  const stream = new PassThrough();
  stream.on('data', (d: Buffer) => d.toString().split('\n').filter(Boolean).forEach((l) => logs.push(JSON.parse(l) as Record<string, unknown>)));
  const logger = createLogger({ level: 'debug', format: 'json', stream });
  const changes: MappingSnapshot[] = [];
  const errors: ConfigError[] = [];
  const watch = watchMapping(file, {
    logger,
    debounceMs: 30,
    pollIntervalMs: 0,
    ...(opts.missingGraceMs !== undefined ? { missingGraceMs: opts.missingGraceMs } : {}),
    onChange: (s) => {
      changes.push(s);
      current = s;
    },
    onError: (e) => errors.push(e),
  });
  cleanups.push(() => watch.close());
  return { file, changes, errors, logs, logged: (m) => logs.filter((l) => l.message === m), current: () => current, watch };
}

describe('watchMapping', () => {
  it('a valid edit becomes a new, frozen snapshot; rewriting the same text changes nothing', async () => {
    const h = setup();
    writeFileSync(h.file, yamlFor({ '62288320001': JOHN, '62288320002': MARIA }));
    await waitFor(() => h.changes.length === 1, 10_000, 'onChange');
    expect(Object.keys(h.current().mapping.users)).toEqual(['62288320001', '62288320002']);
    expect(Object.isFrozen(h.current().mapping.users)).toBe(true);
    expect(h.logged('mapping_reloaded')).toEqual([expect.objectContaining({ level: 'info', users: 2 })]);

    const checks = h.logged('mapping_unchanged').length;
    writeFileSync(h.file, yamlFor({ '62288320001': JOHN, '62288320002': MARIA }));
    await waitFor(() => h.logged('mapping_unchanged').length > checks, 10_000, 'the re-read of the same text');
    expect(h.changes).toHaveLength(1);
    expect(h.errors).toEqual([]);
  });

  it('an invalid file is refused with every problem logged; the old mapping stays until a valid one comes', async () => {
    const h = setup();
    const before = h.current();
    writeFileSync(h.file, INVALID);
    await waitFor(() => h.errors.length === 1, 10_000, 'onError');
    expect(h.errors[0]).toBeInstanceOf(ConfigError);
    expect(h.errors[0]!.problems.map((p) => [p.where, p.line])).toEqual([
      ['users."62288320001".salesforceUserId', 2],
      ['followUps.enabeld', 4],
    ]);
    expect(h.changes).toEqual([]);
    expect(h.current()).toBe(before);
    const [refused] = h.logged('mapping_reload_refused');
    expect(refused).toMatchObject({ level: 'error', file: h.file });
    expect(refused!.problems).toEqual(h.errors[0]!.problems.map((p) => ({ ...p })));
    expect(String(refused!.detail)).toContain('unknown key "enabeld"; did you mean "enabled"?');

    writeFileSync(h.file, yamlFor({ '62288320002': MARIA }));
    await waitFor(() => h.changes.length === 1, 10_000, 'onChange after the fix');
    expect(Object.keys(h.current().mapping.users)).toEqual(['62288320002']);
    expect(h.errors).toHaveLength(1);
  });

  it('an empty or comment-only file is refused, the old mapping kept and the reason logged; so are binary and oversized files', async () => {
    const h = setup();
    const before = h.current();
    writeFileSync(h.file, '');
    await waitFor(() => h.errors.length === 1, 10_000, 'the empty file to be refused');
    expect(h.errors[0]!.problems).toEqual([{ where: 'file', message: EMPTY_MAPPING_REFUSED }]);
    expect(h.logged('mapping_reload_refused')[0]).toMatchObject({ level: 'error', keeping: 'the previous mapping', detail: expect.stringContaining('empty or only comments') });
    writeFileSync(h.file, '# users:\n#   "62288320001": { salesforceUserId: "005Dm0000000001IAA" }\n');
    await waitFor(() => h.errors.length === 2, 10_000, 'the comment-only file to be refused');
    expect(h.errors[1]!.problems[0]?.message).toBe(EMPTY_MAPPING_REFUSED);

    writeFileSync(h.file, Buffer.concat([Buffer.from('users: secret-token-xyz'), Buffer.from([0, 0, 0xff])]));
    await waitFor(() => h.errors.length === 3, 10_000, 'the binary file to be refused');
    expect(h.errors[2]!.problems[0]?.message).toContain('NUL bytes');
    writeFileSync(h.file, `# ${'x'.repeat(1024 * 1024)}\nusers: {}\n`);
    await waitFor(() => h.errors.length === 4, 10_000, 'the oversized file to be refused');
    expect(h.errors[3]!.problems[0]?.message).toContain('at most 1 MB');
    expect(JSON.stringify(h.logs)).not.toContain('secret-token-xyz');
    expect(h.changes).toEqual([]);
    expect(h.current()).toBe(before);

    // Saying it on purpose is accepted.
    writeFileSync(h.file, 'users: {}\n');
    await waitFor(() => h.changes.length === 1, 10_000, 'the explicit empty mapping');
    expect(h.current().mapping.users).toEqual({});
  });

  it("an editor's save (write a temporary file, rename it over the mapping) is picked up, again and again", async () => {
    const h = setup();
    const saves: Array<Record<string, string>> = [{ '62288320002': MARIA }, { '62288320003': JOHN }];
    for (const [i, users] of saves.entries()) {
      const tmp = join(h.file, '..', `.mapping.yaml.${i}.swp`);
      writeFileSync(tmp, yamlFor(users));
      renameSync(tmp, h.file);
      await waitFor(() => h.changes.length === i + 1, 10_000, `rename-over ${i + 1}`);
      expect(Object.keys(h.current().mapping.users)).toEqual(Object.keys(users));
    }
    expect(h.errors).toEqual([]);
  });

  it('a file absent for a moment is not an error; one that stays away is reported once and the old mapping kept', async () => {
    const h = setup({ missingGraceMs: 400 });
    unlinkSync(h.file);
    await waitFor(() => h.logged('mapping_file_absent').length > 0, 10_000, 'the absence to be seen');
    writeFileSync(h.file, yamlFor({ '62288320002': MARIA }));
    await waitFor(() => h.changes.length === 1, 10_000, 'the file to be back');
    expect(h.errors).toEqual([]);

    const before = h.current();
    unlinkSync(h.file);
    await waitFor(() => h.errors.length === 1, 10_000, 'the absence to be reported');
    expect(h.errors[0]!.problems[0]).toMatchObject({ where: 'file', message: expect.stringContaining('file not found') });
    expect(h.current()).toBe(before);
    writeFileSync(h.file, yamlFor({ '62288320001': JOHN }));
    await waitFor(() => h.changes.length === 2, 10_000, 'the file to come back');
    expect(h.errors).toHaveLength(1);
  });

  it('close() stops it: later edits are not reported', async () => {
    const h = setup();
    // A second watcher on the same file sees the edit; the closed one stays silent.
    const other = setup({ file: h.file });
    h.watch.close();
    writeFileSync(h.file, INVALID);
    await waitFor(() => other.errors.length === 1, 10_000, 'the other watcher');
    expect(h.errors).toEqual([]);
    expect(h.changes).toEqual([]);
  });

  it('says which settings a reload cannot change', () => {
    const a = parseMapping('users: {}\n', 'm.yaml');
    const b = parseMapping('salesforce:\n  externalIdField: RingSense_Call_Id__c\n', 'm.yaml');
    expect(restartOnlyChanges(a, a)).toEqual([]);
    expect(restartOnlyChanges(a, b)).toEqual(['salesforce.externalIdField']);
  });
});
