import { describe, expect, it } from 'vitest';
import { SERVICE_HEAP_FLAGS, serviceMallocEnv, serviceNodeOptions } from '../../../src/cli/heap-limits.ts';

const flags = SERVICE_HEAP_FLAGS.join(' ');

describe('serviceNodeOptions (the V8 heap limits of start, listen and work)', () => {
  it('adds the limits on a host where V8 chose a large heap, keeping what NODE_OPTIONS had', () => {
    expect(serviceNodeOptions(undefined, [], 4288)).toBe(flags);
    expect(serviceNodeOptions('', [], 4288)).toBe(flags);
    expect(serviceNodeOptions(' --import=./trace.mjs ', ['--enable-source-maps'], 4288)).toBe(`--import=./trace.mjs ${flags}`);
  });

  it('leaves a heap size the user chose alone, in NODE_OPTIONS or on the command line, in any spelling', () => {
    for (const opt of ['--max-old-space-size=1024', '--max_old_space_size=1024', '--max-semi-space-size=32', '--max-heap-size=300', '--min-semi-space-size=2']) {
      expect(serviceNodeOptions(`--trace-warnings ${opt}`, [], 4288), opt).toBeUndefined();
      expect(serviceNodeOptions(undefined, [opt], 4288), opt).toBeUndefined();
    }
    expect(serviceNodeOptions('--max-old-space-sizes-are-not-a-flag', [], 4288)).toBe(`--max-old-space-sizes-are-not-a-flag ${flags}`);
  });

  it('leaves a heap V8 already sized small (a memory-limited container) as it is', () => {
    expect(serviceNodeOptions(undefined, [], 520)).toBeUndefined();
    expect(serviceNodeOptions(undefined, [], 2100)).toBe(flags);
  });
});

describe('serviceMallocEnv (the glibc malloc settings of start, listen and work)', () => {
  it('asks for two arenas and a fixed 64 KB mmap threshold', () => {
    expect(serviceMallocEnv({})).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '65536' });
  });

  it('leaves each setting the environment has alone, even an empty one', () => {
    expect(serviceMallocEnv({ MALLOC_ARENA_MAX: '4' })).toEqual({ MALLOC_MMAP_THRESHOLD_: '65536' });
    expect(serviceMallocEnv({ MALLOC_MMAP_THRESHOLD_: '' })).toEqual({ MALLOC_ARENA_MAX: '2' });
    expect(serviceMallocEnv({ MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' })).toEqual({});
  });
});
