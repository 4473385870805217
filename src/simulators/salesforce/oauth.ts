/** `POST /services/oauth2/token`: client_credentials, JWT bearer, refresh_token and password grants. */
import { randomBytes, createHmac } from 'node:crypto';
import type { RecordStore, SfRecord } from './store.ts';

export interface TokenInfo {
  userId: string;
  expiresAt: number;
}

export interface OAuthConfig {
  url: string;
  orgId: string;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  /** The "Run As" user for client_credentials and the fallback for other grants. */
  defaultUserId: () => string;
  /** Username of the built-in integration user (not counted as a seeded user). */
  builtinUsername: string;
}

export interface OAuthReply {
  status: number;
  body: Record<string, unknown>;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const oauthError = (error: string, description: string, status = 400): OAuthReply => ({ status, body: { error, error_description: description } });

function decodeJwtPart(part: string | undefined): Record<string, unknown> | undefined {
  if (part === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class OAuthServer {
  private readonly cfg: OAuthConfig;
  private readonly store: RecordStore;
  private readonly tokens = new Map<string, TokenInfo>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly now: () => number;

  constructor(cfg: OAuthConfig, store: RecordStore, now: () => number = Date.now) {
    this.cfg = cfg;
    this.store = store;
    this.now = now;
  }

  /** The session behind a bearer token, or undefined when unknown or expired. */
  session(token: string | undefined): TokenInfo | undefined {
    if (token === undefined) return undefined;
    const info = this.tokens.get(token);
    if (info === undefined || info.expiresAt <= this.now()) return undefined;
    return info;
  }

  handle(form: URLSearchParams): OAuthReply {
    const grant = form.get('grant_type');
    switch (grant) {
      case 'client_credentials': {
        if (form.get('client_id') !== this.cfg.clientId || form.get('client_secret') !== this.cfg.clientSecret) {
          return oauthError('invalid_client', 'invalid client credentials');
        }
        return this.issue(this.cfg.defaultUserId());
      }
      case JWT_BEARER:
        return this.jwtBearer(form.get('assertion'));
      case 'refresh_token': {
        if (form.get('client_id') !== this.cfg.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
        const refresh = form.get('refresh_token') ?? '';
        const userId = this.refreshTokens.get(refresh);
        if (userId === undefined) return oauthError('invalid_grant', 'expired access/refresh token');
        return this.issue(userId, refresh);
      }
      case 'password': {
        if (form.get('client_id') !== this.cfg.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
        if (form.get('client_secret') !== this.cfg.clientSecret) return oauthError('invalid_client', 'invalid client credentials');
        const user = this.userByName(form.get('username'));
        if (user === undefined || (form.get('password') ?? '') === '') return oauthError('invalid_grant', 'authentication failure');
        return this.issue(String(user.Id), 'new');
      }
      case null:
      case undefined:
        return oauthError('unsupported_grant_type', 'grant type not supported');
      default:
        return oauthError('unsupported_grant_type', 'grant type not supported');
    }
  }

  private jwtBearer(assertion: string | null): OAuthReply {
    const parts = (assertion ?? '').split('.');
    const header = decodeJwtPart(parts[0]);
    const claims = decodeJwtPart(parts[1]);
    if (parts.length !== 3 || header === undefined || claims === undefined || (parts[2] ?? '') === '') {
      return oauthError('invalid_grant', 'invalid assertion');
    }
    if (header.alg !== 'RS256') return oauthError('invalid_grant', 'invalid assertion');
    if (claims.iss !== this.cfg.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
    const exp = typeof claims.exp === 'number' ? claims.exp : Number.NaN;
    if (!(exp * 1000 > this.now())) return oauthError('invalid_grant', 'expired authorization code');
    if (typeof claims.aud !== 'string' || claims.aud === '') return oauthError('invalid_grant', 'audience is invalid');
    const sub = typeof claims.sub === 'string' ? claims.sub : '';
    const seededNames = this.store.all('User').some((u) => typeof u.Username === 'string' && u.Username !== this.cfg.builtinUsername);
    const user = this.userByName(sub);
    if (seededNames && (user === undefined || user.IsActive === false)) return oauthError('invalid_grant', 'user hasn\'t approved this consumer');
    return this.issue(user === undefined ? this.cfg.defaultUserId() : String(user.Id));
  }

  private userByName(name: string | null): SfRecord | undefined {
    const wanted = (name ?? '').toLowerCase();
    return this.store.all('User').find((u) => typeof u.Username === 'string' && u.Username.toLowerCase() === wanted && u.IsActive !== false);
  }

  /** `refresh`: 'new' issues a refresh token, a string echoes an existing one (refresh grant). */
  private issue(userId: string, refresh?: string): OAuthReply {
    const withRefresh = refresh !== undefined;
    const accessToken = `${this.cfg.orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
    const issuedAt = String(this.now());
    this.tokens.set(accessToken, { userId, expiresAt: this.now() + this.cfg.tokenTtlSeconds * 1000 });
    const id = `${this.cfg.url}/id/${this.cfg.orgId}/${userId}`;
    const signature = createHmac('sha256', this.cfg.clientSecret).update(id + issuedAt).digest('base64');
    const body: Record<string, unknown> = { access_token: accessToken };
    if (withRefresh) {
      const token = refresh === 'new' ? `5Aep${randomBytes(40).toString('base64url')}` : refresh;
      this.refreshTokens.set(token, userId);
      body.refresh_token = token;
    }
    Object.assign(body, { signature, scope: withRefresh ? 'refresh_token api' : 'api', instance_url: this.cfg.url, id, token_type: 'Bearer', issued_at: issuedAt });
    return { status: 200, body };
  }
}
