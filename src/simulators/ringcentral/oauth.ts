/**
 * OAuth as RingCentral runs it for a JWT app: /restapi/oauth/token (jwt-bearer and refresh_token
 * grants, client authenticated by Basic header or by client_id in the body), /restapi/oauth/revoke,
 * /restapi/oauth/wstoken, and the Bearer check in front of every API path.
 */
import { randomBytes } from 'node:crypto';
import { json, type SimResponse } from './http-io.ts';
import { apiError, oauthError } from './rc-errors.ts';

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const SCOPE = 'ReadAccounts ReadCallLog ReadCallRecording RingSense WebSocketsSubscription';
const REFRESH_TTL_DEFAULT = 604_800;
const WS_TOKEN_TTL = 600;

export interface OAuthConfig {
  clientId: string;
  clientSecret: string;
  jwt: string;
  ownerId: string;
  accessTokenTtlSeconds: number;
}

interface AccessToken {
  ownerId: string;
  expiresAt: number;
  refreshToken: string;
}

interface RefreshToken {
  ownerId: string;
  expiresAt: number;
  accessToken: string;
}

export type AuthResult = { ok: true; ownerId: string } | { ok: false; response: SimResponse };

function newToken(bytes = 48): string {
  return randomBytes(bytes).toString('base64url');
}

function positiveInt(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export class OAuthServer {
  private readonly cfg: OAuthConfig;
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly wsTokens = new Map<string, { ownerId: string; expiresAt: number }>();

  constructor(cfg: OAuthConfig) {
    this.cfg = cfg;
  }

  /** Checks the app credentials: Basic clientId:clientSecret, or client_id in the body (no-secret apps). */
  private clientError(authorization: string | undefined, form: Record<string, string>): SimResponse | undefined {
    const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
    if (basic?.[1] !== undefined) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const sep = decoded.indexOf(':');
      const id = sep === -1 ? decoded : decoded.slice(0, sep);
      const secret = sep === -1 ? '' : decoded.slice(sep + 1);
      if (id === this.cfg.clientId && secret === this.cfg.clientSecret) return undefined;
      return oauthError(401, 'invalid_client', 'OAU-153', `Invalid client: ${id}`);
    }
    if (form.client_id !== undefined) {
      if (form.client_id === this.cfg.clientId) return undefined;
      return oauthError(401, 'invalid_client', 'OAU-153', `Invalid client: ${form.client_id}`);
    }
    return oauthError(401, 'invalid_client', 'OAU-123', 'Client authentication is required');
  }

  handleToken(authorization: string | undefined, form: Record<string, string>, now = Date.now()): SimResponse {
    const clientError = this.clientError(authorization, form);
    if (clientError) return clientError;
    const grant = form.grant_type;
    if (grant === JWT_GRANT) {
      if (!form.assertion) return oauthError(400, 'invalid_request', 'OAU-101', 'Parameter [assertion] is missing');
      // [INF] code/message for a JWT credential RingCentral does not know.
      if (form.assertion !== this.cfg.jwt) return oauthError(400, 'invalid_grant', 'OAU-213', 'Invalid assertion');
      return this.issue(this.cfg.ownerId, form, now);
    }
    if (grant === 'refresh_token') {
      const presented = form.refresh_token;
      if (!presented) return oauthError(400, 'invalid_request', 'OAU-101', 'Parameter [refresh_token] is missing');
      const rt = this.refreshTokens.get(presented);
      if (!rt) return oauthError(400, 'invalid_grant', 'OAU-213', 'Token not found');
      this.refreshTokens.delete(presented);
      if (rt.expiresAt <= now) return oauthError(400, 'invalid_grant', 'OAU-210', 'Token expired');
      return this.issue(rt.ownerId, form, now);
    }
    if (!grant) return oauthError(400, 'invalid_request', 'OAU-101', 'Parameter [grant_type] is missing');
    return oauthError(400, 'unsupported_grant_type', 'OAU-250', 'Unsupported grant type');
  }

  private issue(ownerId: string, form: Record<string, string>, now: number): SimResponse {
    const ttl = positiveInt(form.access_token_ttl) ?? this.cfg.accessTokenTtlSeconds;
    const refreshTtl = positiveInt(form.refresh_token_ttl) ?? REFRESH_TTL_DEFAULT;
    const accessToken = newToken();
    const refreshToken = newToken();
    this.accessTokens.set(accessToken, { ownerId, expiresAt: now + ttl * 1000, refreshToken });
    this.refreshTokens.set(refreshToken, { ownerId, expiresAt: now + refreshTtl * 1000, accessToken });
    return json(200, {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ttl,
      refresh_token: refreshToken,
      refresh_token_expires_in: refreshTtl,
      scope: SCOPE,
      owner_id: ownerId,
      endpoint_id: newToken(16),
    });
  }

  /** POST /restapi/oauth/revoke: the access token and its refresh token stop working. Always 200. */
  handleRevoke(authorization: string | undefined, form: Record<string, string>): SimResponse {
    const clientError = this.clientError(authorization, form);
    if (clientError) return clientError;
    const token = form.token ?? '';
    const at = this.accessTokens.get(token);
    if (at) {
      this.accessTokens.delete(token);
      this.refreshTokens.delete(at.refreshToken);
    }
    const rt = this.refreshTokens.get(token);
    if (rt) {
      this.refreshTokens.delete(token);
      this.accessTokens.delete(rt.accessToken);
    }
    return { status: 200 };
  }

  /** The Bearer check RingCentral's API gateway does before routing. */
  authenticate(authorization: string | undefined, now = Date.now()): AuthResult {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (m?.[1] === undefined) {
      return { ok: false, response: apiError(401, 'AGW-401', 'Authorization header is not specified') };
    }
    const at = this.accessTokens.get(m[1]);
    if (!at) {
      const item = { errorCode: 'OAU-213', message: 'Token not found' };
      return { ok: false, response: json(401, { errorCode: 'TokenInvalid', message: 'Token not found', errors: [item] }) };
    }
    if (at.expiresAt <= now) {
      const item = { errorCode: 'OAU-213', message: 'Access token expired' };
      return { ok: false, response: json(401, { errorCode: 'TokenInvalid', message: 'Access token expired', errors: [item] }) };
    }
    return { ok: true, ownerId: at.ownerId };
  }

  /** Test hook: every issued access token expires now (refresh tokens stay valid), so the next call 401s and the SDK refreshes. */
  expireAccessTokens(now = Date.now()): void {
    for (const at of this.accessTokens.values()) at.expiresAt = Math.min(at.expiresAt, now);
  }

  /** POST /restapi/oauth/wstoken. The token is reusable until it expires (the client caches it). */
  issueWsToken(ownerId: string, wsUri: string, now = Date.now()): SimResponse {
    const token = newToken();
    this.wsTokens.set(token, { ownerId, expiresAt: now + WS_TOKEN_TTL * 1000 });
    return json(200, { uri: wsUri, ws_access_token: token, expires_in: WS_TOKEN_TTL });
  }

  /** Owner of a valid WS access token, or undefined. */
  wsTokenOwner(token: string | null, now = Date.now()): string | undefined {
    if (token === null) return undefined;
    const t = this.wsTokens.get(token);
    return t && t.expiresAt > now ? t.ownerId : undefined;
  }
}
