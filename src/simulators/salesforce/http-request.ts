/** The HTTP request as the Salesforce simulator reads it: Salesforce's size limit on the request head, the bearer token, the body. */
import type { IncomingMessage } from 'node:http';

/**
 * Salesforce's limit on a request's size: the URI and headers together at most 16,384 bytes, or 431 Request Header
 * Fields Too Large; a URI over that alone is 414 URI Too Long (Knowledge Article 000386264).
 */
export const REQUEST_HEAD_LIMIT = 16_384;
/** Node's header limit for the simulator's server: above REQUEST_HEAD_LIMIT, so requestTooLarge decides. */
export const NODE_HEADER_LIMIT = 64 * 1024;

export function requestTooLarge(req: IncomingMessage): { status: 414 | 431; text: string } | undefined {
  const uri = Buffer.byteLength(req.url ?? '');
  if (uri > REQUEST_HEAD_LIMIT) return { status: 414, text: 'URI Too Long' };
  let head = uri;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) head += Buffer.byteLength(req.rawHeaders[i]!) + Buffer.byteLength(req.rawHeaders[i + 1]!) + 4;
  return head > REQUEST_HEAD_LIMIT ? { status: 431, text: 'Request Header Fields Too Large' } : undefined;
}

export function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  const m = h === undefined ? null : /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h);
  return m?.[1]?.trim();
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
