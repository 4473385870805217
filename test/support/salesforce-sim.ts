/**
 * A Salesforce simulator and an unmodified jsforce connection to it, authorised as the integration user, for tests
 * of the Salesforce adapters over real HTTP. Every simulator started here is stopped after its test.
 */
import type { Connection } from 'jsforce';
import { afterEach } from 'vitest';
import { SalesforceSimulator, type SalesforceSimulatorOptions } from '../../src/simulators/salesforce/salesforce-simulator.ts';

// A proxy in the environment would take jsforce's loopback requests elsewhere.
for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete process.env[k];
const { default: jsforce } = await import('jsforce');

const running: SalesforceSimulator[] = [];
afterEach(async () => {
  for (const sim of running.splice(0)) await sim.stop();
});

export async function connectedSalesforce(opts: SalesforceSimulatorOptions = {}): Promise<{ sim: SalesforceSimulator; conn: Connection }> {
  const sim = await SalesforceSimulator.start(opts);
  running.push(sim);
  const conn = new jsforce.Connection({ loginUrl: sim.url, version: '62.0', oauth2: { clientId: sim.clientId, clientSecret: sim.clientSecret, loginUrl: sim.url } });
  await conn.authorize({ grant_type: 'client_credentials' });
  return { sim, conn };
}
