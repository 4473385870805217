/**
 * A small counting proxy between a CLI and the RingCentral simulator, for tests that kill the CLI at a known point
 * (the backfill resume tests): it records every listing page (call-log page number, meeting-history page token),
 * every recording's insights request and every meeting lookup with the answer's status, and holds the requests
 * `hold` picks (never answered: the CLI is killed while waiting on them). It also shortens the rate windows the
 * simulator announces (X-Rate-Limit-Window 60 s -> 1 s, an account with the same limits per second instead of per
 * minute) so the Heavy pacing of the call log (one page per window/limit) takes 100 ms instead of 6 s.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  readonly kind: 'call-log' | 'meetings' | 'meeting' | 'insights' | 'other';
  /** The call-log page number, the meeting-history page token ('' for the first page), the meeting or recording id, or the path. */
  readonly key: string;
  readonly at: number;
  /** The answer's status, once forwarded (none for a held request). */
  status?: number;
}

export interface CountingProxy {
  readonly url: string;
  readonly seen: Seen[];
  setHold(f: (s: Seen) => boolean): void;
  stop(): Promise<void>;
}

function classify(req: IncomingMessage, target: string): Seen {
  const u = new URL(req.url ?? '/', target);
  const at = Date.now();
  const insights = /\/domains\/[^/]+\/records\/([^/]+)\/insights$/.exec(u.pathname);
  if (insights) return { kind: 'insights', key: decodeURIComponent(insights[1]!), at };
  if (u.pathname.endsWith('/call-log')) return { kind: 'call-log', key: u.searchParams.get('page') ?? '1', at };
  if (/^\/rcvideo\/v1\/history\/account\/[^/]+\/meetings$/.test(u.pathname)) return { kind: 'meetings', key: u.searchParams.get('pageToken') ?? '', at };
  const meeting = /^\/rcvideo\/v1\/history\/meetings\/([^/]+)$/.exec(u.pathname);
  if (meeting) return { kind: 'meeting', key: decodeURIComponent(meeting[1]!), at };
  return { kind: 'other', key: u.pathname, at };
}

/** Forwards to `target`; `setHold` decides which requests are never answered. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const seen: Seen[] = [];
  const held: ServerResponse[] = [];
  let hold: (s: Seen) => boolean = () => false;
  const server: Server = createServer((req, res) => {
    const s = classify(req, target);
    seen.push(s);
    if (hold(s)) {
      held.push(res);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      fetch(new URL(req.url ?? '/', target), { method: req.method ?? 'GET', headers, ...(body && req.method !== 'GET' ? { body } : {}) })
        .then(async (r) => {
          const out: Record<string, string> = {};
          r.headers.forEach((v, k) => {
            if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) out[k] = k === 'x-rate-limit-window' ? '1' : v;
          });
          s.status = r.status;
          res.writeHead(r.status, out);
          res.end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    setHold(f) {
      hold = f;
    },
    async stop() {
      for (const r of held) r.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** How often each key of one kind was asked for. */
export function countBy(seen: readonly Seen[], kind: Seen['kind']): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of seen) if (s.kind === kind) m.set(s.key, (m.get(s.key) ?? 0) + 1);
  return m;
}
