/**
 * GET /restapi/v1.0/account/{accountId}/extension/{extensionId} and the extension list, in the
 * GetExtensionInfoResponse / GetExtensionListResponse shapes (id is a number, uri canonical).
 */
import { json, multiParam, type SimResponse } from './http-io.ts';
import { resourceNotFound } from './rc-errors.ts';
import { isPageRequest, navigation, paginate, readPageRequest } from './paging.ts';
import type { SimExtension, SimState } from './state.ts';

function splitName(name: string): { firstName: string; lastName: string } {
  const i = name.lastIndexOf(' ');
  return i === -1 ? { firstName: name, lastName: '' } : { firstName: name.slice(0, i), lastName: name.slice(i + 1) };
}

export function extensionJson(ext: SimExtension, ctx: { base: string; accountId: string }): Record<string, unknown> {
  const accountUri = `${ctx.base}/restapi/v1.0/account/${ctx.accountId}`;
  const { firstName, lastName } = splitName(ext.name);
  return {
    uri: `${accountUri}/extension/${ext.id}`,
    id: Number(ext.id),
    extensionNumber: ext.extensionNumber,
    contact: { firstName, lastName, ...(ext.email ? { email: ext.email } : {}), emailAsLoginName: false },
    name: ext.name,
    type: ext.type ?? 'User',
    status: ext.status ?? 'Enabled',
    account: { uri: accountUri, id: ctx.accountId },
    permissions: { admin: { enabled: false }, internationalCalling: { enabled: false } },
    setupWizardState: 'Completed',
    hidden: false,
  };
}

/** `extensionId` is the raw path segment (`~` = the token owner). */
export function handleExtension(extensionId: string, ctx: { state: SimState; ownerId: string; base: string }): SimResponse {
  const id = extensionId === '~' ? ctx.ownerId : extensionId;
  const ext = ctx.state.extension(id);
  if (!ext) return resourceNotFound('extensionId', extensionId);
  return json(200, extensionJson(ext, { base: ctx.base, accountId: ctx.state.accountId }));
}

export function handleExtensionList(requestUrl: URL, ctx: { state: SimState; base: string }): SimResponse {
  const pageReq = readPageRequest(requestUrl.searchParams, { perPage: 100, maxPerPage: 1000 });
  if (!isPageRequest(pageReq)) return pageReq;
  const statuses = multiParam(requestUrl.searchParams, 'status');
  const types = multiParam(requestUrl.searchParams, 'type');
  const all = ctx.state
    .extensions()
    .filter((e) => statuses.length === 0 || statuses.includes(e.status ?? 'Enabled'))
    .filter((e) => types.length === 0 || types.includes(e.type ?? 'User'))
    .sort((a, b) => a.extensionNumber.localeCompare(b.extensionNumber, 'en', { numeric: true }));
  const page = paginate(all, pageReq, { withTotals: true });
  return json(200, {
    uri: requestUrl.href,
    records: page.items.map((e) => extensionJson(e, { base: ctx.base, accountId: ctx.state.accountId })),
    paging: page.paging,
    navigation: navigation(requestUrl, pageReq, page, { withLastPage: true }),
  });
}
