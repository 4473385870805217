/**
 * Live reload of the mapping file. The file's directory is watched, not the file: editors and `kubectl` replace
 * files (write a temporary one, rename it over the old; a ConfigMap swaps a `..data` symlink), which ends a watch
 * on the old inode. Any event in the directory (debounced) re-reads the file; only a change of its text is
 * considered, so the editor's several events per save and unrelated files cost a read and nothing else.
 *
 * A valid file becomes a new immutable snapshot passed to `onChange`; an invalid one is logged whole
 * (`mapping_reload_refused`, with every problem and its line) and passed to `onError` while the old mapping stays
 * in force. So is a file with no settings at all (empty or only comments: a half-written save would otherwise
 * unmap everyone), one over 1 MB, and one that is not UTF-8 text (its bytes are never logged). A file that is absent (between an editor's delete and write) is looked at again after `missingGraceMs`
 * before it is reported. A slow poll backs the watch up on file systems that send no events (NFS, some mounts).
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../lib/logger.ts';
import { ConfigError } from './config-error.ts';
import { parseMapping, type MappingSnapshot } from './load-mapping.ts';
import { readMappingFile } from './mapping-file.ts';

export interface MappingWatchOptions {
  readonly onChange: (snapshot: MappingSnapshot) => void;
  readonly onError: (err: ConfigError) => void;
  readonly logger: Logger;
  /** Quiet time after the last event before the file is read (default 200 ms). */
  readonly debounceMs?: number;
  /** How long an absent file may stay absent before that is reported (default 1 s). */
  readonly missingGraceMs?: number;
  /** Re-read this often even without events; 0 turns polling off (default 30 s). */
  readonly pollIntervalMs?: number;
}

export interface MappingWatch {
  close(): void;
}

/** Why a reload refuses a file that parses: it has no settings (an editor's half-written save, a truncated copy). */
export const EMPTY_MAPPING_REFUSED =
  'the file has no settings (it is empty or only comments): a reload would unmap every user, so it is refused. ' +
  'To run with no mapping on purpose, write `users: {}`';

/**
 * Settings read once at start-up (a reload cannot change them): the keys that differ between two snapshots.
 * The caller should warn that these need a restart.
 */
export function restartOnlyChanges(before: MappingSnapshot, after: MappingSnapshot): string[] {
  return before.mapping.salesforce.externalIdField === after.mapping.salesforce.externalIdField ? [] : ['salesforce.externalIdField'];
}

/**
 * Watches `file` until close(). Start it right after loading the mapping in force: the text found now is the
 * baseline, and only a different text is reported.
 */
export function watchMapping(file: string, opts: MappingWatchOptions): MappingWatch {
  const path = resolve(file);
  const debounceMs = opts.debounceMs ?? 200;
  const graceMs = opts.missingGraceMs ?? 1000;
  const log = opts.logger;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  /** The text last acted on (applied, or refused and reported); undefined = absent or unreadable. */
  const first = readMappingFile(path);
  let lastText: string | undefined = first.kind === 'text' ? first.text : undefined;
  let missingSince: number | undefined;
  /** The absent/unreadable state already reported, so it is reported once. */
  let reportedState: string | undefined;

  const schedule = (ms: number): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(check, ms);
    timer.unref();
  };

  /** A callback that throws must not take the process down from a timer. */
  const safely = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      log.error('mapping_reload_callback_failed', { file: path, callback: what, err: e });
    }
  };

  const refuse = (err: ConfigError): void => {
    log.error('mapping_reload_refused', { file: path, problems: err.problems, detail: err.message, keeping: 'the previous mapping' });
    safely('onError', () => opts.onError(err));
  };

  function check(): void {
    if (closed) return;
    const r = readMappingFile(path);
    if (r.kind !== 'text') {
      if (r.kind === 'missing') {
        const now = Date.now();
        missingSince ??= now;
        if (now - missingSince < graceMs) {
          log.debug('mapping_file_absent', { file: path, graceMs });
          return schedule(graceMs - (now - missingSince));
        }
      }
      const problem = r.kind === 'missing' ? { where: 'file', message: 'file not found (deleted or moved away)' } : r.problem;
      const state = `${problem.message}@${problem.line ?? ''}`;
      if (state === reportedState) return;
      reportedState = state;
      lastText = undefined;
      return refuse(new ConfigError(path, [problem]));
    }
    missingSince = undefined;
    reportedState = undefined;
    if (r.text === lastText) {
      log.debug('mapping_unchanged', { file: path });
      return;
    }
    lastText = r.text;
    let snapshot: MappingSnapshot;
    try {
      snapshot = parseMapping(r.text, path);
    } catch (e) {
      if (e instanceof ConfigError) return refuse(e);
      log.error('mapping_reload_failed', { file: path, err: e });
      return;
    }
    if (snapshot.empty) return refuse(new ConfigError(path, [{ where: 'file', message: EMPTY_MAPPING_REFUSED }]));
    log.info('mapping_reloaded', {
      file: path,
      users: Object.keys(snapshot.mapping.users).length,
      contactOverrides: snapshot.contactsByPhone.size + snapshot.contactsByName.size,
    });
    safely('onChange', () => opts.onChange(snapshot));
  }

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, () => schedule(debounceMs));
    watcher.on('error', (e: Error) => log.warn('mapping_watch_error', { file: path, err: e.message, fallback: opts.pollIntervalMs === 0 ? 'none' : 'polling' }));
  } catch (e) {
    log.warn('mapping_watch_unavailable', { file: path, err: e instanceof Error ? e.message : String(e) });
  }
  const pollMs = opts.pollIntervalMs ?? 30_000;
  const poll = pollMs > 0 ? setInterval(() => schedule(0), pollMs) : undefined;
  poll?.unref();
  log.info('mapping_watch_started', { file: path });

  return {
    close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
      watcher?.close();
    },
  };
}

/** The mapping in force, kept current by a watch of its file (start, the demo, the tests' pipeline). */
export interface LiveMapping {
  /** The snapshot in force now: swapped whole when a valid change of the file is read. */
  readonly current: () => MappingSnapshot;
  readonly close: () => void;
}

/**
 * `initial` (the file as loaded at start-up), then every valid change of `file`: an invalid one is logged as
 * mapping_reload_refused with every problem while the previous mapping stays in force; a change of a setting read
 * once at start-up is taken, and warned about (mapping_reload_needs_restart).
 */
export function liveMapping(file: string, initial: MappingSnapshot, opts: Pick<MappingWatchOptions, 'logger' | 'debounceMs' | 'pollIntervalMs'>): LiveMapping {
  let mapping = initial;
  const watch = watchMapping(file, {
    ...opts,
    onError: () => undefined, // logged by the watcher as mapping_reload_refused, with every problem
    onChange: (next) => {
      const stale = restartOnlyChanges(mapping, next);
      if (stale.length) opts.logger.warn('mapping_reload_needs_restart', { keys: stale });
      mapping = next;
    },
  });
  return { current: () => mapping, close: () => watch.close() };
}
