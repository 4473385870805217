import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMapping } from '../../../src/config/load-mapping.ts';
import { MAX_MAPPING_BYTES, readMappingFile } from '../../../src/config/mapping-file.ts';
import { problemsOf } from '../../support/config-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'mapping-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const SECRET = 'sk_live_DO_NOT_PRINT';

describe('reading the mapping file', () => {
  it('reads UTF-8 text (with or without a byte-order mark)', () => {
    const text = 'contacts:\n  byName:\n    "René Müller": { ignore: true }\n';
    expect(readMappingFile(file('ok.yaml', text))).toEqual({ kind: 'text', text });
    const bom = loadMapping(file('bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])));
    expect(bom.mapping.contacts.byName).toEqual({ 'René Müller': { ignore: true } });
  });

  it('refuses a file over 1 MB without reading it', () => {
    const big = file('big.yaml', `# ${'x'.repeat(MAX_MAPPING_BYTES)}\n`);
    const err = problemsOf(() => loadMapping(big));
    expect(err.problems).toEqual([{ where: 'file', message: 'the file is 1,048,579 bytes; a mapping file may be at most 1 MB (1,048,576 bytes)' }]);
    expect(readMappingFile(file('limit.yaml', `#${'x'.repeat(MAX_MAPPING_BYTES - 2)}\n`)).kind).toBe('text');
  });

  it('refuses a binary file (NUL bytes) and never prints its bytes', () => {
    const bin = file('bin.yaml', Buffer.concat([Buffer.from(`users: ${SECRET}`), Buffer.from([0, 1, 2, 0xff])]));
    const err = problemsOf(() => loadMapping(bin));
    expect(err.problems).toEqual([{ where: 'file', message: expect.stringContaining('contains NUL bytes: it is a binary file, not YAML text') }]);
    expect(err.message).not.toContain(SECRET);
  });

  it('refuses text in another encoding, naming the first line that is not UTF-8, and UTF-16', () => {
    // "Müller" saved as Latin-1 / Windows-1252 on line 3.
    const latin1 = file('latin1.yaml', Buffer.concat([Buffer.from('users:\n  "1": { email: "a@example.com" }\ncontacts: { byName: { "M'), Buffer.from([0xfc]), Buffer.from(`ller ${SECRET}": { ignore: true } } }\n`)]));
    const err = problemsOf(() => loadMapping(latin1));
    expect(err.problems).toEqual([{ where: 'file', message: expect.stringContaining('not UTF-8 text'), line: 3, column: 1 }]);
    expect(err.message).toContain('line 3, column 1: file: the file is not UTF-8 text');
    expect(err.message).not.toContain(SECRET);
    const utf16 = file('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('users: {}\n', 'utf16le')]));
    expect(problemsOf(() => loadMapping(utf16)).problems[0]?.message).toBe('the file is UTF-16 text; save it as UTF-8');
  });

  it('explains a missing file, a directory and an unreadable one', () => {
    expect(readMappingFile(join(dir, 'absent.yaml'))).toEqual({ kind: 'missing' });
    mkdirSync(join(dir, 'a-dir'));
    expect(problemsOf(() => loadMapping(join(dir, 'a-dir'))).problems[0]?.message).toBe('it is a directory, not a file');
    expect(problemsOf(() => loadMapping(join(dir, 'ok.yaml', 'below-a-file'))).problems[0]?.message).toBe('cannot read it (ENOTDIR)');
  });
});
