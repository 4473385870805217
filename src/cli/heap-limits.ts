import { url as inspectorUrl } from 'node:inspector';
import { getHeapStatistics } from 'node:v8';

/**
 * V8 heap limits for the long-running service (start, listen, work).
 *
 * V8 sizes its heap from the memory of the machine (or of the container's cgroup). On a host with a lot of it, it
 * lets the young generation grow to 128 MB and the old generation to several times what survived the last full
 * collection before it collects again: a worker whose live heap is 50-90 MB sat at ~520 MB resident while working
 * through a backlog of 10,000 calls. With 8 MB semi-spaces and a 512 MB old generation (a limit that also makes
 * V8 grow the heap in smaller steps) the same run peaks at 200-245 MB (WORKER_CONCURRENCY 50-200), for ~40-50 %
 * more CPU per call while the worker is CPU-bound (more garbage collections); see the bench's memory run.
 */
export const SERVICE_HEAP_FLAGS: readonly string[] = ['--max-semi-space-size=8', '--max-old-space-size=512'];

/**
 * V8 flags for the same processes that Node refuses in NODE_OPTIONS, so the relaunch puts them on its command line.
 *
 * --heap-growing-percent=20: after each full collection V8 lets the old generation grow to 1.2 times what survived
 * before it collects again. Left to itself it picks a factor between 1.1 and 4 that grows with how fast the process
 * allocates, so the faster a worker got through a backlog the bigger its heap: in the bench's memory run (full mode,
 * 10,000 queued) 193 and 183 MB with it (4,724 and 3,776 calls in 20 s) against 195 and 206 MB (4,037 and 4,061)
 * without, and 211 MB in a run that did 5,120; CPU per call 0.0059 against 0.0058 s in a 2,000-call backlog.
 */
export const SERVICE_V8_FLAGS: readonly string[] = ['--heap-growing-percent=20'];

/** A heap limit V8 chose itself at or below this (a small machine or container) is left as it is. */
const ALREADY_SMALL_MB = 640;

/** Any heap-size flag the user gave: theirs wins. */
const HEAP_SIZE_FLAG = /(^|\s)--(max|min)[-_](old[-_]space|semi[-_]space|heap|young[-_]generation)[-_]size\b/;

/**
 * The NODE_OPTIONS to run the service with, or undefined to run as is: when the user set a heap size (in
 * NODE_OPTIONS or on the command line), or V8's own limit (`heapLimitMb`) is already small. Pure.
 */
export function serviceNodeOptions(nodeOptions: string | undefined, execArgv: readonly string[], heapLimitMb: number): string | undefined {
  if (HEAP_SIZE_FLAG.test(nodeOptions ?? '') || execArgv.some((a) => HEAP_SIZE_FLAG.test(a))) return undefined;
  if (heapLimitMb <= ALREADY_SMALL_MB) return undefined;
  return [nodeOptions?.trim(), ...SERVICE_HEAP_FLAGS].filter(Boolean).join(' ');
}

/**
 * glibc malloc settings for the service, where the environment does not set them already.
 *
 * MALLOC_ARENA_MAX=2: two malloc arenas instead of one per thread (the libuv and V8 threads allocate little).
 *
 * MALLOC_MMAP_THRESHOLD_=65536: blocks of 64 KB and more (such as the 64 KB buffer Node reads a socket into before
 * it shrinks it to what arrived, request and response bodies, compression buffers) are mapped apart and given back
 * when freed. Left to itself, glibc raises that threshold to the size of every large block freed (up to 32 MB),
 * after which such blocks come from the heap and leave holes in it that it never returns: in the bench's memory run
 * (full mode, 10,000 queued) the worker peaked at 203-217 MB without it and 187-197 MB with it, for no CPU per call
 * the bench could tell apart (0.0051 s either way in a 2,000-call backlog).
 */
export function serviceMallocEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const wanted = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: String(64 * 1024) };
  return Object.fromEntries(Object.entries(wanted).filter(([name]) => env[name] === undefined));
}

/**
 * Applies SERVICE_HEAP_FLAGS, SERVICE_V8_FLAGS and serviceMallocEnv to this process: they are fixed when the process
 * starts, so it replaces itself (execve: same pid, arguments and environment, plus the V8 flags, the heap flags in
 * NODE_OPTIONS and the malloc settings) before it has loaded or opened anything. Returns without doing anything
 * where that is not possible (Windows, Node without process.execve, a debugger attached) or not wanted (see
 * serviceNodeOptions).
 */
export function relaunchWithServiceHeap(): void {
  if (typeof process.execve !== 'function' || inspectorUrl() !== undefined) return;
  const nodeOptions = serviceNodeOptions(process.env.NODE_OPTIONS, process.execArgv, getHeapStatistics().heap_size_limit / 2 ** 20);
  if (nodeOptions === undefined) return;
  try {
    process.execve(process.execPath, [process.execPath, ...SERVICE_V8_FLAGS, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, ...serviceMallocEnv(process.env), NODE_OPTIONS: nodeOptions });
  } catch {
    // Not replaced (the error leaves this process as it was): run with V8's own limits.
  }
}
