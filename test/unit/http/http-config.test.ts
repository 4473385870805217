import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../support/config-error.ts';
import { loadConfig } from '../../../src/config/load-config.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'http-cfg-'));


describe('HTTP_* and ADMIN_* configuration', () => {
  it('defaults to 127.0.0.1:8080 without the dashboard, for commands that serve the endpoints only', () => {
    expect(loadConfig({}, { http: true }, tmp()).http).toEqual({ port: 8080, host: '127.0.0.1', trustProxy: false, admin: undefined });
    expect(loadConfig({ HTTP_PORT: '9090' }, {}, tmp()).http).toBeUndefined();
    expect(loadConfig({ HTTP_ENABLED: 'false' }, { http: true }, tmp()).http).toBeUndefined();
    expect(loadConfig({ HTTP_PORT: '0', HTTP_HOST: ' 0.0.0.0 ' }, { http: true }, tmp()).http).toMatchObject({ port: 0, host: '0.0.0.0' });
  });

  it('mounts the dashboard with both credentials; the password may come from ADMIN_PASSWORD_FILE', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'admin.pw'), 's3cret-from-file\n');
    expect(loadConfig({ ADMIN_USER: 'ops', ADMIN_PASSWORD: 'a-long-passphrase' }, { http: true }, dir).http?.admin).toEqual({
      user: 'ops',
      password: 'a-long-passphrase',
      readOnly: false,
      showCallContent: false,
      publicHost: undefined,
    });
    expect(loadConfig({ ADMIN_USER: 'ops', ADMIN_PASSWORD_FILE: 'admin.pw', ADMIN_READ_ONLY: 'true' }, { http: true }, dir).http?.admin).toEqual({
      user: 'ops',
      password: 's3cret-from-file',
      readOnly: true,
      showCallContent: false,
      publicHost: undefined,
    });
  });

  it('refuses half-set credentials, a user with a colon, bad ports and booleans, never printing the password', () => {
    const half = problemsOf(() => loadConfig({ ADMIN_USER: 'ops' }, { http: true }, tmp()));
    expect(half.problems.map((p) => p.where)).toEqual(['ADMIN_PASSWORD']);
    const other = problemsOf(() => loadConfig({ ADMIN_PASSWORD: 'pw-never-shown' }, { http: true }, tmp()));
    expect(other.problems.map((p) => p.where)).toEqual(['ADMIN_USER']);
    expect(other.message).not.toContain('pw-never-shown');
    const colon = problemsOf(() => loadConfig({ ADMIN_USER: 'a:b', ADMIN_PASSWORD: 'a-long-passphrase' }, { http: true }, tmp()));
    expect(colon.problems.map((p) => p.where)).toEqual(['ADMIN_USER']);
    const both = problemsOf(() => loadConfig({ ADMIN_USER: 'ops', ADMIN_PASSWORD: 'a-long-passphrase', ADMIN_PASSWORD_FILE: 'x' }, { http: true }, tmp()));
    const short = problemsOf(() => loadConfig({ ADMIN_USER: 'ops', ADMIN_PASSWORD: 'a' }, { http: true }, tmp()));
    expect(short.problems).toEqual([{ where: 'ADMIN_PASSWORD', message: expect.stringContaining('at least 12 characters') }]);
    expect(short.message).not.toMatch(/value|"a"/);
    expect(both.problems.map((p) => p.where)).toEqual(['ADMIN_PASSWORD']);
    const bad = problemsOf(() => loadConfig({ HTTP_PORT: '70000', HTTP_ENABLED: 'maybe', ADMIN_READ_ONLY: 'sure' }, { http: true }, tmp()));
    expect(bad.problems.map((p) => p.where).sort()).toEqual(['ADMIN_READ_ONLY', 'HTTP_ENABLED', 'HTTP_PORT']);
  });

  it('TRUST_PROXY, ADMIN_PUBLIC_HOST and ADMIN_SHOW_CALL_CONTENT: off and unset by default; the host as host[:port], lower-cased', () => {
    const env = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 'a-long-passphrase' };
    const cfg = loadConfig({ ...env, TRUST_PROXY: 'true', ADMIN_PUBLIC_HOST: ' Sync.Example.com:8443 ', ADMIN_SHOW_CALL_CONTENT: 'true' }, { http: true }, tmp()).http;
    expect(cfg).toMatchObject({ trustProxy: true, admin: { showCallContent: true, publicHost: 'sync.example.com:8443' } });
    for (const host of ['sync.example.com', '10.0.0.5:8080', '[::1]:8080', 'localhost']) {
      expect(loadConfig({ ...env, ADMIN_PUBLIC_HOST: host }, { http: true }, tmp()).http?.admin?.publicHost).toBe(host.toLowerCase());
    }
    expect(loadConfig({ ...env, ADMIN_PUBLIC_HOST: '' }, { http: true }, tmp()).http?.admin?.publicHost).toBeUndefined();
  });

  it('refuses a host with a scheme, a path or a bad port, and booleans that are not', () => {
    for (const host of ['https://sync.example.com', 'sync.example.com/admin', 'sync.example.com:99999', 'sync.example.com:0', 'a b', 'user@sync.example.com']) {
      const e = problemsOf(() => loadConfig({ ADMIN_USER: 'ops', ADMIN_PASSWORD: 'a-long-passphrase', ADMIN_PUBLIC_HOST: host }, { http: true }, tmp()));
      expect(e.problems).toEqual([{ where: 'ADMIN_PUBLIC_HOST', message: expect.stringContaining('without scheme or path (e.g. sync.example.com') }]);
    }
    const bad = problemsOf(() => loadConfig({ TRUST_PROXY: 'yes please', ADMIN_SHOW_CALL_CONTENT: 'sometimes' }, { http: true }, tmp()));
    expect(bad.problems.map((p) => p.where).sort()).toEqual(['ADMIN_SHOW_CALL_CONTENT', 'TRUST_PROXY']);
  });
});
