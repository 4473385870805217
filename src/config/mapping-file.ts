/**
 * Reading the mapping file's bytes into text, for start-up, `config check` and live reload alike. A file that
 * cannot be an admin's YAML (over 1 MB, binary, not UTF-8) is refused with a reason and, where it helps, a line;
 * its bytes are never quoted (a binary file or a wrong path may hold anything, secrets included).
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ConfigProblem } from './config-error.ts';

/** The largest mapping file read: a mapping of thousands of users is a few hundred KB. */
export const MAX_MAPPING_BYTES = 1024 * 1024;

export type MappingFileRead =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'missing' }
  /** Unreadable, too large or not text: `problem` says which, without the file's bytes. */
  | { readonly kind: 'refused'; readonly problem: ConfigProblem };

const refused = (message: string, line?: number): MappingFileRead => ({
  kind: 'refused',
  problem: line === undefined ? { where: 'file', message } : { where: 'file', message, line, column: 1 },
});

/** The first line (1-based) that is not valid UTF-8; a newline byte never occurs inside a UTF-8 sequence. */
function firstBadLine(bytes: Buffer): number | undefined {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (!isUtf8(bytes.subarray(start, i))) return line;
      line++;
      start = i + 1;
    }
  }
  return undefined;
}

const tooLarge = (bytes: number): MappingFileRead =>
  refused(`the file is ${bytes.toLocaleString('en-US')} bytes; a mapping file may be at most 1 MB (${MAX_MAPPING_BYTES.toLocaleString('en-US')} bytes)`);

/** The text of mapping-file bytes, or why they are not an admin's YAML. */
export function decodeMappingBytes(bytes: Buffer): MappingFileRead {
  if (bytes.length > MAX_MAPPING_BYTES) return tooLarge(bytes.length);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return refused('the file is UTF-16 text; save it as UTF-8');
  }
  if (bytes.includes(0)) return refused('the file contains NUL bytes: it is a binary file, not YAML text (is MAPPING_FILE the right path?)');
  if (!isUtf8(bytes)) {
    return refused('the file is not UTF-8 text (saved in another encoding, such as Windows-1252 or Latin-1?); save it as UTF-8', firstBadLine(bytes));
  }
  return { kind: 'text', text: bytes.toString('utf8') };
}

/** Up to `limit` bytes from `fd`, in chunks (a file may grow after its size was read). */
function readUpTo(fd: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.alloc(Math.min(64 * 1024, limit - total));
    const got = readSync(fd, chunk, 0, chunk.length, null);
    if (got === 0) break;
    chunks.push(chunk.subarray(0, got));
    total += got;
  }
  return Buffer.concat(chunks, total);
}

/** Reads the mapping file; a file over the size limit is refused before it is read. */
export function readMappingFile(file: string): MappingFileRead {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return code === 'ENOENT' ? { kind: 'missing' } : refused(`cannot read it (${code})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return refused('it is a directory, not a file');
    if (stat.size > MAX_MAPPING_BYTES) return tooLarge(stat.size);
    // One byte over the limit is enough to tell a file that grew since fstat is too large.
    return decodeMappingBytes(readUpTo(fd, MAX_MAPPING_BYTES + 1));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return refused(`cannot read it (${code})`);
  } finally {
    closeSync(fd);
  }
}
