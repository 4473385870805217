import { Script } from 'node:vm';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SECRET_VARIABLES } from '../../../src/config/env.schema.ts';

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

/** The URL a health check command fetches, after checking the script compiles (node -e runs it as is). */
function healthCheckUrl(test: readonly string[]): string {
  expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
  const script = test[3]!;
  expect(() => new Script(script)).not.toThrow(); // compiled, not run
  const m = /fetch\('http:\/\/127\.0\.0\.1:' \+ \(process\.env\.HTTP_PORT \|\| 8080\) \+ '(\/\w+)'\)/.exec(script);
  expect(m, script).not.toBeNull();
  return m![1]!;
}

describe('Dockerfile health check', () => {
  it('checks liveness (/healthz) on the port the process listens on, and says why not readiness', () => {
    const text = read('Dockerfile');
    const cmd = /HEALTHCHECK [^\n]*\\\n\s+CMD (\[.*\])/.exec(text);
    expect(cmd).not.toBeNull();
    expect(healthCheckUrl(['CMD', ...(JSON.parse(cmd![1]!) as string[])])).toBe('/healthz');
    expect(text).toMatch(/Liveness \(\/healthz\), on purpose: .*must not restart workers because Salesforce or Redis is down/s);
  });
});

describe('docker-compose.yml', () => {
  type Service = {
    image?: string; command?: string[]; environment?: Record<string, string>; volumes?: string[]; depends_on?: Record<string, unknown>;
    ports?: string[]; expose?: string[]; network_mode?: string; secrets?: string[]; env_file?: unknown;
    healthcheck?: { test: string[]; start_period?: string };
  };
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, Service>; volumes: Record<string, unknown>; secrets: Record<string, { file?: string }>;
  };
  /** The redis service's shell script, as the container's sh sees it (compose turns $$ into $). */
  const redisScript = () => {
    const cmd = compose.services.redis!.command!;
    expect(cmd.slice(0, 2)).toEqual(['sh', '-c']);
    return cmd[2]!.replaceAll('$$', '$');
  };
  it('runs Redis with append-only persistence on a volume and noeviction', () => {
    const redis = compose.services.redis!;
    const server = /^exec docker-entrypoint\.sh redis-server - (.*) <<EOF$/m.exec(redisScript());
    expect(server, redisScript()).not.toBeNull();
    expect(server![1]!.split(' ')).toEqual(['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction']);
    expect(redis.volumes).toEqual(['redis-data:/data']);
    expect(Object.keys(compose.volumes)).toEqual(['redis-data']);
  });
  it('runs Redis with a password from its secret, off the command line, and checks its health with it', () => {
    const redis = compose.services.redis!;
    expect(redis.secrets).toEqual(['redis_password']);
    const script = redisScript();
    // The password is read from the secret and given on standard input (`redis-server -`), never as an argument
    // (`ps` on the host shows arguments); exec through docker-entrypoint.sh: redis-server is PID 1 (gets SIGTERM)
    // and runs as the redis user, as with the image's default command.
    expect(script).toMatch(/^pw="\$\(cat \/run\/secrets\/redis_password\)"$/m);
    expect(script).toMatch(/<<EOF\nrequirepass \$pw\nEOF\n?$/);
    expect(script).not.toMatch(/--requirepass|\s-a\s/);
    // An empty password or one redis.conf would have to quote stops the container with a message.
    expect(script).toMatch(/"" \| \*\[!A-Za-z0-9\+\/=\._-\]\*\) echo "secrets\/redis_password must be [^"]+" >&2; exit 1 ;;/);
    expect(redis.healthcheck!.test).toEqual(['CMD-SHELL', 'REDISCLI_AUTH="$$(cat /run/secrets/redis_password)" redis-cli ping | grep -qx PONG']);
  });
  it('gives the listener and the workers every secret as a *_FILE from a Docker secret, none from .env', () => {
    const fileSecrets = Object.entries(compose.secrets);
    for (const [name, def] of fileSecrets) {
      expect(def.file, name).toMatch(/^\.\/secrets\/[\w.-]+$/);
    }
    expect(read('.gitignore').split('\n')).toContain('secrets/');
    const example = read('.env.example').split('\n');
    for (const svcName of ['listener', 'worker']) {
      const svc = compose.services[svcName]!;
      expect(svc.secrets?.sort()).toEqual(Object.keys(compose.secrets).sort());
      for (const secret of SECRET_VARIABLES) {
        const path = svc.environment![`${secret}_FILE`];
        expect(path, `${svcName} ${secret}_FILE`).toMatch(/^\/run\/secrets\/\w+$/);
        expect(svc.secrets).toContain(path!.slice('/run/secrets/'.length));
        expect(svc.environment).not.toHaveProperty(secret);
        // .env is the services' env_file: the template leaves every secret empty there (one given both ways is refused).
        expect(example.filter((l) => l.startsWith(`${secret}=`)), secret).toEqual([`${secret}=`]);
      }
    }
    // The JWT bearer flow's key: a secret too, named by SALESFORCE_PRIVATE_KEY_FILE in .env (the flow is chosen there).
    expect(compose.secrets.salesforce_private_key).toEqual({ file: './secrets/salesforce_private_key.pem' });
    expect(read('.env.example')).toContain('/run/secrets/salesforce_private_key');
  });
  it('publishes nothing but the operator ports, on the host\'s loopback only', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      expect(svc.network_mode, name).toBeUndefined();
      expect(svc.expose, name).toBeUndefined();
      if (name === 'listener' || name === 'worker') {
        for (const p of svc.ports!) expect(p, name).toMatch(/^127\.0\.0\.1:[\d-]+:8080$/);
      } else {
        expect(svc.ports, name).toBeUndefined();
      }
    }
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
      // Every variable the compose file sets is one the service reads (a secret's *_FILE: the secret's).
      for (const name of Object.keys(svc.environment!)) {
        const secret = name.replace(/_FILE$/, '');
        expect(known).toContain(`${(SECRET_VARIABLES as readonly string[]).includes(secret) ? secret : name}:`);
      }
    }
  });
  it('publishes each process\'s HTTP port on the host (loopback), one port per worker replica', () => {
    const { listener, worker } = compose.services;
    expect(listener!.ports).toEqual(['127.0.0.1:8080:8080']);
    const [range] = worker!.ports!;
    const m = /^127\.0\.0\.1:(\d+)-(\d+):8080$/.exec(range!);
    expect(m, range).not.toBeNull();
    const replicas = (worker as { deploy?: { replicas?: number } }).deploy!.replicas!;
    expect(Number(m![2]) - Number(m![1]) + 1).toBeGreaterThanOrEqual(replicas);
    for (const svc of [listener!, worker!]) expect(svc.environment).toMatchObject({ HTTP_HOST: '0.0.0.0', HTTP_PORT: '8080' });
  });

  it('checks readiness (/readyz) of the listener and the workers, with time to start', () => {
    for (const name of ['listener', 'worker']) {
      const hc = compose.services[name]!.healthcheck!;
      expect(healthCheckUrl(hc.test)).toBe('/readyz');
      expect(hc.start_period).toMatch(/^\d+s$/);
    }
    expect(read('docker-compose.yml')).toMatch(/Compose restarts a container only when\s+# it exits, never for failing its health check/);
  });
});

describe('.env.example', () => {
  it('sets no HTTP_HOST (as compose\'s env_file it would shut the endpoints inside the container), and says why', () => {
    const text = read('.env.example');
    expect(text.split('\n').filter((l) => /^\s*HTTP_HOST\s*=/.test(l))).toEqual([]);
    expect(text).toContain('# HTTP_HOST=127.0.0.1');
    expect(text).toMatch(/does not shut the endpoints inside the container/);
  });
});
