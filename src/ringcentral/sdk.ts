import { SDK } from '@ringcentral/sdk';
import type { RingCentralConfig } from '../config/load-config.ts';
import { silentLogger, type Logger } from '../lib/logger.ts';
import { RingCentralError, toRingCentralError } from './ringcentral-error.ts';

/** The SDK's Platform (REST calls with automatic token refresh). */
export type Platform = ReturnType<SDK['platform']>;

export interface RingCentralClient {
  readonly sdk: SDK;
  readonly platform: Platform;
  /** Logs out (revokes the token); never throws. */
  close(): Promise<void>;
}

export interface RingCentralClientOptions {
  /**
   * Prefix of the SDK's token cache. The Node build keeps ONE in-memory store per process, so two SDKs with the
   * same prefix share (and overwrite) each other's tokens: give each client its own.
   */
  cachePrefix?: string;
  logger?: Logger;
}

let clients = 0;

/**
 * Creates an SDK for the configured app and logs in with the JWT grant. The SDK refreshes the access token
 * itself before it expires and once on a 401. A refused login throws a RingCentralError (bad credentials or JWT:
 * kind 'auth'; unreachable server: 'transient'; 429: 'rate_limited').
 */
export async function createRingCentralClient(cfg: RingCentralConfig, opts: RingCentralClientOptions = {}): Promise<RingCentralClient> {
  const logger = opts.logger ?? silentLogger();
  clients += 1;
  const sdk = new SDK({
    server: cfg.serverUrl,
    clientId: cfg.clientId,
    clientSecret: cfg.clientSecret,
    cachePrefix: opts.cachePrefix ?? `rc-sync-${process.pid}-${clients}-`,
    appName: 'ringsense-salesforce-sync',
    appVersion: '0.1.0',
  });
  const platform = sdk.platform();
  platform.on(platform.events.refreshError, (e: Error) => logger.warn('rc_token_refresh_failed', { error: e.message }));
  try {
    await platform.login({ jwt: cfg.jwt });
  } catch (e) {
    const { failure } = await toRingCentralError(e);
    const hint = failure.kind === 'auth' ? ' (check RINGCENTRAL_CLIENT_ID, RINGCENTRAL_CLIENT_SECRET and RINGCENTRAL_JWT)' : '';
    logger.warn('rc_login_failed', { server: cfg.serverUrl, kind: failure.kind, code: failure.code });
    throw new RingCentralError({ ...failure, message: `login to ${cfg.serverUrl} failed: ${failure.message}${hint}` }, { cause: e });
  }
  logger.info('rc_login_ok', { server: cfg.serverUrl });

  let closed = false;
  return {
    sdk,
    platform,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await platform.logout();
      } catch (e) {
        logger.debug('rc_logout_failed', { error: e instanceof Error ? e.message : String(e) });
      }
    },
  };
}
