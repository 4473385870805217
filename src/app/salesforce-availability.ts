import type { Logger } from '../lib/logger.ts';
import type { ProbeResult } from '../queue/outage-gate.ts';
import { holdCauseOf, type HoldCause } from '../queue/retry-policy.ts';
import { classifyCrmError } from '../salesforce/classify-error.ts';
import type { SalesforceSession } from '../salesforce/connection.ts';
import { orgLimits } from '../salesforce/rest.ts';

/**
 * OAuth errors at the first login that only a person can fix: the connected app's id or secret is wrong, or the app
 * may not use this flow. Retrying cannot help, so the process stops and says so (as it does for RingCentral).
 * Everything else at the first login (network, 5xx, `invalid_grant`, which also means an assertion a moment out of
 * date or a user not yet pre-authorised) is waited out: the worker holds its jobs and keeps trying.
 */
const CONFIGURATION_ERRORS: ReadonlySet<string> = new Set(['invalid_client', 'invalid_client_id', 'unauthorized_client']);

export class SalesforceConfigurationError extends Error {
  override readonly name = 'SalesforceConfigurationError';
}

/**
 * The first login. Resolves `undefined` when it worked, or the hold the worker must start in (with why); throws
 * SalesforceConfigurationError when the credentials are certainly wrong.
 */
export async function firstLogin(session: SalesforceSession, logger: Logger): Promise<{ cause: HoldCause; error: string } | undefined> {
  try {
    await session.authorize();
    return undefined;
  } catch (e) {
    const f = classifyCrmError(e);
    if (CONFIGURATION_ERRORS.has(f.code)) {
      throw new SalesforceConfigurationError(
        `Salesforce refused the connected app (${f.code}: ${f.message}): check SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET (or the private key), and that the app allows the ${f.code === 'unauthorized_client' ? 'configured OAuth flow' : 'client credentials or JWT bearer flow'}. Stopping: retrying cannot fix this.`,
        { cause: e },
      );
    }
    logger.debug('salesforce_first_login_failed', { code: f.code, kind: f.kind });
    return { cause: 'login', error: `${f.code}: ${f.message}` };
  }
}

/**
 * The probe of each hold: one cheap request. With no session yet (`login`, or any hold before the first login
 * worked) it runs the grant; otherwise it asks GET /limits, which jsforce re-authenticates on a 401 (within the
 * session's token budget). A login that fails in any way is still `login`; Salesforce refusing /limits for a reason
 * of its own (a permission) still means it answers: that counts as available.
 */
export function salesforceProbe(session: SalesforceSession): (cause: HoldCause) => Promise<ProbeResult> {
  return async (cause) => {
    const login = cause === 'login' || !session.established();
    try {
      if (login) {
        await session.authorize();
        return { ok: true };
      }
      const limits = await orgLimits(session.conn);
      // An answer is not yet an allocation: with none left the next call would be refused again.
      if (cause === 'daily_limit' && limits.DailyApiRequests && limits.DailyApiRequests.Remaining <= 0) {
        return { ok: false, cause, error: `no API requests left of ${limits.DailyApiRequests.Max} in the rolling 24 h` };
      }
      return { ok: true };
    } catch (e) {
      const f = classifyCrmError(e);
      const next = login ? 'login' : holdCauseOf(f);
      return next ? { ok: false, cause: next, error: `${f.code}: ${f.message}` } : { ok: true };
    }
  };
}
