import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { folderCycles, folderEdges, formatCycles, relativeImports } from '../../../scripts/check-folder-cycles.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A made-up src/ tree: file path -> contents. */
function srcTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'folder-cycles-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, 'src', path)), { recursive: true });
    writeFileSync(join(root, 'src', path), text);
  }
  return join(root, 'src');
}

describe('check-folder-cycles', () => {
  it('reads import, import type, export from, side-effect and dynamic imports; only relative ones', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type {\n  B,\n} from '../b/b.ts';",
      "export { c } from '../c/c.ts';",
      "export * from './d.ts';",
      "import '../e/setup.ts';",
      "const f = await import('../f/f.ts');",
      "import { z } from 'zod';",
      "import { readFileSync } from 'node:fs';",
    ].join('\n');
    expect(relativeImports(text)).toEqual(['./a.ts', '../b/b.ts', '../c/c.ts', './d.ts', '../e/setup.ts', '../f/f.ts']);
  });

  it('finds a cycle through different files and names the imports behind each edge', () => {
    const src = srcTree({
      'sync/build.ts': "import type { Party } from '../mapping/types.ts';\nimport { x } from '../lib/x.ts';",
      'sync/process.ts': "import { resolve } from '../mapping/resolve.ts';",
      'mapping/resolve.ts': "import type { Drafts } from '../sync/build.ts';",
      'mapping/types.ts': 'export interface Party { id: string }',
      'lib/x.ts': 'export const x = 1;',
      'app/main.ts': "const m = await import('../sync/process.ts');",
    });
    const cycles = folderCycles(folderEdges(src));
    expect(cycles.map((c) => [...c.folders].sort())).toEqual([['mapping', 'sync']]);
    const text = formatCycles(cycles);
    expect(text).toContain('sync -> mapping: src/sync/build.ts -> ../mapping/types.ts (and 1 more)');
    expect(text).toContain('mapping -> sync: src/mapping/resolve.ts -> ../sync/build.ts');
    expect(text).not.toMatch(/\b(lib|app)\b/);
    expect(text.split('\n').at(-1)).toBe('1 folder cycle');
  });

  it('finds a loop of three folders as one cycle', () => {
    const src = srcTree({
      'a/a.ts': "import '../b/b.ts';",
      'b/b.ts': "export * from '../c/c.ts';",
      'c/c.ts': "import type { A } from '../a/a.ts';",
    });
    expect(folderCycles(folderEdges(src)).map((c) => [...c.folders].sort())).toEqual([['a', 'b', 'c']]);
  });

  it('passes a tree whose folders only import downwards (a file directly in src/ is its own folder)', () => {
    const src = srcTree({
      'main.ts': "import { start } from './app/service.ts';",
      'app/service.ts': "import { processCall } from '../sync/process.ts';\nimport { x } from './x.ts';",
      'app/x.ts': "import { y } from '../lib/y.ts';",
      'sync/process.ts': "import { resolve } from '../mapping/resolve.ts';",
      'mapping/resolve.ts': "import type { Call } from '../calls/call.ts';",
      'calls/call.ts': 'export interface Call { id: string }',
      'lib/y.ts': "import { z } from 'zod';",
    });
    const edges = folderEdges(src);
    expect(edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual(['app->lib', 'app->sync', 'main->app', 'mapping->calls', 'sync->mapping']);
    expect(folderCycles(edges)).toEqual([]);
    expect(formatCycles([])).toBe('0 folder cycles');
  });
});
