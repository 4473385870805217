/**
 * How deeply a parsed JSON value nests, measured without recursion (a hostile event nested thousands of levels
 * deep overflows the stack of JSON.stringify and of any recursive walk). Objects and arrays count one level each;
 * the walk stops as soon as `limit` is passed, so it costs little on huge but shallow values.
 */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 1 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > deepest) deepest = d;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push({ v: child, d: d + 1 });
    }
  }
  return deepest;
}

/** The marker left where a value was cut (see pruneDeeperThan). */
export const CUT = '[nested too deep: cut]';

/**
 * The value with every object or array below `depth` levels replaced by CUT, so that it can be serialised and kept
 * (a refused event stays in the failed set, replayable by its id). Values no deeper than `depth` come back as they are.
 */
export function pruneDeeperThan(value: unknown, depth: number): unknown {
  if (jsonDepth(value, depth) <= depth) return value;
  const cut = (v: unknown, d: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (d > depth) return CUT;
    if (Array.isArray(v)) return v.map((x) => cut(x, d + 1));
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, cut(x, d + 1)]));
  };
  return cut(value, 1);
}
