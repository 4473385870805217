/** A worker run as its own process (the product's `work` command or the naive baseline), with its CPU and memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cpuSeconds, memoryMb } from './proc-stats.ts';

/**
 * optimized: the product's worker with the bench's mapping; full: the same worker with everything the admin can turn on
 * that writes more (mapped Task fields, Opportunity next step; see synthetic-org.ts); naive: the baseline.
 */
export type Mode = 'optimized' | 'full' | 'naive';

export const ROOT = join(import.meta.dirname, '..');
const ENTRY = (mode: Mode, entry: 'dist' | 'src'): string[] =>
  mode === 'naive' ? [join(ROOT, 'bench', 'naive-worker.ts')] : [join(ROOT, entry, 'cli', entry === 'dist' ? 'main.js' : 'main.ts'), 'work'];
const TAIL = 64 * 1024;

export class WorkerProcess {
  readonly mode: Mode;
  readonly child: ChildProcess;
  #out = '';
  #ready = false;
  #cpuAtReady: number | undefined;
  #exit: Promise<number | null>;

  constructor(mode: Mode, env: Record<string, string>, entry: 'dist' | 'src' = 'src') {
    this.mode = mode;
    this.child = spawn(process.execPath, ENTRY(mode, entry), { cwd: ROOT, env: { ...process.env, LOG_FORMAT: 'json', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      this.#out = (this.#out + d.toString()).slice(-TAIL);
      if (!this.#ready && /"message":"worker_started"/.test(this.#out)) this.#ready = true;
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.#exit = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** The last lines it wrote (for error messages). */
  tail(): string {
    return this.#out.split('\n').slice(-15).join('\n');
  }

  /** Waits for `worker_started`; then notes its CPU time so far (start-up is not counted against calls). */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#ready) {
      if (this.child.exitCode !== null) throw new Error(`${this.mode} worker exited (${this.child.exitCode}) before it started:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`${this.mode} worker did not start within ${timeoutMs} ms:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    this.#cpuAtReady = cpuSeconds(this.pid);
  }

  /** CPU seconds used since it was ready. */
  cpuSinceReady(): number {
    return (cpuSeconds(this.pid) ?? 0) - (this.#cpuAtReady ?? 0);
  }

  memory(): { rss: number; peak: number } | undefined {
    return memoryMb(this.pid);
  }

  /** SIGTERM (graceful drain), then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timedOut = await Promise.race([this.#exit.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref())]);
    if (timedOut) {
      this.child.kill('SIGKILL');
      await this.#exit;
    }
  }
}
