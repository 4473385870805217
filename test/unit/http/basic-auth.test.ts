import { describe, expect, it } from 'vitest';
import { basicAuthChecker, parseBasicAuth, SignInThrottle } from '../../../src/http/basic-auth.ts';

const basic = (s: string) => `Basic ${Buffer.from(s, 'utf8').toString('base64')}`;

describe('parseBasicAuth', () => {
  it('reads user and password; the password may contain colons and any characters', () => {
    expect(parseBasicAuth(basic('ops:s3cr:et'))).toEqual({ user: 'ops', password: 's3cr:et' });
    expect(parseBasicAuth(basic('ops:pässwörd ✓'))).toEqual({ user: 'ops', password: 'pässwörd ✓' });
    expect(parseBasicAuth(`basic  ${Buffer.from('a:b').toString('base64')}`)).toEqual({ user: 'a', password: 'b' });
    expect(parseBasicAuth(basic(':'))).toEqual({ user: '', password: '' });
  });

  it.each([
    ['no header', undefined],
    ['empty', ''],
    ['another scheme', 'Bearer abc.def'],
    ['no colon', basic('opsonly')],
    ['not base64', 'Basic !!!'],
    ['scheme only', 'Basic '],
  ])('returns undefined for %s', (_, header) => {
    expect(parseBasicAuth(header)).toBeUndefined();
  });
});

describe('basicAuthChecker', () => {
  const check = basicAuthChecker({ user: 'ops', password: 'correct horse battery' });

  it('accepts exactly the configured user and password', () => {
    expect(check(basic('ops:correct horse battery'))).toBe(true);
  });

  it.each([
    ['a wrong password', basic('ops:correct horse')],
    ['a longer password', basic('ops:correct horse battery staple')],
    ['a wrong user', basic('admin:correct horse battery')],
    ['a user differing in case', basic('OPS:correct horse battery')],
    ['empty credentials', basic(':')],
    ['no header', undefined],
    ['a malformed header', 'Basic %%%'],
  ])('refuses %s', (_, header) => {
    expect(check(header)).toBe(false);
  });

  it('refuses empty credentials even when configured empty ones could match', () => {
    expect(basicAuthChecker({ user: '', password: '' })(undefined)).toBe(false);
  });
});

describe('SignInThrottle', () => {
  it('lets a client fail max times in the window, then refuses it until the window is over', () => {
    let now = 0;
    const t = new SignInThrottle({ max: 3, windowMs: 60_000, now: () => now });
    expect([t.failed('a'), t.failed('a'), t.failed('a')]).toEqual([false, false, true]);
    expect(t.waitMs('a')).toBe(60_000);
    expect(t.waitMs('b')).toBe(0); // per client
    now = 59_999;
    expect(t.waitMs('a')).toBe(1);
    now = 60_000;
    expect(t.waitMs('a')).toBe(0);
    expect(t.failed('a')).toBe(false); // a new window
  });
});
