import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../support/config-error.ts';
import { redisTlsOptions } from '../../../src/app/redis-connection.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'cfg-redis-'));
/** A password with every character a URL would mangle if it were pasted in unencoded. */
const NASTY = 'p@ss:w/rd?#%41 +&=[]!';

/** What ioredis makes of a URL (its own parser, as the service's connections use it); connects nowhere. */
function ioredisOptions(url: string): { host?: string; port?: number; username?: string; password?: string; db?: number; tls?: unknown } {
  const client = new Redis(url, { lazyConnect: true });
  try {
    return client.options;
  } finally {
    client.disconnect();
  }
}

describe('REDIS_PASSWORD and REDIS_PASSWORD_FILE', () => {
  it('leaves REDIS_URL as it is without them', () => {
    expect(loadConfig({ REDIS_URL: 'redis://redis:6379/2' }, {}, tmp()).redis.url).toBe('redis://redis:6379/2');
  });

  it('applies REDIS_PASSWORD to a REDIS_URL without one, so that ioredis authenticates with it exactly', () => {
    const { url } = loadConfig({ REDIS_URL: 'redis://redis:6379/2', REDIS_PASSWORD: NASTY }, {}, tmp()).redis;
    expect(ioredisOptions(url)).toMatchObject({ host: 'redis', port: 6379, db: 2, password: NASTY });
  });

  it('reads REDIS_PASSWORD_FILE (a Docker secret: surrounding whitespace and the final newline dropped)', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'redis_password'), `${NASTY}\n`);
    const { url } = loadConfig({ REDIS_URL: 'redis://redis:6379', REDIS_PASSWORD_FILE: 'redis_password' }, {}, dir).redis;
    expect(ioredisOptions(url).password).toBe(NASTY);
  });

  it('keeps a user name in REDIS_URL (a Redis ACL user)', () => {
    const { url } = loadConfig({ REDIS_URL: 'redis://sync@redis:6379', REDIS_PASSWORD: 'pw-of-sync' }, {}, tmp()).redis;
    expect(ioredisOptions(url)).toMatchObject({ username: 'sync', password: 'pw-of-sync' });
  });

  it('refuses a password given in two places, by name and without either value', () => {
    const twice = problemsOf(() => loadConfig({ REDIS_URL: 'redis://:in-the-url@redis:6379', REDIS_PASSWORD: 'in-the-variable' }, {}, tmp()));
    expect(twice.problems).toEqual([
      { where: 'REDIS_PASSWORD', message: 'REDIS_URL has a password already: give it in one place only (REDIS_URL, REDIS_PASSWORD or REDIS_PASSWORD_FILE)' },
    ]);
    const dir = tmp();
    writeFileSync(join(dir, 'pw'), 'from-the-file');
    const both = problemsOf(() => loadConfig({ REDIS_PASSWORD: 'in-the-variable', REDIS_PASSWORD_FILE: 'pw' }, {}, dir));
    expect(both.problems).toEqual([{ where: 'REDIS_PASSWORD', message: 'set either REDIS_PASSWORD or REDIS_PASSWORD_FILE, not both' }]);
    const missing = problemsOf(() => loadConfig({ REDIS_PASSWORD_FILE: 'nope' }, {}, tmp()));
    expect(missing.problems).toEqual([{ where: 'REDIS_PASSWORD_FILE', message: 'cannot read nope (ENOENT)' }]);
    for (const e of [twice, both, missing]) expect(e.message).not.toMatch(/in-the-url|in-the-variable|from-the-file/);
  });

  it('still accepts a password in REDIS_URL alone', () => {
    expect(ioredisOptions(loadConfig({ REDIS_URL: 'redis://:only-here@redis:6379' }, {}, tmp()).redis.url).password).toBe('only-here');
  });
});

describe('rediss:// (managed Redis with TLS)', () => {
  it('turns TLS on in ioredis, with the password applied, whatever the case of the scheme', () => {
    for (const REDIS_URL of ['rediss://cache.example.com:6380', 'REDISS://cache.example.com:6380']) {
      const { url } = loadConfig({ REDIS_URL, REDIS_PASSWORD: NASTY }, {}, tmp()).redis;
      expect(url.startsWith('rediss://'), url).toBe(true); // ioredis looks for exactly this prefix
      expect(ioredisOptions(url)).toMatchObject({ host: 'cache.example.com', port: 6380, password: NASTY, tls: true });
    }
    expect(ioredisOptions(loadConfig({ REDIS_URL: 'redis://cache.example.com:6379' }, {}, tmp()).redis.url).tls).toBeUndefined();
  });

  it('sends the host name as the TLS server name (SNI), which ioredis leaves out, and nothing for redis://', () => {
    expect(redisTlsOptions('rediss://:pw@cache.example.com:6380')).toEqual({ tls: { servername: 'cache.example.com' } });
    expect(redisTlsOptions('rediss://10.0.0.5:6380')).toEqual({ tls: {} }); // SNI takes no IP address
    expect(redisTlsOptions('rediss://[::1]:6380')).toEqual({ tls: {} });
    expect(redisTlsOptions('redis://cache.example.com:6379')).toEqual({});
  });
});
