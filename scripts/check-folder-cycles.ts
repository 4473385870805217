/**
 * Fails when two top-level folders of src/ import each other, directly or around a loop (`npm run lint` runs it).
 * dpdm finds file-level cycles; this finds the folder-level ones a file check misses: sync -> mapping -> sync
 * through different files. Each cycle is printed with, for every edge in it, one import that makes the edge.
 *
 * Usage: node scripts/check-folder-cycles.ts [PROJECT_DIR]   (exit 1 when there is a cycle)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One folder importing another: the first import found that does it, and how many there are. */
export interface FolderEdge {
  readonly from: string;
  readonly to: string;
  readonly example: string;
  readonly count: number;
}

export interface FolderCycle {
  readonly folders: readonly string[];
  readonly edges: readonly FolderEdge[];
}

// import x from '…', import type {…} from '…', export … from '…', import '…', import('…')
const SPECIFIER = /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The relative specifiers a file imports or re-exports from. */
export function relativeImports(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3] ?? '').filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** Every edge between two different top-level folders of `srcDir` (a file directly in it is a folder of its own). */
export function folderEdges(srcDir: string): FolderEdge[] {
  const root = resolve(srcDir);
  const folderOf = (file: string) => relative(root, file).split(sep)[0]!.replace(/\.(ts|mts|tsx)$/, '');
  const edges = new Map<string, { from: string; to: string; example: string; count: number }>();
  for (const file of sourceFiles(root)) {
    for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(root + sep)) continue;
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to) continue;
      const key = `${from}\0${to}`;
      const edge = edges.get(key);
      if (edge) edge.count += 1;
      else edges.set(key, { from, to, example: `${relative(dirname(root), file).split(sep).join('/')} -> ${spec}`, count: 1 });
    }
  }
  return [...edges.values()];
}

/** The strongly connected groups of two or more folders (Tarjan), each with the edges inside it. */
export function folderCycles(edges: readonly FolderEdge[]): FolderCycle[] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]).set(e.to, next.get(e.to) ?? []);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: FolderCycle[] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) visit(w);
      if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, low.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group = stack.splice(stack.indexOf(v));
    if (group.length > 1) cycles.push({ folders: group, edges: edges.filter((e) => group.includes(e.from) && group.includes(e.to)) });
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

export function formatCycles(cycles: readonly FolderCycle[]): string {
  const lines = cycles.flatMap((c) => [
    `cycle: ${c.folders.join(' <-> ')}`,
    ...c.edges.map((e) => `  ${e.from} -> ${e.to}: ${e.example}${e.count > 1 ? ` (and ${e.count - 1} more)` : ''}`),
  ]);
  return [...lines, `${cycles.length} folder cycle${cycles.length === 1 ? '' : 's'}`].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cycles = folderCycles(folderEdges(join(process.argv[2] ?? '.', 'src')));
  if (cycles.length > 0) {
    console.error(formatCycles(cycles));
    console.error('A folder that imports another must not be imported back: move the shared piece to the lower layer (STYLE.md, section 1).');
    process.exit(1);
  }
  console.log(formatCycles(cycles));
}
