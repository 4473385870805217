/** "Did you mean" hints for unknown keys of the mapping file: the keys a schema accepts, and the nearest one. */
import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

/** The keys an object schema at `path` accepts (for "did you mean" hints); empty when unknown. */
export function knownKeys(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let s: AnySchema | undefined = schema;
  const unwrap = (x: AnySchema): AnySchema | undefined => {
    const def = x._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault' || def.type === 'nullable') return def.innerType;
    if (def.type === 'pipe') return def.in;
    return undefined;
  };
  const settle = (x: AnySchema | undefined): AnySchema | undefined => {
    let cur = x;
    for (let next = cur && unwrap(cur); next; next = unwrap(next)) cur = next;
    return cur;
  };
  for (const key of path) {
    s = settle(s);
    if (!s) return [];
    const def = s._zod.def as { type: string; shape?: Record<string, AnySchema>; valueType?: AnySchema };
    if (def.type === 'object' && def.shape) s = def.shape[String(key)];
    else if (def.type === 'record') s = def.valueType;
    else return [];
  }
  s = settle(s);
  const def = s?._zod.def as { type: string; shape?: Record<string, AnySchema> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

export function closest(word: string, options: string[]): string | undefined {
  const lower = word.toLowerCase();
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length]![b.length]!;
  };
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const dd = dist(lower, o.toLowerCase());
    if (dd < bestD) [best, bestD] = [o, dd];
  }
  if (bestD <= Math.max(2, Math.floor(word.length / 3))) return best;
  // Not a typo but a shortened or partial name (ownerByEmail -> ownerByExtensionEmail).
  const prefix = (a: string, b: string) => { let i = 0; while (i < a.length && a[i] === b[i]) i++; return i; };
  const suffix = (a: string, b: string) => prefix([...a].reverse().join(''), [...b].reverse().join(''));
  const partial = options.filter((o) => {
    const ol = o.toLowerCase();
    return ol.includes(lower) || lower.includes(ol) || prefix(lower, ol) + suffix(lower, ol) >= Math.min(lower.length, ol.length) * 0.7;
  });
  return partial.length === 1 ? partial[0] : undefined;
}
