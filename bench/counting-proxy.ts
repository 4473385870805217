/**
 * A small HTTP proxy between the backfill CLI and the RingCentral simulator that notes every request it forwards:
 * what it asked for (a call-log page, one recording's insights, anything else), when, and the status it got back.
 * The bench reads the backfill's rate and its repeated requests from these notes, and kills the CLI from `onAnswer`.
 * Headers pass through untouched (the simulator's own X-Rate-Limit-* and Retry-After reach the CLI as they are).
 */
import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SeenKind = 'call-log' | 'insights' | 'other';

export interface Seen {
  readonly kind: SeenKind;
  /** The call-log page number, the recording id of an insights request, or the path. */
  readonly key: string;
  /** When the request reached the proxy (ms since the epoch). */
  readonly at: number;
  /** The simulator's answer, once it came (undefined: the CLI was killed while waiting for it). */
  status?: number;
  answeredAt?: number;
}

export interface CountingProxy {
  readonly url: string;
  readonly seen: Seen[];
  /** Called with each answer as it is forwarded. */
  onAnswer: (s: Seen) => void;
  stop(): Promise<void>;
}

function classify(req: IncomingMessage, target: string): Pick<Seen, 'kind' | 'key'> {
  const u = new URL(req.url ?? '/', target);
  const insights = /\/domains\/[^/]+\/records\/([^/]+)\/insights$/.exec(u.pathname);
  if (insights) return { kind: 'insights', key: decodeURIComponent(insights[1]!) };
  if (u.pathname.endsWith('/call-log')) return { kind: 'call-log', key: u.searchParams.get('page') ?? '1' };
  return { kind: 'other', key: u.pathname };
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const proxy: CountingProxy = { url: '', seen: [], onAnswer: () => undefined, stop: () => Promise.resolve() };
  const server: Server = createServer((req, res) => {
    const s: Seen = { ...classify(req, target), at: Date.now() };
    proxy.seen.push(s);
    res.on('error', () => undefined);
    const out = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, agent },
      (answer) => {
        s.status = answer.statusCode ?? 0;
        s.answeredAt = Date.now();
        proxy.onAnswer(s);
        res.writeHead(s.status, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      agent.destroy();
    },
  });
}

/** How many times each key of `kind` was asked for, leaving out requests refused with 429 (those are counted apart). */
export function countByKey(seen: readonly Seen[], kind: SeenKind): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of seen) if (s.kind === kind && s.status !== 429) m.set(s.key, (m.get(s.key) ?? 0) + 1);
  return m;
}
