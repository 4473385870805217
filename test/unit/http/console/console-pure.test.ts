import { describe, expect, it } from 'vitest';
import { parseCookies, sameToken, serializeCookie } from '../../../../src/http/console/cookies.ts';
import { recordHref } from '../../../../src/http/console/overview-view.ts';
import { SessionStore } from '../../../../src/http/console/sessions.ts';
import { safeNext } from '../../../../src/http/console/sign-in.ts';

describe('console: pure parts', () => {
  it('goes back to console paths only after sign-in (no open redirect)', () => {
    expect(safeNext('/admin/queues')).toBe('/admin/queues');
    expect(safeNext('/admin')).toBe('/admin');
    for (const bad of ['//evil.example', 'https://evil.example/admin', '/admin//evil', '/admin/../x', '/adminx', undefined, ['/admin']]) expect(safeNext(bad)).toBe('/admin');
  });

  it('parses cookies, keeping only token-shaped values, and sets them SameSite=Strict and HttpOnly by default', () => {
    expect([...parseCookies('a=1; rs_admin_session=abc_-9; bad=<x>; a=2')]).toEqual([['a', '1'], ['rs_admin_session', 'abc_-9']]);
    expect(serializeCookie('s', 'v', { path: '/admin', maxAge: 60, secure: true })).toBe('s=v; Path=/admin; Max-Age=60; SameSite=Strict; HttpOnly; Secure');
    expect(serializeCookie('X', 'v', { path: '/q', maxAge: 0, secure: false, httpOnly: false })).toBe('X=v; Path=/q; Max-Age=0; SameSite=Strict');
    expect([sameToken('abc', 'abc'), sameToken('abc', 'abd'), sameToken('', ''), sameToken('é', 'ab'), sameToken(undefined, 'a')]).toEqual([true, false, false, false, false]);
  });

  it('links to a record only with an http(s) instance URL and a Salesforce id', () => {
    expect(recordHref('https://acme.my.salesforce.com', '00T2p00000bFlo7EAC')).toBe('https://acme.my.salesforce.com/00T2p00000bFlo7EAC');
    expect(recordHref('javascript:alert(1)', '00T2p00000bFlo7EAC')).toBeUndefined();
    expect(recordHref('https://acme.my.salesforce.com', '"><script>')).toBeUndefined();
    expect(recordHref(undefined, '00T2p00000bFlo7EAC')).toBeUndefined();
  });

  it('sessions expire, are bounded, and carry their own CSRF token', () => {
    let t = 0;
    const store = new SessionStore({ ttlMs: 1000, max: 2, now: () => t });
    const a = store.create('ops');
    expect(store.get(a.id)).toBe(a);
    expect(a.csrf).not.toBe(a.id);
    store.flash(a.id, 'done');
    expect([store.takeFlash(a.id), store.takeFlash(a.id)]).toEqual(['done', undefined]);
    store.create('ops');
    store.create('ops');
    expect(store.get(a.id)).toBeUndefined(); // the oldest made room
    const b = store.create('ops');
    t = 1000;
    expect(store.get(b.id)).toBeUndefined();
  });
});
