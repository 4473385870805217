/**
 * Progress of a long admin command: on a terminal one line rewritten in place (`\r`), otherwise (a pipe, a log
 * file, CI) a plain line every `intervalMs` so the output stays readable.
 */

/** `[#####-----]`: `done` of `total` as a bar of `width` characters. */
export function progressBar(done: number, total: number, width = 10): string {
  const filled = total <= 0 ? width : Math.min(width, Math.floor((done / total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export interface Progress {
  /** Shows `line` now on a terminal; elsewhere only when `intervalMs` has passed since the last line. */
  update(line: string): void;
  /** A message that must be seen (a long wait): its own line everywhere. */
  note(line: string): void;
  /** Ends the in-place line (a terminal needs the newline). */
  end(): void;
}

export function createProgress(out: NodeJS.WritableStream, opts: { intervalMs?: number; now?: () => number } = {}): Progress {
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  const intervalMs = opts.intervalMs ?? 10_000;
  const now = opts.now ?? Date.now;
  let lastPlainAt = now();
  let open = false;
  let lastLine = '';
  return {
    update(line) {
      lastLine = line;
      if (tty) {
        out.write(`\r${line}\x1b[K`);
        open = true;
      } else if (now() - lastPlainAt >= intervalMs) {
        out.write(`${line}\n`);
        lastPlainAt = now();
      }
    },
    note(line) {
      if (tty && open) out.write(`\r\x1b[K${line}\n${lastLine}`);
      else out.write(`${line}\n`);
    },
    end() {
      if (tty && open) out.write('\n');
      open = false;
    },
  };
}
