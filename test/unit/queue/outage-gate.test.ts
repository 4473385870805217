import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/lib/logger.ts';
import { OutageGate, type ProbeResult } from '../../../src/queue/outage-gate.ts';
import type { HoldCause } from '../../../src/queue/retry-policy.ts';

/** A gate whose probe answers from `answers` (then ok), or never when an answer is `'hang'`. */
function harness(answers: Array<ProbeResult | 'hang'>) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write: (chunk: Buffer, _e, done) => {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const events: string[] = [];
  const probes: Array<{ cause: HoldCause; at: number }> = [];
  const act = (e: string) => () => {
    events.push(e);
    return Promise.resolve();
  };
  const gate = new OutageGate({
    logger: createLogger({ level: 'info', format: 'json', stream }),
    probe: (cause) => {
      probes.push({ cause, at: Date.now() });
      const a = answers.shift() ?? { ok: true };
      return a === 'hang' ? new Promise<ProbeResult>(() => undefined) : Promise.resolve(a);
    },
    pause: act('pause'),
    resume: act('resume'),
    release: act('release'),
  });
  return { gate, lines, events, probes, messages: () => lines.map((l) => l.message) };
}

const down: ProbeResult = { ok: false, cause: 'outage', error: 'SERVER_UNAVAILABLE' };

describe('OutageGate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds, probes on the cause cadence, and runs the worker again on trial when a probe is answered', async () => {
    const h = harness([down, down]);
    await h.gate.hold('outage', 'salesforce SERVER_UNAVAILABLE');
    expect(h.gate.state()).toMatchObject({ open: false, cause: 'outage', since: 0, probes: 0 });
    expect(h.gate.holding()).toBe('outage');
    expect(h.events).toEqual(['pause']);
    await vi.advanceTimersByTimeAsync(5000); // a first look after 5 s
    await vi.advanceTimersByTimeAsync(9999);
    expect(h.probes.map((p) => p.at)).toEqual([5000]);
    await vi.advanceTimersByTimeAsync(1); // 10 s later, then every 15 s
    await vi.advanceTimersByTimeAsync(15_000);
    expect(h.probes.map((p) => p.at)).toEqual([5000, 15_000, 30_000]);
    expect(h.gate.isOpen()).toBe(true);
    expect(h.gate.holding()).toBe('trial');
    expect(h.events).toEqual(['pause', 'resume']);
    // One line when held, one when it answers: none per probe.
    expect(h.messages()).toEqual(['salesforce_unavailable', 'salesforce_available']);
    expect(h.lines[1]).toMatchObject({ after: 'outage', downMs: 30_000, probes: 3 });
    // The first call written opens the gate for good, and the delayed retries are due.
    h.gate.succeeded();
    expect(h.gate.holding()).toBeUndefined();
    expect(h.events).toEqual(['pause', 'resume', 'release']);
  });

  it('on trial, a failure holds again where the probes left off (reads answered, writes still failing)', async () => {
    const h = harness([down]);
    await h.gate.hold('outage');
    await vi.advanceTimersByTimeAsync(15_000); // probes at 5 s (down) and 15 s (answered)
    expect(h.gate.holding()).toBe('trial');
    await h.gate.hold('outage', 'a write failed');
    expect(h.gate.state()).toMatchObject({ open: false, cause: 'outage', since: 0, probes: 2 });
    await vi.advanceTimersByTimeAsync(14_999);
    expect(h.probes).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1); // the next probe 15 s on, not 5 s
    expect(h.probes.map((p) => p.at)).toEqual([5000, 15_000, 30_000]);
    expect(h.events).toEqual(['pause', 'resume', 'pause', 'resume']);
    expect(h.lines.filter((l) => l.message === 'salesforce_unavailable').map((l) => l.again)).toEqual([undefined, true]);
  });

  it('a probe that does not answer fails after its time limit, and the next one goes out', async () => {
    const h = harness(['hang']);
    await h.gate.hold('concurrent_limit');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.probes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(15_000); // the hung probe times out
    expect(h.gate.state()).toMatchObject({ open: false, cause: 'concurrent_limit', probes: 1, lastError: 'no answer within 15000 ms' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.probes).toHaveLength(2);
    expect(h.gate.isOpen()).toBe(true);
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
  });

  it('a second hold for the same cause changes nothing; another cause replaces it, also during a probe', async () => {
    const h = harness(['hang']);
    await h.gate.hold('outage');
    await h.gate.hold('outage');
    await vi.advanceTimersByTimeAsync(5000); // a probe under way, hanging
    await h.gate.hold('concurrent_limit');
    expect(h.gate.state()).toMatchObject({ open: false, cause: 'concurrent_limit', since: 0 });
    expect(h.events).toEqual(['pause']);
    await vi.advanceTimersByTimeAsync(10_000); // the new cause's probe; the hung one's answer is discarded
    expect(h.probes.map((p) => p.cause)).toEqual(['outage', 'concurrent_limit']);
    expect(h.gate.holding()).toBe('trial');
  });

  it('a trial with no call to try ends by itself: the gate is open, a later passing failure is a retry', async () => {
    const h = harness([]);
    await h.gate.hold('outage');
    await vi.advanceTimersByTimeAsync(5000);
    expect(h.gate.holding()).toBe('trial');
    await vi.advanceTimersByTimeAsync(120_001);
    expect(h.gate.holding()).toBeUndefined();
    expect(h.gate.isOpen()).toBe(true);
  });

  it('counts passing failures in a row until a call succeeds', () => {
    const h = harness([]);
    expect([h.gate.countTransient(), h.gate.countTransient()]).toEqual([1, 2]);
    h.gate.succeeded();
    expect(h.gate.countTransient()).toBe(1);
  });

  it('closed: stops probing, does not wait long for a probe under way, and a hold still pauses the worker', async () => {
    const h = harness(['hang']);
    await h.gate.hold('login');
    await vi.advanceTimersByTimeAsync(1000); // the probe hangs
    const closing = h.gate.close();
    await vi.advanceTimersByTimeAsync(1000);
    await closing;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.probes).toHaveLength(1);
    await h.gate.hold('outage');
    expect(h.events).toEqual(['pause', 'pause']);
  });
});
