import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** The user and password of an `Authorization: Basic ...` header, or undefined when there is none or it is malformed. */
export function parseBasicAuth(header: string | undefined): Credentials | undefined {
  const m = header === undefined ? null : /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * A checker of Basic credentials against the expected ones, in constant time: both values are hashed to a fixed
 * length (no length leak, and timingSafeEqual needs equal lengths), and both are always compared.
 */
export function basicAuthChecker(expected: Credentials): (header: string | undefined) => boolean {
  const user = digest(expected.user);
  const password = digest(expected.password);
  return (header) => {
    const given = parseBasicAuth(header);
    const userOk = timingSafeEqual(digest(given?.user ?? ''), user);
    const passwordOk = timingSafeEqual(digest(given?.password ?? ''), password);
    return given !== undefined && userOk && passwordOk;
  };
}

/** Express middleware: HTTP Basic auth (RFC 7617); anything else gets 401 and the challenge. */
export function requireBasicAuth(expected: Credentials, realm: string): RequestHandler {
  const matches = basicAuthChecker(expected);
  const challenge = `Basic realm="${realm.replace(/["\\]/g, '')}"`;
  return (req, res, next) => {
    if (matches(req.headers.authorization)) {
      next();
      return;
    }
    res.set('WWW-Authenticate', challenge).set('Cache-Control', 'no-store').status(401).json({ error: 'unauthorized' });
  };
}
