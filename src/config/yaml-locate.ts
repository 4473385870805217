import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Location {
  line: number;
  column: number;
}

type PathKey = PropertyKey;

function keyMatches(key: unknown, wanted: PathKey): boolean {
  if (isScalar(key)) return String(key.value) === String(wanted);
  return String(key) === String(wanted);
}

/** The pair (key and value nodes) at `path`, following as far as the document goes. */
function walk(doc: Document, path: readonly PathKey[]): { node: Node | null; keyNode: Node | null; depth: number } {
  let node = doc.contents;
  let keyNode: Node | null = null;
  let depth = 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, key));
      if (!pair) break;
      keyNode = (pair.key as Node | null) ?? null;
      node = (pair.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      keyNode = null;
      node = item;
    } else break;
    depth++;
  }
  return { node, keyNode, depth };
}

function toLocation(lc: LineCounter, offset: number | undefined): Location | undefined {
  if (offset === undefined) return undefined;
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}

/** Where the value at `path` stands in the file (or the nearest existing parent, for a missing key). */
export function locateValue(doc: Document, lc: LineCounter, path: readonly PathKey[]): Location | undefined {
  const { node, keyNode, depth } = walk(doc, path);
  const target = depth === path.length ? (node ?? keyNode) : (keyNode ?? node);
  return toLocation(lc, target?.range?.[0]);
}

/** Where the key `key` of the map at `path` stands (for unknown keys). */
export function locateKey(doc: Document, lc: LineCounter, path: readonly PathKey[], key: string): Location | undefined {
  const { node, depth } = walk(doc, path);
  if (depth === path.length && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, key));
    const k = pair?.key as Node | undefined;
    if (k?.range) return toLocation(lc, k.range[0]);
  }
  return locateValue(doc, lc, path);
}

/** Renders a key path the way an admin would write it: users."62288320001".email */
export function formatPath(path: readonly PathKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((k, i) => {
      if (typeof k === 'number') return `[${k}]`;
      const s = String(k);
      const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : JSON.stringify(s);
      return i === 0 ? plain : `.${plain}`;
    })
    .join('');
}
