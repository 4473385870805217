/**
 * Writing the mapping file from the console: atomically, as an editor saves, so a reader (the running service's
 * hot reload, another replica on the same volume) sees the old file or the new one, never half of one. The new text
 * goes to a sibling temporary file, flushed to disk, then renamed over the file; the previous text is kept beside
 * it as `<file>.previous`. A file that cannot be replaced (a read-only mount, a file bind-mounted on its own as the
 * compose file does, no permission) is reported as `read_only` with the reason: the caller shows the lines to add.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeMappingBytes } from './mapping-file.ts';

export type MappingWrite =
  | { readonly kind: 'written'; readonly file: string; readonly previous: string }
  /** The file changed on disk since it was read (another admin, an editor): nothing was written. */
  | { readonly kind: 'changed_meanwhile'; readonly file: string }
  | { readonly kind: 'read_only'; readonly file: string; readonly reason: string };

/** The errors that mean "this file cannot be replaced from here", with what they mean for the admin. */
const NOT_REPLACEABLE: Readonly<Record<string, string>> = {
  EROFS: 'it is on a read-only file system (mounted read-only)',
  EACCES: 'this process may not write there (permissions)',
  EPERM: 'this process may not write there (permissions)',
  EBUSY: 'it is a mount point of its own (a file bind-mounted alone cannot be replaced; mount its directory instead)',
  EXDEV: 'it is a mount point of its own (a file bind-mounted alone cannot be replaced; mount its directory instead)',
};

const code = (e: unknown): string | undefined => (e && typeof e === 'object' && 'code' in e ? String(e.code) : undefined);

function readText(file: string): string | undefined {
  try {
    const r = decodeMappingBytes(readFileSync(file));
    return r.kind === 'text' ? r.text : undefined;
  } catch {
    return undefined;
  }
}

function writeFully(path: string, text: string, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    const bytes = Buffer.from(text, 'utf8');
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every file system lets a directory be flushed; the rename is done either way.
  }
}

/**
 * Replaces `file` (through a symlink: the file it points to) with `text`, if its text is still `expected`.
 * The previous text is kept as `<file>.previous` (replaced each time: one previous version).
 */
export function writeMappingFile(file: string, text: string, expected: string): MappingWrite {
  let target: string;
  try {
    target = realpathSync(file);
  } catch (e) {
    return { kind: 'read_only', file, reason: `it cannot be read here (${code(e) ?? String(e)})` };
  }
  if (readText(target) !== expected) return { kind: 'changed_meanwhile', file };
  const dir = dirname(target);
  const base = basename(target);
  const tmp = join(dir, `.${base}.${randomBytes(4).toString('hex')}.tmp`);
  const previous = join(dir, `${base}.previous`);
  const mode = statSync(target).mode & 0o777;
  // A file nobody may write (chmod a-w) is the admin saying "edit me by hand", even to a process that could (root).
  if ((mode & 0o222) === 0) return { kind: 'read_only', file, reason: `it is marked read-only (mode ${mode.toString(8)})` };
  try {
    writeFully(tmp, text, mode);
    const prevTmp = `${tmp}.previous`;
    writeFully(prevTmp, expected, mode);
    renameSync(prevTmp, previous);
    renameSync(tmp, target);
    syncDirectory(dir);
    return { kind: 'written', file, previous };
  } catch (e) {
    for (const leftover of [tmp, `${tmp}.previous`]) {
      try {
        unlinkSync(leftover);
      } catch {
        // never created, or already renamed
      }
    }
    const why = NOT_REPLACEABLE[code(e) ?? ''];
    if (why) return { kind: 'read_only', file, reason: why };
    throw e;
  }
}
