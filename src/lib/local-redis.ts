import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/** A Redis the process can use: either one that already answered, or a `redis-server` we started and own. */
export interface LocalRedis {
  readonly url: string;
  /** True when this process started the server (and `stop()` will end it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Keep data in an append-only file (for tests that restart Redis and expect the data back). */
  appendOnly?: boolean;
  /** Data directory; a fresh temporary one by default. */
  dir?: string;
  /** Port to bind; a free one by default. */
  port?: number;
  /**
   * End the server when this process ends, however it ends: a normal exit or process.exit() (an 'exit' handler),
   * and a crash or SIGKILL too (a watchdog `sh` whose stdin is a pipe from this process kills the server when the
   * pipe closes). The server and its watchdog get process groups of their own, so a Ctrl-C in the terminal reaches
   * only this process, which can then stop what uses the server before the server. For commands like `demo`.
   */
  stopWithParent?: boolean;
}

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** Answers whether a Redis at `url` replies to PING within `timeoutMs`. Never throws. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts a private `redis-server` on loopback and waits until it answers. */
export async function startRedisServer(opts: StartRedisOptions = {}): Promise<LocalRedis & { port: number; dir: string; process: ChildProcess }> {
  if (!redisServerInstalled()) {
    throw new RedisUnavailableError(
      'redis-server is not installed. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`) ' +
        'or point REDIS_URL at a running Redis (e.g. `docker run -p 6379:6379 redis:7`).',
    );
  }
  const port = opts.port ?? (await freePort());
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'ringsense-redis-'));
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', opts.appendOnly ? 'yes' : 'no',
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
    '--loglevel', 'warning',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'], detached: opts.stopWithParent === true });
  const release = opts.stopWithParent ? stopWhenParentEnds(child) : () => undefined;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await redisAnswers(url, 500))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      release();
      throw new RedisUnavailableError(`redis-server on port ${port} did not start: ${stderr.trim() || 'no answer within 10 s'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopped = false;
  return {
    url,
    port,
    dir,
    owned: true,
    process: child,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      release();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** See StartRedisOptions.stopWithParent. Returns what undoes it once the server is stopped. */
function stopWhenParentEnds(server: ChildProcess): () => void {
  const onExit = (): void => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  };
  process.once('exit', onExit);
  // `read` returns at end of input: when this process is gone, however it went, its end of the pipe is closed.
  const watchdog = spawn('sh', ['-c', 'read _; kill -TERM "$0" 2>/dev/null', String(server.pid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watchdog.on('error', () => undefined); // no sh: the 'exit' handler still covers every exit but a kill
  watchdog.stdin?.on('error', () => undefined);
  // Neither keeps this process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  server.unref();
  (server.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  return () => {
    process.off('exit', onExit);
    watchdog.kill('SIGKILL');
  };
}

/**
 * Uses `preferredUrl` when a Redis answers there; otherwise starts a private `redis-server`.
 * Throws RedisUnavailableError with instructions when neither is possible.
 */
export async function findOrStartRedis(preferredUrl?: string, opts: Pick<StartRedisOptions, 'stopWithParent'> = {}): Promise<LocalRedis> {
  if (preferredUrl && (await redisAnswers(preferredUrl))) {
    return { url: preferredUrl, owned: false, stop: () => Promise.resolve() };
  }
  return startRedisServer(opts);
}
