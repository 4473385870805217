import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here: these check what can be checked without one.
const root = join(import.meta.dirname, '..', '..', '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');
const cliCommands = () => [...read('src/cli/main.ts').matchAll(/(\w+)Command\b/g)].map((m) => m[1]);

describe('Dockerfile', () => {
  const lines = read('Dockerfile').split('\n');
  it('builds in stages on Node 24 slim and runs as a non-root user', () => {
    expect(lines.filter((l) => l.startsWith('FROM '))).toEqual(['FROM node:24-slim AS build', 'FROM node:24-slim AS runtime']);
    const user = lines.filter((l) => l.startsWith('USER '));
    expect(user).toEqual(['USER node']);
  });
  it('copies only files that exist, and runs the compiled CLI with a command it has', () => {
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from'))) {
      for (const src of l.split(/\s+/).slice(1, -1)) expect(existsSync(join(root, src)), src).toBe(true);
    }
    expect(lines).toContain('ENTRYPOINT ["node", "dist/cli/main.js"]');
    const tsconfig = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect([tsconfig.compilerOptions.rootDir, tsconfig.compilerOptions.outDir]).toEqual(['src', 'dist']); // src/cli/main.ts -> dist/cli/main.js
    const cmd = JSON.parse(lines.find((l) => l.startsWith('CMD '))!.slice(4)) as string[];
    expect(cliCommands()).toContain(cmd[0]);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string>; volumes?: string[]; depends_on?: Record<string, unknown> }>;
    volumes: Record<string, unknown>;
  };
  it('runs Redis with append-only persistence on a volume and noeviction', () => {
    const redis = compose.services.redis!;
    expect(redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--maxmemory-policy', 'noeviction']));
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(Object.keys(compose.volumes)).toEqual(['redis-data']);
  });
  it('runs one listener and scalable workers with existing commands, the env file, and the mapping read-only', () => {
    const { listener, worker } = compose.services;
    expect(listener!.command).toEqual(['listen']);
    expect(worker!.command).toEqual(['work']);
    expect((worker as { deploy?: { replicas?: number } }).deploy?.replicas).toBeGreaterThanOrEqual(1);
    const known = read('src/config/env.schema.ts');
    for (const svc of [listener!, worker!]) {
      expect(cliCommands()).toContain(svc.command![0]);
      expect(svc.environment).toMatchObject({ REDIS_URL: 'redis://redis:6379', MAPPING_FILE: '/app/config/mapping.yaml' });
      expect(svc.volumes).toEqual(['./config/mapping.yaml:/app/config/mapping.yaml:ro']);
      expect(svc.depends_on).toHaveProperty('redis');
      // Every variable the compose file sets is one the service reads.
      for (const name of Object.keys(svc.environment!)) expect(known).toContain(`${name}:`);
    }
  });
});
