import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/lib/logger.ts';
import { heartbeatIntervalMs, SilenceWatchdog } from '../../../src/ringcentral/subscription-watchdog.ts';

/** The part of a ws WebSocket the watchdog uses: frames in, close, readyState and terminate(). */
class FakeSocket extends EventEmitter {
  readyState = 1;
  terminated = 0;
  terminate(): void {
    this.terminated += 1;
    this.readyState = 3;
    this.emit('close', 1006);
  }
}

const logger = createLogger({ level: 'error', format: 'json' });

function watched(silenceMs = 1_000): { dog: SilenceWatchdog; ws: FakeSocket } {
  const dog = new SilenceWatchdog({ silenceMs, logger });
  const ws = new FakeSocket();
  dog.watch(ws as unknown as WebSocket);
  return { dog, ws };
}

describe('SilenceWatchdog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('terminates a socket on which nothing arrived for silenceMs', () => {
    const { ws } = watched();
    vi.advanceTimersByTime(999);
    expect(ws.terminated).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ws.terminated).toBe(1);
  });

  it('leaves a socket alone while frames keep arriving, and counts the silence from the last one', () => {
    const { ws } = watched();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(600);
      ws.emit('message', '{}');
    }
    expect(ws.terminated).toBe(0);
    vi.advanceTimersByTime(999);
    expect(ws.terminated).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ws.terminated).toBe(1);
  });

  it('stops watching a closed socket, and every socket once stopped', () => {
    const closed = watched();
    closed.ws.readyState = 3;
    closed.ws.emit('close', 1000);
    const live = watched();
    live.dog.stop();
    vi.advanceTimersByTime(10_000);
    expect([closed.ws.terminated, live.ws.terminated]).toEqual([0, 0]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('has the client send a Heartbeat after half the silence allowed, at most 60 s', () => {
    expect([1_000, 120_000, 300_000, 5].map(heartbeatIntervalMs)).toEqual([500, 60_000, 60_000, 10]);
  });
});
