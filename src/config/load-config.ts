import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parseDomains, type AceDomain } from '../calls/domains.ts';
import type { LogLevel } from '../lib/logger.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { envSchema, SECRET_VARIABLES, type Env } from './env.schema.ts';
import { loadMapping, type MappingSnapshot } from './load-mapping.ts';

export interface RingCentralConfig {
  readonly serverUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly jwt: string;
}

export type SalesforceAuth =
  | { readonly kind: 'client_credentials'; readonly clientId: string; readonly clientSecret: string }
  | { readonly kind: 'jwt_bearer'; readonly clientId: string; readonly username: string; readonly privateKeyPem: string };

export interface SalesforceConfig {
  readonly loginUrl: string;
  readonly apiVersion: string;
  readonly auth: SalesforceAuth;
}

export interface HttpConfig {
  /** 0 = any free port (the server reports the one it bound). */
  readonly port: number;
  readonly host: string;
  /** TRUST_PROXY: one reverse proxy in front; its X-Forwarded-Host and X-Forwarded-For are believed (else ignored). */
  readonly trustProxy: boolean;
  /** The queue dashboard's credentials and settings; without credentials it is not mounted. */
  readonly admin: AdminConfig | undefined;
}

export interface AdminConfig {
  readonly user: string;
  readonly password: string;
  readonly readOnly: boolean;
  /** ADMIN_SHOW_CALL_CONTENT: the dashboard shows call content; by default the redacted shape. */
  readonly showCallContent: boolean;
  /** ADMIN_PUBLIC_HOST, lower-cased: the only Host (host[:port]) the dashboard answers; any when undefined. */
  readonly publicHost: string | undefined;
}

export interface AppConfig {
  /** `url`: REDIS_URL with REDIS_PASSWORD applied; it may hold the password, so never print it as is. */
  readonly redis: { readonly url: string; readonly prefix: string };
  readonly ringcentral: RingCentralConfig | undefined;
  /** The ACE domains synced (RINGSENSE_DOMAINS): subscribed to, and the only ones whose events are written. */
  readonly domains: readonly AceDomain[];
  readonly salesforce: SalesforceConfig | undefined;
  readonly mappingFile: string;
  readonly mapping: MappingSnapshot | undefined;
  readonly log: { readonly level: LogLevel; readonly format: 'auto' | 'json' | 'pretty' };
  readonly worker: {
    readonly concurrency: number;
    /** A job whose worker died is retried after about lockDurationMs + stalledIntervalMs. */
    readonly lockDurationMs: number;
    readonly stalledIntervalMs: number;
    readonly shutdownTimeoutMs: number;
    /** Failed jobs (the failed set) are kept this long for inspection and retry. */
    readonly failedRetentionDays: number;
  };
  readonly leaderLockTtlMs: number;
  /** Set for commands that serve the operator endpoints, unless HTTP_ENABLED=false. */
  readonly http: HttpConfig | undefined;
  /** Shares (0-1) of the org's daily Salesforce API allocation: slow down above the first, pause above the second. */
  readonly apiBudget: { readonly slowAt: number; readonly pauseAt: number };
}

