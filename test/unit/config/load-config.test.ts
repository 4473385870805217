import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../support/config-error.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'cfg-'));


const rc = { RINGCENTRAL_CLIENT_ID: 'rc-id', RINGCENTRAL_CLIENT_SECRET: 'rc-very-secret', RINGCENTRAL_JWT: 'eyJ.secret.jwt' };
const sf = { SALESFORCE_CLIENT_ID: 'sf-id', SALESFORCE_CLIENT_SECRET: 'sf-very-secret' };

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const cfg = loadConfig({}, {}, tmp());
    expect(cfg.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'ringsense' });
    expect(cfg.log).toEqual({ level: 'info', format: 'auto' });
    expect(cfg.worker).toEqual({ concurrency: 200, lockDurationMs: 30_000, stalledIntervalMs: 30_000, shutdownTimeoutMs: 20_000, failedRetentionDays: 30 });
    expect(cfg.leaderLockTtlMs).toBe(15_000);
    expect(cfg.ringcentral).toBeUndefined();
    expect(cfg.mappingFile.endsWith(join('config', 'mapping.yaml'))).toBe(true);
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('RINGSENSE_DOMAINS: pbx by default; a list of domains, meetings included; unknown names refused by name', () => {
    expect(loadConfig({}, {}, tmp()).domains).toEqual(['pbx']);
    expect(loadConfig({ RINGSENSE_DOMAINS: ' pbx, rcx ,nice-incontact,rcx' }, {}, tmp()).domains).toEqual(['pbx', 'rcx', 'nice-incontact']);
    expect(problemsOf(() => loadConfig({ RINGSENSE_DOMAINS: 'pbx,zoom' }, {}, tmp())).problems).toEqual([
      { where: 'RINGSENSE_DOMAINS', message: 'unknown domain "zoom": ACE\'s domains are pbx, rcv, ms-teams, rcx, nice-incontact' },
    ]);
    expect(loadConfig({ RINGSENSE_DOMAINS: 'pbx,rcv,ms-teams' }, {}, tmp()).domains).toEqual(['pbx', 'rcv', 'ms-teams']);
  });

  it('reports every problem at once, by variable name, without secret values', () => {
    const err = problemsOf(() =>
      loadConfig({ REDIS_URL: 'http://nope', LOG_LEVEL: 'loud', WORKER_CONCURRENCY: 'many', SALESFORCE_API_VERSION: '62', RINGCENTRAL_SERVER_URL: 'ftp://x' }, {}, tmp()),
    );
    const where = err.problems.map((p) => p.where).sort();
    expect(where).toEqual(['LOG_LEVEL', 'REDIS_URL', 'RINGCENTRAL_SERVER_URL', 'SALESFORCE_API_VERSION', 'WORKER_CONCURRENCY']);
    expect(err.message).toMatch(/^The environment has 5 problems:/);
    expect(err.message).not.toContain('loud');
  });

  it('requires the credentials a command needs and names each missing one', () => {
    const err = problemsOf(() => loadConfig({ RINGCENTRAL_CLIENT_ID: 'x', SALESFORCE_CLIENT_SECRET: 'sf-very-secret' }, { ringcentral: true, salesforce: true }, tmp()));
    expect(err.problems.map((p) => p.where).sort()).toEqual(['RINGCENTRAL_CLIENT_SECRET', 'RINGCENTRAL_JWT', 'SALESFORCE_CLIENT_ID']);
    expect(err.message).not.toContain('sf-very-secret');
  });

  it('accepts complete RingCentral and Salesforce client-credentials settings', () => {
    const cfg = loadConfig({ ...rc, ...sf, SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com' }, { ringcentral: true, salesforce: true }, tmp());
    expect(cfg.ringcentral).toEqual({ serverUrl: 'https://platform.ringcentral.com', clientId: 'rc-id', clientSecret: 'rc-very-secret', jwt: 'eyJ.secret.jwt' });
    expect(cfg.salesforce).toEqual({
      loginUrl: 'https://acme.my.salesforce.com',
      apiVersion: '62.0',
      auth: { kind: 'client_credentials', clientId: 'sf-id', clientSecret: 'sf-very-secret' },
    });
  });

  it('selects the JWT bearer flow from a username and a private key file, and checks the key', () => {
    const dir = tmp();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sf.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'bad.key'), 'not a key');
    const cfg = loadConfig({ SALESFORCE_CLIENT_ID: 'cid', SALESFORCE_USERNAME: 'int@example.com', SALESFORCE_PRIVATE_KEY_FILE: 'sf.key' }, { salesforce: true }, dir);
    expect(cfg.salesforce?.auth.kind).toBe('jwt_bearer');
    const bad = problemsOf(() => loadConfig({ SALESFORCE_CLIENT_ID: 'cid', SALESFORCE_USERNAME: 'u', SALESFORCE_PRIVATE_KEY_FILE: 'bad.key' }, {}, dir));
    expect(bad.problems).toEqual([{ where: 'SALESFORCE_PRIVATE_KEY_FILE', message: 'bad.key is not a PEM private key' }]);
    const missing = problemsOf(() => loadConfig({ SALESFORCE_USERNAME: 'u', SALESFORCE_PRIVATE_KEY_FILE: 'nope.key' }, {}, dir));
    expect(missing.problems.map((p) => p.where)).toEqual(['SALESFORCE_CLIENT_ID']);
  });

  it('reads .env beneath the real environment, and secrets from *_FILE', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.env'), 'QUEUE_PREFIX=from-dotenv\nLOG_LEVEL=debug\nRINGCENTRAL_CLIENT_ID=rc-id\nRINGCENTRAL_CLIENT_SECRET=s\n');
    writeFileSync(join(dir, 'jwt.txt'), 'eyJ.from.file\n');
    const cfg = loadConfig({ LOG_LEVEL: 'warn', RINGCENTRAL_JWT_FILE: 'jwt.txt' }, { ringcentral: true }, dir);
    expect(cfg.redis.prefix).toBe('from-dotenv');
    expect(cfg.log.level).toBe('warn');
    expect(cfg.ringcentral?.jwt).toBe('eyJ.from.file');
    const both = problemsOf(() => loadConfig({ RINGCENTRAL_JWT: 'x', RINGCENTRAL_JWT_FILE: 'jwt.txt' }, {}, dir));
    expect(both.problems[0]?.where).toBe('RINGCENTRAL_JWT');
  });

  it('treats blank values as unset', () => {
    const err = problemsOf(() => loadConfig({ ...rc, RINGCENTRAL_JWT: '   ' }, { ringcentral: true }, tmp()));
    expect(err.problems.map((p) => p.where)).toEqual(['RINGCENTRAL_JWT']);
  });
});
