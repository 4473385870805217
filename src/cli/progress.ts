/**
 * Progress of a long admin command: on a terminal one line rewritten in place (`\r`), otherwise (a pipe, a log
 * file, CI) a plain line every `intervalMs` so the output stays readable. The rate (items a minute over the last
 * minute) and the ETA (remaining / rate) are pure functions below; createRateMeter feeds them.
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

/** A duration for a person: `45 s`, `12 min`, `3 h 20 min`, `2 d 4 h`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.ceil(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

/**
 * Items per minute over the last `windowMs`: the items finished in the window over the time measured (the window,
 * or less when measuring began later than its start). `undefined` until something finished and a second passed.
 */
export function ratePerMinute(finishedAt: readonly number[], measuringSince: number, now: number, windowMs = 60_000): number | undefined {
  const start = Math.max(measuringSince, now - windowMs);
  const n = finishedAt.filter((t) => t > start && t <= now).length;
  const elapsed = now - start;
  if (n === 0 || elapsed < 1000) return undefined;
  return (n / elapsed) * 60_000;
}

/** `12/min, ETA 25 min` (remaining / rate), or what is known so far. */
export function rateAndEta(perMinute: number | undefined, remaining: number): string {
  if (remaining <= 0) return perMinute === undefined ? 'done' : `${formatRate(perMinute)}, done`;
  if (perMinute === undefined || perMinute <= 0) return 'measuring the rate';
  return `${formatRate(perMinute)}, ETA ${formatDuration((remaining / perMinute) * 60_000)}`;
}

const formatRate = (perMinute: number): string => `${perMinute >= 10 ? Math.round(perMinute) : perMinute.toFixed(1)}/min`;

/** Counts finished items for ratePerMinute, keeping only the last window's timestamps. */
export function createRateMeter(opts: { now?: () => number; windowMs?: number } = {}): { tick(): void; perMinute(): number | undefined } {
  const now = opts.now ?? Date.now;
  const windowMs = opts.windowMs ?? 60_000;
  const since = now();
  let stamps: number[] = [];
  return {
    tick() {
      const t = now();
      stamps.push(t);
      if (stamps.length > 64 && stamps[0]! <= t - windowMs) stamps = stamps.filter((s) => s > t - windowMs);
    },
    perMinute: () => ratePerMinute(stamps, since, now(), windowMs),
  };
}
