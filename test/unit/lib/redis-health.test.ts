import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isRedisConnectionError, RedisHealth, registerRedisHealth, reportRedisError, type HealthClock } from '../../../src/lib/redis-health.ts';
import { createLogger } from '../../../src/lib/logger.ts';

/** A clock that moves only when told to, running the intervals that fall due on the way. */
class FakeClock implements HealthClock {
  #now = 1_000_000;
  #timers: Array<{ every: number; next: number; fn: () => void } | undefined> = [];

  now(): number {
    return this.#now;
  }

  every(ms: number, fn: () => void): () => void {
    const i = this.#timers.push({ every: ms, next: this.#now + ms, fn }) - 1;
    return () => {
      this.#timers[i] = undefined;
    };
  }

  get pending(): number {
    return this.#timers.filter(Boolean).length;
  }

  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = this.#timers.filter((t) => t && t.next <= until).sort((a, b) => a!.next - b!.next)[0];
      if (!due) break;
      this.#now = due.next;
      due.next += due.every;
      due.fn();
    }
    this.#now = until;
  }
}

/** A real logger (JSON, info level) whose lines are collected synchronously. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunk.toString().split('\n').filter(Boolean).forEach((l) => lines.push(JSON.parse(l) as Record<string, unknown>));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', format: 'json', stream }) };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });

function setup(reminderMs = 30_000) {
  const clock = new FakeClock();
  const { lines, logger } = capture();
  const health = new RedisHealth({ logger, clock, reminderMs });
  const messages = () => lines.map((l) => l.message);
  return { clock, lines, health, messages };
}

describe('isRedisConnectionError', () => {
  it('knows the ways Redis cannot be reached', () => {
    expect(isRedisConnectionError(refused())).toBe(true);
    expect(isRedisConnectionError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRedisConnectionError(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }))).toBe(true);
    expect(isRedisConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisConnectionError(Object.assign(new Error('Reached the max retries per request limit (which is 20).'), { name: 'MaxRetriesPerRequestError' }))).toBe(true);
    expect(isRedisConnectionError(new Error('LOADING Redis is loading the dataset in memory'))).toBe(true);
    // Node tries each address of a host name and reports them together.
    expect(isRedisConnectionError(new AggregateError([refused(), refused()], ''))).toBe(true);
  });

  it('leaves Redis answers and other failures to the caller', () => {
    expect(isRedisConnectionError(new Error('WRONGPASS invalid username-password pair'))).toBe(false);
    expect(isRedisConnectionError(new Error('could not renew lock for job call-1'))).toBe(false);
    expect(isRedisConnectionError(new Error('Missing lock for job call-1. moveToDelayed'))).toBe(false);
    expect(isRedisConnectionError('ECONNREFUSED')).toBe(false);
    expect(isRedisConnectionError(undefined)).toBe(false);
  });
});

describe('RedisHealth', () => {
  it('logs one line when the first connection is lost and one when the last is back, whatever the errors between', () => {
    const { clock, lines, health, messages } = setup();
    health.lost('queue', refused());
    for (let i = 0; i < 50; i++) {
      health.lost(['queue', 'worker', 'lock'][i % 3]!, refused());
      expect(health.clientError('worker', refused())).toBe(true);
      clock.advance(100);
    }
    expect(health.down().sort()).toEqual(['lock', 'queue', 'worker']);
    health.back('queue');
    health.back('worker');
    expect(messages()).toEqual(['redis_unreachable']);
    clock.advance(500);
    health.back('lock');
    expect(messages()).toEqual(['redis_unreachable', 'redis_reconnected']);
    expect(lines[0]).toMatchObject({ level: 'warn', connection: 'queue', err: 'connect ECONNREFUSED 127.0.0.1:6379', code: 'ECONNREFUSED' });
    expect(lines[1]).toMatchObject({ level: 'info', downMs: 5500, errorsWhileDown: 100 });
    expect((lines[1]!.connections as string[]).sort()).toEqual(['lock', 'queue', 'worker']);
    // No stack: an outage is a line, not a trace.
    expect(JSON.stringify(lines)).not.toContain('stack');
    expect(health.down()).toEqual([]);
  });

  it('reminds every interval while any connection is down, saying for how long and which, and stops when all are back', () => {
    const { clock, lines, health, messages } = setup(10_000);
    health.lost('queue', refused());
    clock.advance(5_000);
    health.lost('leader', new Error('Connection is closed.'));
    clock.advance(5_000);
    health.back('queue');
    clock.advance(20_000);
    expect(messages()).toEqual(['redis_unreachable', 'redis_still_unreachable', 'redis_still_unreachable', 'redis_still_unreachable']);
    expect(lines.slice(1).map((l) => l.downMs)).toEqual([10_000, 20_000, 30_000]);
    expect(lines[1]).toMatchObject({ level: 'warn', connections: ['queue', 'leader'], lastErr: 'Connection is closed.' });
    expect(lines[2]).toMatchObject({ level: 'warn', connections: ['leader'] });
    health.back('leader');
    clock.advance(60_000);
    expect(messages()).toEqual(['redis_unreachable', 'redis_still_unreachable', 'redis_still_unreachable', 'redis_still_unreachable', 'redis_reconnected']);
    expect(clock.pending).toBe(0);
  });

  it('defaults to a reminder every 30 s', () => {
    const clock = new FakeClock();
    const { lines, logger } = capture();
    const health = new RedisHealth({ logger, clock });
    health.lost('queue', refused());
    clock.advance(29_999);
    expect(lines).toHaveLength(1);
    clock.advance(1);
    expect(lines.map((l) => l.message)).toEqual(['redis_unreachable', 'redis_still_unreachable']);
  });

  it('a second outage is reported afresh', () => {
    const { clock, lines, health, messages } = setup();
    health.lost('queue', refused());
    health.back('queue');
    clock.advance(60_000);
    health.lost('worker', refused());
    clock.advance(2_000);
    health.back('worker');
    expect(messages()).toEqual(['redis_unreachable', 'redis_reconnected', 'redis_unreachable', 'redis_reconnected']);
    expect(lines[3]).toMatchObject({ downMs: 2_000, connections: ['worker'] });
  });

  it('back() from a connection that was not down says nothing', () => {
    const { health, messages } = setup();
    health.back('queue');
    health.lost('queue', refused());
    health.back('worker');
    expect(messages()).toEqual(['redis_unreachable']);
  });

  it('a client error that is not about reaching Redis is left to the caller to log', () => {
    const { health, messages } = setup();
    expect(health.clientError('worker', new Error('could not renew lock for job call-1'))).toBe(false);
    health.lost('queue', refused());
    expect(health.clientError('worker', new Error('Missing lock for job call-1. moveToDelayed'))).toBe(false);
    expect(messages()).toEqual(['redis_unreachable']);
  });

  it('a client failing alone (no connection of ours down) is logged at most once per interval', () => {
    const { clock, lines, health, messages } = setup(30_000);
    for (let i = 0; i < 20; i++) {
      expect(health.clientError('worker', refused())).toBe(true);
      clock.advance(1_000);
    }
    expect(messages()).toEqual(['redis_connection_error']);
    expect(lines[0]).toMatchObject({ level: 'warn', client: 'worker', code: 'ECONNREFUSED' });
    clock.advance(10_000);
    health.clientError('worker', refused());
    health.clientError('queue', refused());
    expect(messages()).toEqual(['redis_connection_error', 'redis_connection_error', 'redis_connection_error']);
    expect(health.down()).toEqual([]);
  });

  it('after close() (shutdown) nothing more is reported and the reminders stop', () => {
    const { clock, health, messages } = setup(1_000);
    health.lost('queue', refused());
    health.close();
    clock.advance(10_000);
    health.lost('worker', refused());
    expect(health.clientError('worker', refused())).toBe(true);
    clock.advance(10_000);
    expect(messages()).toEqual(['redis_unreachable']);
    expect(clock.pending).toBe(0);
  });

  it('reportRedisError reaches the reporter a connection was registered with; an unregistered one is the caller’s to log', () => {
    const { health, messages } = setup();
    const registered = new Redis({ lazyConnect: true });
    const other = new Redis({ lazyConnect: true });
    registerRedisHealth(registered, health, 'leader');
    expect(reportRedisError(registered, 'leader', refused())).toBe(true);
    expect(reportRedisError(registered, 'leader', new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(reportRedisError(other, 'leader', refused())).toBe(false);
    expect(messages()).toEqual(['redis_connection_error']);
    registered.disconnect();
    other.disconnect();
  });
});
