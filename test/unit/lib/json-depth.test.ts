import { describe, expect, it } from 'vitest';
import { CUT, jsonDepth, pruneDeeperThan } from '../../../src/lib/json-depth.ts';

const nest = (levels: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};

describe('jsonDepth', () => {
  it('counts objects and arrays, not scalars', () => {
    expect(jsonDepth('x', 10)).toBe(0);
    expect(jsonDepth({}, 10)).toBe(1);
    expect(jsonDepth({ a: [1, { b: 2 }] }, 10)).toBe(3);
  });
  it('walks a hostile nesting without overflowing the stack, and stops past the limit', () => {
    expect(() => JSON.stringify(nest(20_000))).toThrow(RangeError);
    expect(jsonDepth(nest(20_000), 32)).toBe(33);
    expect(jsonDepth(nest(20_000), 100_000)).toBe(20_000);
  });
});

describe('pruneDeeperThan', () => {
  it('returns a shallow value as it is', () => {
    const v = { a: { b: [1, 2] } };
    expect(pruneDeeperThan(v, 5)).toBe(v);
  });
  it('cuts what lies below the depth, so the rest can be serialised and kept', () => {
    const cut = pruneDeeperThan({ keep: 'me', deep: nest(20_000) }, 3);
    expect(cut).toEqual({ keep: 'me', deep: { a: { a: CUT } } });
    expect(JSON.stringify(pruneDeeperThan(nest(20_000), 40)).length).toBeLessThan(1000);
  });
});
