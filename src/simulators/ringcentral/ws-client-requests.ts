/**
 * The REST calls a client makes over the WebSocket (`ClientRequest` frames): create, read, renew and
 * delete the session's subscription. One subscription per WebSocket session: a second POST replaces
 * the first, as the gateway documents ("Only one subscription per server").
 */
import { randomUUID } from 'node:crypto';
import { isRecord, json, type SimResponse } from './http-io.ts';
import { apiError, resourceNotFound, routeNotFound } from './rc-errors.ts';
import { expandEventFilter } from './event-filters.ts';

export interface WsSubscription {
  id: string;
  eventFilters: string[];
  creationTime: string;
  expirationTime: string;
}

/** The part of a session these handlers may read and change. */
export interface SubscriptionHolder {
  ownerId: string;
  subscription: WsSubscription | undefined;
}

const SUBSCRIPTION_TTL_MS = 24 * 3600 * 1000;

export function subscriptionBody(sub: WsSubscription, httpBase: string, now = Date.now()): Record<string, unknown> {
  return {
    uri: `${httpBase}/restapi/v1.0/subscription/${sub.id}`,
    id: sub.id,
    creationTime: sub.creationTime,
    status: 'Active',
    eventFilters: sub.eventFilters,
    expirationTime: sub.expirationTime,
    expiresIn: Math.max(0, Math.floor((Date.parse(sub.expirationTime) - now) / 1000)),
    deliveryMode: { transportType: 'WebSocket', encryption: false },
  };
}

function readFilters(body: unknown, accountId: string, extensionId: string): string[] | SimResponse {
  if (!isRecord(body)) return apiError(400, 'CMN-100', 'Request body is missing or malformed');
  const filters = body.eventFilters;
  if (!Array.isArray(filters) || filters.length === 0 || !filters.every((f): f is string => typeof f === 'string' && f.startsWith('/'))) {
    return apiError(400, 'CMN-101', 'Parameter [eventFilters] value is invalid', { name: 'eventFilters' });
  }
  const mode = body.deliveryMode;
  if (!isRecord(mode) || mode.transportType !== 'WebSocket') {
    return apiError(400, 'CMN-101', 'Parameter [deliveryMode.transportType] value is invalid', { name: 'deliveryMode.transportType' });
  }
  return filters.map((f) => expandEventFilter(f, { accountId, extensionId }));
}

/** Answers one ClientRequest. `path` may carry a query string; it is ignored. */
export function handleClientRequest(
  holder: SubscriptionHolder,
  req: { method: string; path: string; body: unknown },
  ctx: { accountId: string; httpBase: string; now?: number },
): SimResponse {
  const now = ctx.now ?? Date.now();
  const method = req.method.toUpperCase();
  const path = req.path.split('?')[0] ?? '';
  if (/^\/restapi\/v1\.0\/subscription\/?$/.test(path)) {
    if (method === 'POST') {
      const filters = readFilters(req.body, ctx.accountId, holder.ownerId);
      if (!Array.isArray(filters)) return filters;
      const sub: WsSubscription = {
        id: randomUUID(),
        eventFilters: filters,
        creationTime: new Date(now).toISOString(),
        expirationTime: new Date(now + SUBSCRIPTION_TTL_MS).toISOString(),
      };
      holder.subscription = sub;
      return json(200, subscriptionBody(sub, ctx.httpBase, now));
    }
    if (method === 'GET') {
      const records = holder.subscription ? [subscriptionBody(holder.subscription, ctx.httpBase, now)] : [];
      return json(200, { uri: `${ctx.httpBase}/restapi/v1.0/subscription`, records });
    }
    return apiError(405, 'CMN-405', 'Method not allowed');
  }
  const m = /^\/restapi\/v1\.0\/subscription\/([^/]+)\/?$/.exec(path);
  if (m?.[1] === undefined) return routeNotFound();
  const sub = holder.subscription;
  if (!sub || sub.id !== m[1]) return resourceNotFound('subscriptionId', m[1]);
  switch (method) {
    case 'GET':
      return json(200, subscriptionBody(sub, ctx.httpBase, now));
    case 'PUT': {
      const filters = readFilters(req.body, ctx.accountId, holder.ownerId);
      if (!Array.isArray(filters)) return filters;
      sub.eventFilters = filters;
      sub.expirationTime = new Date(now + SUBSCRIPTION_TTL_MS).toISOString();
      return json(200, subscriptionBody(sub, ctx.httpBase, now));
    }
    case 'DELETE':
      holder.subscription = undefined;
      return { status: 204 };
    default:
      return apiError(405, 'CMN-405', 'Method not allowed');
  }
}
