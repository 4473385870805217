/**
 * Error bodies in the shapes RingCentral sends. Platform APIs answer `{errorCode, message, errors[]}`;
 * the OAuth endpoints answer `{error, errors[], error_description}`. The JS SDK builds `e.message`
 * from `message` / `error_description`, so both shapes surface readably through it.
 */
import { json, type SimResponse } from './http-io.ts';

export interface RcErrorItem {
  errorCode: string;
  message: string;
  parameterName?: string;
  parameterValue?: string;
}

export interface RcErrorBody extends RcErrorItem {
  errors: RcErrorItem[];
}

export function apiErrorBody(errorCode: string, message: string, param?: { name: string; value?: string }): RcErrorBody {
  const item: RcErrorItem = { errorCode, message };
  if (param) {
    item.parameterName = param.name;
    if (param.value !== undefined) item.parameterValue = param.value;
  }
  return { ...item, errors: [{ ...item }] };
}

export function apiError(
  status: number,
  errorCode: string,
  message: string,
  param?: { name: string; value?: string },
  headers?: Record<string, string>,
): SimResponse {
  return json(status, apiErrorBody(errorCode, message, param), headers);
}

/** 404 CMN-102, what RingCentral answers for an unknown id in the path. */
export function resourceNotFound(paramName: string, value?: string): SimResponse {
  return apiError(404, 'CMN-102', `Resource for parameter [${paramName}] is not found`, value === undefined ? { name: paramName } : { name: paramName, value });
}

/** 400 CMN-101, what RingCentral answers for a query parameter it cannot accept. */
export function invalidParameter(paramName: string, value: string): SimResponse {
  return apiError(400, 'CMN-101', `Parameter [${paramName}] value is invalid`, { name: paramName, value });
}

/** [INF] Unknown routes: RingCentral's gateway answers 404 "Resource not found". */
export function routeNotFound(): SimResponse {
  return apiError(404, 'AGW-404', 'Resource not found');
}

export const RATE_LIMIT_BODY: RcErrorBody = apiErrorBody('CMN-301', 'Request rate exceeded');

export interface OAuthErrorBody {
  error: string;
  errors: RcErrorItem[];
  error_description: string;
}

export function oauthError(status: number, error: string, errorCode: string, message: string): SimResponse {
  const body: OAuthErrorBody = { error, errors: [{ errorCode, message }], error_description: message };
  return json(status, body);
}
