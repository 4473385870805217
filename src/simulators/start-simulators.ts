import { RingCentralSimulator, type RingCentralSeed } from './ringcentral/ringcentral-simulator.ts';
import { SalesforceSimulator, type SalesforceSeed } from './salesforce/salesforce-simulator.ts';

/** What to load into each simulator (either may be left empty). */
export interface SimulatorsSeed {
  ringcentral?: RingCentralSeed;
  salesforce?: SalesforceSeed;
}

export interface SimulatorsOptions {
  host?: string;
  rcPort?: number;
  sfPort?: number;
  /** Data to load, e.g. the demo's world (`demoSeed()` in src/demo/demo-seed.ts); `null` for empty simulators. */
  seed: SimulatorsSeed | null;
  /** Optional custom Task external id field in the simulated org (for the upsert mode). */
  taskExternalIdField?: string;
  /** The Salesforce org's daily API request allocation (default 15,000, a Developer Edition's). */
  sfApiLimit?: number;
}

export interface Simulators {
  readonly rc: RingCentralSimulator;
  readonly sf: SalesforceSimulator;
  /** The environment variables that point the service at these simulators. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** Starts the RingCentral and Salesforce simulators side by side on loopback. */
export async function startSimulators(opts: SimulatorsOptions): Promise<Simulators> {
  const host = opts.host ?? '127.0.0.1';
  const seed = opts.seed;
  const rc = await RingCentralSimulator.start({ host, port: opts.rcPort ?? 0, ...(seed?.ringcentral ? { seed: seed.ringcentral } : {}) });
  let sf: SalesforceSimulator;
  try {
    sf = await SalesforceSimulator.start({
      host,
      port: opts.sfPort ?? 0,
      ...(seed?.salesforce ? { seed: seed.salesforce } : {}),
      ...(opts.taskExternalIdField ? { taskExternalIdField: opts.taskExternalIdField } : {}),
      ...(opts.sfApiLimit !== undefined ? { apiLimit: opts.sfApiLimit } : {}),
    });
  } catch (e) {
    await rc.stop();
    throw e;
  }
  const env = {
    RINGCENTRAL_SERVER_URL: rc.url,
    RINGCENTRAL_CLIENT_ID: rc.clientId,
    RINGCENTRAL_CLIENT_SECRET: rc.clientSecret,
    RINGCENTRAL_JWT: rc.jwt,
    SALESFORCE_LOGIN_URL: sf.url,
    SALESFORCE_CLIENT_ID: sf.clientId,
    SALESFORCE_CLIENT_SECRET: sf.clientSecret,
  };
  return {
    rc,
    sf,
    env,
    async stop() {
      await Promise.allSettled([rc.stop(), sf.stop()]);
    },
  };
}
