import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/lib/logger.ts';
import { OutageGate, type ProbeResult } from '../../../src/queue/outage-gate.ts';
import type { HoldCause } from '../../../src/queue/retry-policy.ts';

function harness(answers: ProbeResult[]) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write: (chunk: Buffer, _e, done) => {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const events: string[] = [];
  const probes: Array<{ cause: HoldCause; at: number }> = [];
  const gate = new OutageGate({
    logger: createLogger({ level: 'info', format: 'json', stream }),
    probe: (cause) => {
      probes.push({ cause, at: Date.now() });
      return Promise.resolve(answers.shift() ?? { ok: true });
    },
    pause: () => {
      events.push('pause');
      return Promise.resolve();
    },
    resume: () => {
      events.push('resume');
      return Promise.resolve();
    },
  });
  return { gate, lines, events, probes, messages: () => lines.map((l) => l.message) };
}

describe('OutageGate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds, probes on the cause cadence, and opens when a probe succeeds', async () => {
    const h = harness([{ ok: false, cause: 'outage', error: 'SERVER_UNAVAILABLE' }, { ok: false, cause: 'outage', error: 'SERVER_UNAVAILABLE' }]);
    await h.gate.hold('outage', 'salesforce SERVER_UNAVAILABLE');
    expect(h.gate.state()).toMatchObject({ open: false, cause: 'outage', since: 0, probes: 0 });
    expect(h.events).toEqual(['pause']);
    await vi.advanceTimersByTimeAsync(5000); // a first look after 5 s
    await vi.advanceTimersByTimeAsync(9999);
    expect(h.probes.map((p) => p.at)).toEqual([5000]);
    await vi.advanceTimersByTimeAsync(1); // 10 s later, then every 15 s
    await vi.advanceTimersByTimeAsync(15_000);
    expect(h.probes.map((p) => p.at)).toEqual([5000, 15_000, 30_000]);
    expect(h.gate.isOpen()).toBe(true);
    expect(h.events).toEqual(['pause', 'resume']);
    // One line when held, one when open again: none per probe.
    expect(h.messages()).toEqual(['salesforce_unavailable', 'salesforce_available']);
    expect(h.lines[1]).toMatchObject({ after: 'outage', downMs: 30_000, probes: 3 });
  });

  it('probes a daily limit once a minute, and follows a probe that finds another cause', async () => {
    const h = harness([{ ok: false, cause: 'auth', error: 'INVALID_SESSION_ID' }]);
    await h.gate.hold('daily_limit');
    await vi.advanceTimersByTimeAsync(59_999);
    expect(h.probes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.gate.state()).toMatchObject({ open: false, cause: 'auth', lastError: 'INVALID_SESSION_ID' });
    await vi.advanceTimersByTimeAsync(1000); // auth is probed after 1 s
    expect(h.probes.map((p) => [p.cause, p.at])).toEqual([['daily_limit', 60_000], ['auth', 61_000]]);
    expect(h.gate.isOpen()).toBe(true);
    expect(h.messages()).toEqual(['salesforce_unavailable', 'salesforce_hold_changed', 'salesforce_available']);
    expect(h.events).toEqual(['pause', 'resume']);
  });

  it('a second hold for the same cause changes nothing; another cause replaces it', async () => {
    const h = harness([]);
    await h.gate.hold('outage');
    await h.gate.hold('outage');
    await h.gate.hold('concurrent_limit');
    expect(h.gate.state()).toMatchObject({ open: false, cause: 'concurrent_limit', since: 0 });
    expect(h.events).toEqual(['pause']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.probes.map((p) => p.cause)).toEqual(['concurrent_limit']);
    expect(h.gate.isOpen()).toBe(true);
  });

  it('counts passing failures in a row until a call succeeds', () => {
    const h = harness([]);
    expect([h.gate.countTransient(), h.gate.countTransient()]).toEqual([1, 2]);
    h.gate.succeeded();
    expect(h.gate.countTransient()).toBe(1);
  });

  it('stops probing when closed', async () => {
    const h = harness([]);
    await h.gate.hold('login');
    await h.gate.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.probes).toEqual([]);
  });
});
