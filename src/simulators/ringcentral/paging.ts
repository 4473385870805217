/**
 * Page math and navigation links as RingCentral's list APIs return them (EnumeratedPagingModel +
 * PageNavigationModel). Pure functions. The call log omits totals (RingCentral stopped returning
 * totalPages/totalElements there for performance), so callers choose `withTotals`.
 */
import { invalidParameter } from './rc-errors.ts';
import type { SimResponse } from './http-io.ts';

export interface PageRequest {
  page: number;
  perPage: number;
}

export interface PagingInfo {
  page?: number;
  perPage: number;
  pageStart?: number;
  pageEnd?: number;
  totalPages?: number;
  totalElements?: number;
}

export interface NavigationInfo {
  firstPage?: { uri: string };
  nextPage?: { uri: string };
  previousPage?: { uri: string };
  lastPage?: { uri: string };
}

export interface Page<T> {
  items: T[];
  paging: PagingInfo;
  hasNext: boolean;
  totalPages: number;
}

/** Reads `page` / `perPage` (1-based page; perPage 1..max). Returns an error response for bad values. */
export function readPageRequest(
  params: URLSearchParams,
  defaults: { perPage: number; maxPerPage: number },
): PageRequest | SimResponse {
  const rawPage = params.get('page');
  const rawPerPage = params.get('perPage');
  const page = rawPage === null ? 1 : Number(rawPage);
  const perPage = rawPerPage === null ? defaults.perPage : Number(rawPerPage);
  if (!Number.isInteger(page) || page < 1) return invalidParameter('page', rawPage ?? '');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > defaults.maxPerPage) return invalidParameter('perPage', rawPerPage ?? '');
  return { page, perPage };
}

export function isPageRequest(v: PageRequest | SimResponse): v is PageRequest {
  return 'perPage' in v;
}

export function paginate<T>(all: readonly T[], req: PageRequest, opts: { withTotals: boolean }): Page<T> {
  const start = (req.page - 1) * req.perPage;
  const items = all.slice(start, start + req.perPage);
  const totalPages = Math.ceil(all.length / req.perPage);
  const paging: PagingInfo = { page: req.page, perPage: req.perPage };
  if (items.length > 0) {
    paging.pageStart = start;
    paging.pageEnd = start + items.length - 1;
  }
  if (opts.withTotals) {
    paging.totalPages = totalPages;
    paging.totalElements = all.length;
  }
  return { items, paging, hasNext: start + items.length < all.length, totalPages };
}

/** Canonical URI of `requestUrl` with page/perPage set, keeping every other query parameter. */
export function pageUri(requestUrl: URL, page: number, perPage: number): string {
  const u = new URL(requestUrl.href);
  u.searchParams.set('page', String(page));
  u.searchParams.set('perPage', String(perPage));
  return u.href;
}

export function navigation(requestUrl: URL, req: PageRequest, page: Page<unknown>, opts: { withLastPage: boolean }): NavigationInfo {
  const nav: NavigationInfo = { firstPage: { uri: pageUri(requestUrl, 1, req.perPage) } };
  if (page.hasNext) nav.nextPage = { uri: pageUri(requestUrl, req.page + 1, req.perPage) };
  if (req.page > 1) nav.previousPage = { uri: pageUri(requestUrl, Math.min(req.page - 1, Math.max(page.totalPages, 1)), req.perPage) };
  if (opts.withLastPage) nav.lastPage = { uri: pageUri(requestUrl, Math.max(page.totalPages, 1), req.perPage) };
  return nav;
}
