import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { HttpConfig } from '../config/load-config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { ConsoleActions, ConsoleFacts } from './console/console.port.ts';
import type { MappingFacts } from './console/mapping.port.ts';
import type { UnmappedConsole } from './console/unmapped.port.ts';
import { DASHBOARD_PATH } from './dashboard-path.ts';
import { Readiness, type ReadinessCheck } from './readiness.ts';

/**
 * The operator endpoints:
 * - GET /healthz  liveness: 200 while the process runs;
 * - GET /readyz   readiness: 200 or 503 with every check (redis, subscription, salesforce, and any added later);
 * - GET /metrics  Prometheus text format;
 * - /admin        the admin console (sign-in, overview), only with ADMIN_USER + ADMIN_PASSWORD;
 * - /admin/queues the bull-board dashboard, behind the console's sign-in (or HTTP Basic, for scripts).
 */

export interface HttpServerDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The queues the dashboard shows. */
  readonly queues: readonly Queue[];
  /** The initial readiness checks (more may be added with addCheck). */
  readonly checks: Readonly<Record<string, ReadinessCheck | undefined>>;
  /** What the admin console reads and does; without it the console shows nothing but the queue dashboard. */
  readonly console?: { readonly facts: ConsoleFacts; readonly actions: ConsoleActions; readonly mapping?: MappingFacts; readonly unmapped?: UnmappedConsole };
}

export interface OperatorHttpServer {
  /** The bound port (useful with HTTP_PORT=0). */
  readonly port: number;
  readonly url: string;
  /** Registers another readiness check, e.g. `api_budget`; it shows in /readyz under its name. */
  readonly addCheck: (name: string, check: ReadinessCheck) => void;
  /** Stops accepting connections and waits for requests in flight (at most 2 s). */
  close(): Promise<void>;
}

const NO_STORE = 'no-store';

/** A server started without the service's parts (tests of the dashboard alone): the overview says so. */
function noConsoleFacts(): { facts: ConsoleFacts; actions: ConsoleActions } {
  const none = 'this server was started without the service: only the queue dashboard has data';
  return {
    facts: {
      overview: () =>
        Promise.resolve({
          subscription: { role: 'not_listening', state: undefined, lastError: undefined, holder: undefined, thisReplica: undefined, domains: [] },
          queue: undefined, synced: undefined, failures: undefined, unmapped: undefined, recent: undefined, salesforceInstanceUrl: undefined,
          budget: { state: 'not_working', used: undefined, limit: undefined, slowAt: 0, pauseAt: 0 },
          problems: [none],
        }),
    },
    actions: { retryFailed: () => Promise.resolve({ kind: 'not_found' }) },
  };
}

export async function createOperatorApp(cfg: HttpConfig, deps: HttpServerDeps, readiness: Readiness): Promise<express.Express> {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // TRUST_PROXY: req.ip (the sign-in throttle's client) is the address the one proxy in front saw; else the socket's.
  app.set('trust proxy', cfg.trustProxy ? 1 : false);

  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', NO_STORE).json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await readiness.report();
    res.set('Cache-Control', NO_STORE).status(report.status === 'ready' ? 200 : 503).json(report);
  });
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await deps.metrics.scrape();
    res.set('Content-Type', contentType).set('Cache-Control', NO_STORE).send(body);
  });
  if (cfg.admin) {
    // bull-board (and its UI) is loaded only when the dashboard is on: a process without it does not carry it.
    const [{ adminDashboard }, { adminConsole }] = await Promise.all([import('./admin-dashboard.ts'), import('./console/console.ts')]);
    const { readOnly, showCallContent, publicHost } = cfg.admin;
    const hosts = { trustProxy: cfg.trustProxy, publicHost };
    const ui = adminConsole({ credentials: cfg.admin, readOnly, hosts, logger: deps.logger, ...(deps.console ?? noConsoleFacts()) });
    app.use(DASHBOARD_PATH, ...adminDashboard({ queues: deps.queues, auth: ui.dashboardAuth, readOnly, showCallContent, hosts }));
    app.use('/admin', ui.router);
  }

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  // Express 5 forwards rejected handlers here. The error is logged; the client learns nothing of it.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    deps.logger.error('http_request_failed', { method: req.method, path: req.path, err });
    if (res.headersSent) {
      next(err);
      return;
    }
    res.status(500).json({ error: 'internal_error' });
  });
  return app;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the operator endpoints on cfg.host:cfg.port. Rejects when the port cannot be bound. */
export async function startHttpServer(cfg: HttpConfig, deps: HttpServerDeps): Promise<OperatorHttpServer> {
  const readiness = new Readiness(deps.checks);
  const server = createServer(await createOperatorApp(cfg, deps, readiness));
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  const port = await listen(server, cfg.port, cfg.host);
  server.on('error', (e) => deps.logger.error('http_server_error', { err: e }));
  const dashboard = cfg.admin
    ? { console: '/admin', dashboard: DASHBOARD_PATH, dashboardReadOnly: cfg.admin.readOnly, dashboardCallContent: cfg.admin.showCallContent ? 'shown' : 'redacted', dashboardHost: cfg.admin.publicHost ?? 'any', trustProxy: cfg.trustProxy }
    : {};
  deps.logger.info('http_listening', { host: cfg.host, port, endpoints: ['/healthz', '/readyz', '/metrics'], ...dashboard });
  if (!cfg.admin) deps.logger.info('admin_dashboard_disabled', { reason: 'set ADMIN_USER and ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE) to mount the admin console at /admin and the queue dashboard at /admin/queues' });
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${host}:${port}`,
    addCheck: (name, check) => readiness.add(name, check),
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), 2000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
