/**
 * A JSON value cut to about `maxBytes` of JSON text, whatever its size: for showing stored data to a person (the
 * queue dashboard) without sending or walking all of it. The walk visits only what it keeps (plus one look at each
 * value it cuts), so a huge value costs no more than a small one. What is cut is said where it was:
 * - a string: its first characters, then `…` and its length;
 * - a list: its first items, then `{ "…": "N more items" }` (an object, so that a redaction after this one, which
 *   hides the strings of a list, keeps the count);
 * - an object: its first keys, then `"…": "N more keys"`;
 * - deeper than `maxDepth`: `"[deeper levels not shown]"`.
 * Pure; never throws on plain JSON data (numbers, booleans, null; a non-JSON value is shown as its type).
 */

export const MORE = '…';
export const DEEPER = '[deeper levels not shown]';

export interface Bounds {
  readonly maxBytes: number;
  /** Levels of objects and lists kept (default 12). */
  readonly maxDepth?: number;
  /** Characters kept of any one string (default 300). */
  readonly maxString?: number;
}

/** The JSON size of a short scalar (strings are measured where they are cut). */
function scalarBytes(v: unknown): number {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v).length : 4;
}

export function boundJson(value: unknown, bounds: Bounds): unknown {
  const maxDepth = bounds.maxDepth ?? 12;
  const maxString = bounds.maxString ?? 300;
  let left = bounds.maxBytes;

  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      const room = Math.max(0, Math.min(maxString, left - 24));
      let shown = v.length <= room ? v : `${v.slice(0, room)}${MORE} (${v.length} characters)`;
      // Control characters take up to 6 bytes each in JSON: cut further rather than overshoot.
      if (JSON.stringify(shown).length > room + 40) shown = `${v.slice(0, Math.floor(room / 6))}${MORE} (${v.length} characters)`;
      left -= JSON.stringify(shown).length;
      return shown;
    }
    if (v === null || typeof v === 'number' || typeof v === 'boolean') {
      left -= scalarBytes(v);
      return v;
    }
    if (typeof v !== 'object') {
      left -= 12;
      return `[${typeof v}]`;
    }
    if (depth >= maxDepth) {
      left -= DEEPER.length + 2;
      return DEEPER;
    }
    left -= 2;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) {
        if (left <= 0) break;
        out.push(walk(item, depth + 1));
        left -= 1;
      }
      if (out.length < v.length) out.push({ [MORE]: `${v.length - out.length} more items` });
      return out;
    }
    // Entries, not assignments: a `__proto__` key of parsed JSON stays a key of its own.
    const out: Array<[string, unknown]> = [];
    const keys = Object.keys(v);
    for (const k of keys) {
      if (left <= 0) break;
      const key = k.length <= maxString ? k : `${k.slice(0, maxString)}${MORE}`;
      left -= JSON.stringify(key).length + 2;
      out.push([key, walk((v as Record<string, unknown>)[k], depth + 1)]);
    }
    if (out.length < keys.length) out.push([MORE, `${keys.length - out.length} more keys`]);
    return Object.fromEntries(out);
  };

  return walk(value, 0);
}