/** What a command needs; whatever it needs must be configured completely. */
export interface ConfigNeeds {
  ringcentral?: boolean;
  salesforce?: boolean;
  mapping?: boolean;
  /** The command serves the operator endpoints (configured by HTTP_* and ADMIN_*). */
  http?: boolean;
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** The environment with `.env` underneath it (real variables win) and `<SECRET>_FILE` files read. */
export function resolveEnv(env: EnvSource, cwd: string, problems: ConfigProblem[]): Record<string, string | undefined> {
  const merged: Record<string, string | undefined> = {};
  const dotenv = resolve(cwd, '.env');
  if (existsSync(dotenv)) Object.assign(merged, parseEnv(readFileSync(dotenv, 'utf8')));
  Object.assign(merged, env);
  for (const name of SECRET_VARIABLES) {
    const file = merged[`${name}_FILE`];
    if (!file) continue;
    if (merged[name]) {
      problems.push({ where: name, message: `set either ${name} or ${name}_FILE, not both` });
      continue;
    }
    try {
      merged[name] = readFileSync(resolve(cwd, file), 'utf8').trim();
    } catch (err) {
      problems.push({ where: `${name}_FILE`, message: `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    }
  }
  return merged;
}

function ringcentralFrom(env: Env, need: boolean, problems: ConfigProblem[]): RingCentralConfig | undefined {
  const { RINGCENTRAL_CLIENT_ID: clientId, RINGCENTRAL_CLIENT_SECRET: clientSecret, RINGCENTRAL_JWT: jwt } = env;
  if (clientId && clientSecret && jwt) return { serverUrl: env.RINGCENTRAL_SERVER_URL, clientId, clientSecret, jwt };
  if (need || clientId || clientSecret || jwt) {
    const why = 'required to connect to RingCentral (JWT auth flow; see README "Connecting real accounts")';
    if (!clientId) problems.push({ where: 'RINGCENTRAL_CLIENT_ID', message: why });
    if (!clientSecret) problems.push({ where: 'RINGCENTRAL_CLIENT_SECRET', message: why });
    if (!jwt) problems.push({ where: 'RINGCENTRAL_JWT', message: why });
  }
  return undefined;
}

function salesforceFrom(env: Env, cwd: string, need: boolean, problems: ConfigProblem[]): SalesforceConfig | undefined {
  const base = { loginUrl: env.SALESFORCE_LOGIN_URL, apiVersion: env.SALESFORCE_API_VERSION };
  const { SALESFORCE_CLIENT_ID: clientId, SALESFORCE_CLIENT_SECRET: secret, SALESFORCE_USERNAME: username, SALESFORCE_PRIVATE_KEY_FILE: keyFile } = env;
  if (username || keyFile) {
    if (!clientId) problems.push({ where: 'SALESFORCE_CLIENT_ID', message: 'required for the JWT bearer flow (the connected app consumer key)' });
    if (!username) problems.push({ where: 'SALESFORCE_USERNAME', message: 'required with SALESFORCE_PRIVATE_KEY_FILE (JWT bearer flow)' });
    if (!keyFile) problems.push({ where: 'SALESFORCE_PRIVATE_KEY_FILE', message: 'required with SALESFORCE_USERNAME (JWT bearer flow)' });
    if (!clientId || !username || !keyFile) return undefined;
    let privateKeyPem: string;
    try {
      privateKeyPem = readFileSync(resolve(cwd, keyFile), 'utf8');
    } catch (err) {
      problems.push({ where: 'SALESFORCE_PRIVATE_KEY_FILE', message: `cannot read ${keyFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
      return undefined;
    }
    try {
      createPrivateKey(privateKeyPem);
    } catch {
      problems.push({ where: 'SALESFORCE_PRIVATE_KEY_FILE', message: `${keyFile} is not a PEM private key` });
      return undefined;
    }
    return { ...base, auth: { kind: 'jwt_bearer', clientId, username, privateKeyPem } };
  }
  if (clientId && secret) return { ...base, auth: { kind: 'client_credentials', clientId, clientSecret: secret } };
  if (need || clientId || secret) {
    const why = 'required to connect to Salesforce (client credentials flow; or set SALESFORCE_USERNAME + SALESFORCE_PRIVATE_KEY_FILE for the JWT bearer flow)';
    if (!clientId) problems.push({ where: 'SALESFORCE_CLIENT_ID', message: why });
    if (!secret) problems.push({ where: 'SALESFORCE_CLIENT_SECRET', message: why });
  }
  return undefined;
}

/**
 * REDIS_URL with REDIS_PASSWORD (or REDIS_PASSWORD_FILE) applied, so that every connection made from the URL
 * authenticates (a user name in the URL, for a Redis ACL user, is kept). The password is given in one place only.
 * The scheme is lower-cased: ioredis turns TLS on only for a URL that starts with "rediss://".
 */
function redisUrlFrom(env: Env, problems: ConfigProblem[]): string {
  const url = new URL(env.REDIS_URL);
  const scheme = url.protocol; // lower case already: WHATWG URL lower-cases the scheme
  const lowerCased = env.REDIS_URL.startsWith(scheme) ? env.REDIS_URL : scheme + env.REDIS_URL.slice(scheme.length);
  if (!env.REDIS_PASSWORD) return lowerCased;
  if (url.password) {
    problems.push({ where: 'REDIS_PASSWORD', message: 'REDIS_URL has a password already: give it in one place only (REDIS_URL, REDIS_PASSWORD or REDIS_PASSWORD_FILE)' });
    return lowerCased;
  }
  // encodeURIComponent first: the URL setter leaves "%" alone, and ioredis decodes the password it reads.
  url.password = encodeURIComponent(env.REDIS_PASSWORD);
  return url.href;
}

/** The dashboard can retry and remove calls: no password a person could guess in an afternoon. */
export const MIN_ADMIN_PASSWORD = 12;

function httpFrom(env: Env, need: boolean, problems: ConfigProblem[]): HttpConfig | undefined {
  if (!need || !env.HTTP_ENABLED) return undefined;
  const { ADMIN_USER: user, ADMIN_PASSWORD: password } = env;
  if (user?.includes(':')) problems.push({ where: 'ADMIN_USER', message: 'may not contain ":" (HTTP Basic auth)' });
  if (user && !password) problems.push({ where: 'ADMIN_PASSWORD', message: 'required with ADMIN_USER (or ADMIN_PASSWORD_FILE), for the queue dashboard' });
  if (password && !user) problems.push({ where: 'ADMIN_USER', message: 'required with ADMIN_PASSWORD, for the queue dashboard' });
  if (password && password.length < MIN_ADMIN_PASSWORD) {
    problems.push({ where: 'ADMIN_PASSWORD', message: `must be at least ${MIN_ADMIN_PASSWORD} characters: the dashboard can retry and remove calls (e.g. openssl rand -base64 18)` });
  }
  const admin =
    user && password
      ? { user, password, readOnly: env.ADMIN_READ_ONLY, showCallContent: env.ADMIN_SHOW_CALL_CONTENT, publicHost: env.ADMIN_PUBLIC_HOST?.toLowerCase() }
      : undefined;
  return { port: env.HTTP_PORT, host: env.HTTP_HOST, trustProxy: env.TRUST_PROXY, admin };
}

/**
 * Reads and validates the whole configuration once. Every problem is reported in one ConfigError, by variable
 * name, never with a secret's value. Nothing else in the code base reads process.env.
 */
export function loadConfig(env: EnvSource = process.env, needs: ConfigNeeds = {}, cwd = process.cwd()): AppConfig {
  const problems: ConfigProblem[] = [];
  const merged = resolveEnv(env, cwd, problems);
  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ where: String(issue.path[0] ?? 'environment'), message: issue.message });
    throw new ConfigError('The environment', problems);
  }
  const e = parsed.data;
  const ringcentral = ringcentralFrom(e, needs.ringcentral ?? false, problems);
  const salesforce = salesforceFrom(e, cwd, needs.salesforce ?? false, problems);
  const http = httpFrom(e, needs.http ?? false, problems);
  if (e.SALESFORCE_API_SLOWDOWN_PERCENT >= e.SALESFORCE_API_PAUSE_PERCENT)
    problems.push({ where: 'SALESFORCE_API_SLOWDOWN_PERCENT', message: `must be below SALESFORCE_API_PAUSE_PERCENT (${e.SALESFORCE_API_PAUSE_PERCENT})` });
  const redisUrl = redisUrlFrom(e, problems);
  const domains = parseDomains(e.RINGSENSE_DOMAINS);
  if (!domains.ok) problems.push({ where: 'RINGSENSE_DOMAINS', message: domains.message });
  if (problems.length || !domains.ok) throw new ConfigError('The environment', problems);
  const mappingFile = resolve(cwd, e.MAPPING_FILE);
  const mapping = needs.mapping ? loadMapping(mappingFile) : undefined;
  return Object.freeze({
    redis: { url: redisUrl, prefix: e.QUEUE_PREFIX },
    ringcentral,
    domains: domains.domains,
    salesforce,
    mappingFile,
    mapping,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    worker: {
      concurrency: e.WORKER_CONCURRENCY,
      lockDurationMs: e.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: e.WORKER_STALLED_INTERVAL_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      failedRetentionDays: e.FAILED_RETENTION_DAYS,
    },
    leaderLockTtlMs: e.LEADER_LOCK_TTL_MS,
    apiBudget: { slowAt: e.SALESFORCE_API_SLOWDOWN_PERCENT / 100, pauseAt: e.SALESFORCE_API_PAUSE_PERCENT / 100 },
    http,
  });
}
