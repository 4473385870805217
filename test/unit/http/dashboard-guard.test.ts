import { describe, expect, it } from 'vitest';
import { addressedHost, isCrossSiteWrite } from '../../../src/http/admin-dashboard.ts';

describe('isCrossSiteWrite (dashboard CSRF guard)', () => {
  it('lets reads through, and writes without Origin or Referer (curl) or from the same host', () => {
    expect(isCrossSiteWrite('GET', { origin: 'https://evil.example' }, 'sync.internal:8080')).toBe(false);
    expect(isCrossSiteWrite('PUT', {}, 'sync.internal:8080')).toBe(false);
    expect(isCrossSiteWrite('PUT', { origin: 'http://sync.internal:8080' }, 'sync.internal:8080')).toBe(false);
    expect(isCrossSiteWrite('PUT', { origin: 'https://Ops.Example.com' }, 'ops.example.com')).toBe(false);
    expect(isCrossSiteWrite('PUT', { referer: 'https://ops.example.com/admin/queues/queue/calls' }, 'ops.example.com')).toBe(false);
  });

  it('stops writes from another origin, judged by Origin, else by Referer', () => {
    expect(isCrossSiteWrite('PUT', { origin: 'https://evil.example' }, 'sync.internal:8080')).toBe(true);
    expect(isCrossSiteWrite('POST', { origin: 'http://sync.internal:9999' }, 'sync.internal:8080')).toBe(true);
    expect(isCrossSiteWrite('POST', { origin: 'null' }, 'sync.internal:8080')).toBe(true);
    expect(isCrossSiteWrite('DELETE', { referer: 'https://evil.example/page' }, 'sync.internal:8080')).toBe(true);
    expect(isCrossSiteWrite('PUT', { origin: 'https://evil.example', referer: 'http://sync.internal:8080/' }, 'sync.internal:8080')).toBe(true);
    // No host to compare with (an HTTP/1.0 request without Host): a browser write is refused.
    expect(isCrossSiteWrite('PUT', { origin: 'http://sync.internal:8080' }, undefined)).toBe(true);
  });

  it('compares with one host only: a list of candidates is no longer accepted', () => {
    expect(isCrossSiteWrite('PUT', { origin: 'https://ops.example.com' }, '10.0.0.5:8080, ops.example.com')).toBe(true);
  });
});

describe('addressedHost', () => {
  const headers = { host: 'sync.internal:8080', 'x-forwarded-host': 'evil.example' };

  it('is the Host header, X-Forwarded-Host ignored, unless a proxy is said to be in front', () => {
    expect(addressedHost(headers, false)).toBe('sync.internal:8080');
    expect(addressedHost({ host: 'Sync.Internal:8080' }, false)).toBe('sync.internal:8080');
    expect(addressedHost({}, false)).toBeUndefined();
  });

  it('with TRUST_PROXY: the value the proxy in front set (the last), else Host', () => {
    expect(addressedHost(headers, true)).toBe('evil.example');
    expect(addressedHost({ host: '10.0.0.5:8080', 'x-forwarded-host': 'forged.example, ops.example.com' }, true)).toBe('ops.example.com');
    expect(addressedHost({ host: 'ops.example.com' }, true)).toBe('ops.example.com');
  });
});
