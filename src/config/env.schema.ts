import { z } from 'zod';

const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** An environment value that is absent when unset or blank (so `FOO=` in .env means "not set"). */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const httpUrl = (what: string) =>
  z.url({ protocol: /^https?$/, error: `must be an http(s) URL (${what})` });

/** `host`, `host:port`, `1.2.3.4:8080` or `[::1]:8080`, ports 1 to 65535 (what a browser sends as Host). */
const HOST_PORT =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::(?:[1-9]\d{0,3}|[1-5]\d{4}|6[0-4]\d{3}|65[0-4]\d{2}|655[0-2]\d|6553[0-5]))?$/;

const intInRange = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }));

/**
 * Every environment variable the service reads, validated once at start-up.
 * Secrets may also be given as files (`<NAME>_FILE`, e.g. Docker or Kubernetes secrets); see load-config.ts.
 */
export const envSchema = z.object({
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .pipe(z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })),
  /** Redis's password (AUTH) when REDIS_URL has none, e.g. as REDIS_PASSWORD_FILE from a Docker secret. */
  REDIS_PASSWORD: optionalString,
  QUEUE_PREFIX: z
    .string()
    .default('ringsense')
    .pipe(z.string().regex(/^[A-Za-z0-9_{}-]{1,64}$/, { error: 'may contain only letters, digits, _ - { } (max 64)' })),

  RINGCENTRAL_SERVER_URL: z.string().default('https://platform.ringcentral.com').pipe(httpUrl('e.g. https://platform.ringcentral.com')),
  RINGCENTRAL_CLIENT_ID: optionalString,
  RINGCENTRAL_CLIENT_SECRET: optionalString,
  RINGCENTRAL_JWT: optionalString,
  /** The ACE domains to sync, comma-separated (default pbx); checked in load-config.ts (calls/domains.ts). */
  RINGSENSE_DOMAINS: optionalString,

  SALESFORCE_LOGIN_URL: z.string().default('https://login.salesforce.com').pipe(httpUrl('your My Domain URL or https://login.salesforce.com')),
  SALESFORCE_CLIENT_ID: optionalString,
  SALESFORCE_CLIENT_SECRET: optionalString,
  SALESFORCE_USERNAME: optionalString,
  SALESFORCE_PRIVATE_KEY_FILE: optionalString,
  SALESFORCE_API_VERSION: z
    .string()
    .default('62.0')
    .pipe(z.string().regex(/^\d{2}\.0$/, { error: 'must look like 62.0' })),

  MAPPING_FILE: z.string().default('config/mapping.yaml'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty'], { error: 'must be auto, json or pretty' }).default('auto'),
  WORKER_CONCURRENCY: intInRange(1, 1000).default(200),
  WORKER_LOCK_DURATION_MS: intInRange(1000, 600_000).default(30_000),
  WORKER_STALLED_INTERVAL_MS: intInRange(1000, 600_000).default(30_000),
  SHUTDOWN_TIMEOUT_MS: intInRange(0, 600_000).default(20_000),
  LEADER_LOCK_TTL_MS: intInRange(1000, 600_000).default(15_000),
  SALESFORCE_API_SLOWDOWN_PERCENT: intInRange(1, 100).default(80),
  SALESFORCE_API_PAUSE_PERCENT: intInRange(1, 100).default(95),
  FAILED_RETENTION_DAYS: intInRange(1, 3650).default(30),

  /** The operator endpoints (/healthz, /readyz, /metrics, /admin/queues) of start, listen and work. */
  HTTP_ENABLED: z.stringbool({ error: 'must be true or false' }).default(true),
  HTTP_PORT: intInRange(0, 65535).default(8080),
  HTTP_HOST: z.string().default('127.0.0.1').pipe(z.string().trim().min(1, { error: 'must be a host name or address' })),
  /** The queue dashboard is mounted only with both (Basic auth). */
  ADMIN_USER: optionalString,
  ADMIN_PASSWORD: optionalString,
  ADMIN_READ_ONLY: z.stringbool({ error: 'must be true or false' }).default(false),
  /** The dashboard shows call content (transcripts, summaries, names); off, the redacted shape of `failed show`. */
  ADMIN_SHOW_CALL_CONTENT: z.stringbool({ error: 'must be true or false' }).default(false),
  /** The host[:port] the dashboard is reached at (as in the address bar): other Host headers are refused. */
  ADMIN_PUBLIC_HOST: optionalString.pipe(
    z
      .string()
      .regex(HOST_PORT, { error: 'must be a host name or address with an optional port, without scheme or path (e.g. sync.example.com or sync.example.com:8443)' })
      .optional(),
  ),
  /** A reverse proxy is in front (one hop): its X-Forwarded-Host and X-Forwarded-For are trusted; otherwise ignored. */
  TRUST_PROXY: z.stringbool({ error: 'must be true or false' }).default(false),
});

export type Env = z.infer<typeof envSchema>;

/** Variables holding secrets: their values are never printed, and they may come from `<NAME>_FILE`. */
export const SECRET_VARIABLES = ['RINGCENTRAL_CLIENT_SECRET', 'RINGCENTRAL_JWT', 'SALESFORCE_CLIENT_SECRET', 'ADMIN_PASSWORD', 'REDIS_PASSWORD'] as const;
