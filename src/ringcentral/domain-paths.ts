/** Where each ACE domain's insights are, as events and over REST. */
import type { AceDomain } from '../calls/domains.ts';

/** The event filter of one domain's insights. */
export const insightsEventFilter = (domain: AceDomain): string => `/ai/ringsense/v1/public/accounts/~/domains/${domain}/insights`;

/** One recording's insights over REST (Light rate group). */
export const recordInsightsPath = (domain: AceDomain, sourceRecordId: string): string =>
  `/ai/ringsense/v1/public/accounts/~/domains/${domain}/records/${encodeURIComponent(sourceRecordId)}/insights`;

/** An event's path: the account and the domain it names. */
export const INSIGHTS_EVENT_PATH = /^\/ai\/ringsense\/v1\/public\/accounts\/([^/]+)\/domains\/([^/]+)\/insights$/;
