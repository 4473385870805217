import winston from 'winston';

export type LogLevel = 'error' | 'warn' | 'info' | 'http' | 'verbose' | 'debug' | 'silly';
export type LogFormat = 'json' | 'pretty';

/** Keys whose values are secrets: never logged, at any level. */
const SECRET_KEY = /(authorization|password|secret|token|assertion|private.?key|api.?key|cookie|jwt)/i;
/**
 * Keys whose values are call content or personal data: logged only at debug and below.
 * (summary, transcript, names, numbers, e-mail addresses, subjects and descriptions of Tasks.)
 */
const CONTENT_KEY = /^(summary|transcript|text|value|highlights?|nextsteps?|title|subject|description|name|speaker(name)?|phone(number)?|from|to|email|e164|body|payload|insights|speakerinfo)$/i;
const REDACTED = '[redacted]';
const MAX_DEPTH = 6;
const LEVEL_RANK: Record<string, number> = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

function serializeError(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  const code = (err as { code?: unknown; errorCode?: unknown }).errorCode ?? (err as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (err.stack) out.stack = err.stack;
  return out;
}

/** Returns a copy of `value` with secrets (always) and content (when `hideContent`) replaced. */
export function redact(value: unknown, hideContent: boolean, depth = 0): unknown {
  // An error's name, message, code and stack are what an operator needs; they are kept as they are.
  if (value instanceof Error) return serializeError(value);
  if (depth >= MAX_DEPTH) return '[depth]';
  if (Array.isArray(value)) return value.map((v) => redact(v, hideContent, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '') out[k] = REDACTED;
      else if (hideContent && CONTENT_KEY.test(k) && v !== undefined && v !== null) out[k] = REDACTED;
      else out[k] = redact(v, hideContent, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * For showing a stored event to an admin: content hidden, structure and ids kept. Unlike `redact`, a content key
 * holding an object or a list (an event's `body`, `insights`, `speakerInfo`) is walked rather than hidden whole,
 * so `sourceRecordId` and the speaker ids stay visible while titles, names, text, values and numbers do not.
 * Strings listed in an array are hidden too, so an insight type added later does not show its lines.
 */
export function redactContentKeepShape(value: unknown, depth = 0): unknown {
  if (depth >= 32) return '[depth]';
  // A bare string in a list is a line of something (notes, keywords): content, whatever its key.
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' && v !== '' ? REDACTED : redactContentKeepShape(v, depth + 1)));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null || v === '') out[k] = v;
    else if (SECRET_KEY.test(k)) out[k] = REDACTED;
    else out[k] = CONTENT_KEY.test(k) ? hideLeaves(v, depth + 1) : redactContentKeepShape(v, depth + 1);
  }
  return out;
}

/** A content key's value: every value in a list hidden, an object walked like any other. */
function hideLeaves(value: unknown, depth: number): unknown {
  if (depth >= 32) return '[depth]';
  if (Array.isArray(value)) return value.map((v) => hideLeaves(v, depth + 1));
  if (value && typeof value === 'object') return redactContentKeepShape(value, depth);
  return value === null || value === undefined ? value : REDACTED;
}

const redactFormat = winston.format((info) => {
  const hideContent = (LEVEL_RANK[info.level] ?? 0) < LEVEL_RANK.debug!;
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    const v = info[key];
    if (SECRET_KEY.test(key) && v !== undefined && v !== null && v !== '') info[key] = REDACTED;
    else if (hideContent && CONTENT_KEY.test(key) && v !== undefined && v !== null) info[key] = REDACTED;
    else info[key] = redact(v, hideContent, 1);
  }
  return info;
});

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  stream?: NodeJS.WritableStream;
  defaultMeta?: Record<string, unknown>;
}

export type Logger = winston.Logger;

export function createLogger(opts: LoggerOptions = {}): Logger {
  const fmt = opts.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const base = [winston.format.errors({ stack: true }), redactFormat(), winston.format.timestamp()];
  const format =
    fmt === 'json'
      ? winston.format.combine(...base, winston.format.json())
      : winston.format.combine(
          ...base,
          winston.format.colorize(),
          winston.format.printf(({ level, message, timestamp, ...rest }) => {
            const extra = Object.keys(rest).length ? ' ' + JSON.stringify(rest) : '';
            return `${String(timestamp)} ${level} ${String(message)}${extra}`;
          }),
        );
  const transport = opts.stream
    ? new winston.transports.Stream({ stream: opts.stream })
    : new winston.transports.Console();
  return winston.createLogger({
    level: opts.level ?? 'info',
    format,
    defaultMeta: opts.defaultMeta ?? { service: 'ringsense-sync' },
    transports: [transport],
    exitOnError: false,
  });
}

/** A logger that drops everything (for library code given no logger). */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
