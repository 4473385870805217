/**
 * Event filter handling as the subscription service does it: `~` is expanded to the account id
 * (after `/accounts/` or `/account/`) or to the subscriber's extension id (after `/extension/`)
 * when the subscription is created, and a notification goes to a subscription when its event path
 * equals one of the expanded filters (the query part of a filter narrows by fields we do not model,
 * so it is ignored for matching).
 */

export const RINGSENSE_PBX_FILTER = '/ai/ringsense/v1/public/accounts/~/domains/pbx/insights';

export function expandEventFilter(filter: string, ids: { accountId: string; extensionId: string }): string {
  return filter
    .replace(/(\/accounts?\/)~(?=\/|$|\?)/g, `$1${ids.accountId}`)
    .replace(/(\/extension\/)~(?=\/|$|\?)/g, `$1${ids.extensionId}`);
}

function pathOf(filter: string): string {
  const q = filter.indexOf('?');
  const path = q === -1 ? filter : filter.slice(0, q);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

export function eventMatchesFilters(event: string, expandedFilters: readonly string[]): boolean {
  const target = pathOf(event);
  return expandedFilters.some((f) => pathOf(f) === target);
}

/** The event path of a RingSense insights notification for `domain` in `accountId`. */
export function ringSenseEvent(accountId: string, domain = 'pbx'): string {
  return `/ai/ringsense/v1/public/accounts/${accountId}/domains/${domain}/insights`;
}
