import { isAceDomain } from '../calls/domains.ts';
import { createHash } from 'node:crypto';
import { RECORD_ID } from './insights-event.schema.ts';

/**
 * A message or response too large to parse (over MAX_EVENT_BYTES), as it is kept: what an admin needs to find the
 * call and fetch it again over REST (`replay`), never the payload. Only its first bytes are kept (they may hold
 * call content, the title, say: they are shown as call content is, on request).
 */
export class OversizedPayload {
  /** Bytes kept from the start of the payload. */
  static readonly HEAD_BYTES = 512;

  readonly bytes: number;
  readonly head: string;
  readonly ids: PayloadIds;
  /** SHA-256 of the bytes (hex): the same payload delivered again is known by it. */
  readonly digest: string;

  constructor(bytes: number, head: string, ids: PayloadIds, digest: string) {
    this.bytes = bytes;
    this.head = head;
    this.ids = ids;
    this.digest = digest;
  }

  /**
   * Reads the size, the head and the ids out of the raw bytes (or the first of `totalBytes`) without parsing them: each id is the value of the
   * first key of that name anywhere in the text (a quote inside a JSON string is escaped, so `"key":"` is a key),
   * kept only when it looks like an id.
   */
  static of(raw: Buffer, known: PayloadIds = {}, totalBytes = raw.length): OversizedPayload {
    const ids: Record<string, string> = {};
    for (const key of ID_KEYS) {
      const v = known[key] ?? stringValueOf(raw, key);
      // A domain is kept only when it is one (any other text there is the payload's, never kept).
      if (v !== undefined && (key !== 'domain' || isAceDomain(v))) ids[key] = v;
    }
    // Given only the start (a response counted, not kept), the digest is of the start and the size.
    const digest = createHash('sha256');
    if (totalBytes !== raw.length) digest.update(`${totalBytes}:`);
    return new OversizedPayload(totalBytes, headOf(raw, OversizedPayload.HEAD_BYTES), ids, digest.update(raw).digest('hex'));
  }
}

export interface PayloadIds {
  readonly uuid?: string;
  readonly subscriptionId?: string;
  readonly sourceRecordId?: string;
  readonly sourceSessionId?: string;
  /** The ACE domain the body names, so the call can be fetched again from the right place. */
  readonly domain?: string;
}

const ID_KEYS = ['uuid', 'subscriptionId', 'sourceRecordId', 'sourceSessionId', 'domain'] as const;
/** How many keys of one name are tried for a value that looks like an id. */
const MAX_TRIES = 8;

function stringValueOf(raw: Buffer, key: string): string | undefined {
  const needle = Buffer.from(`"${key}"`);
  const value = new RegExp(`^"${key}"\\s*:\\s*"([^"\\\\]{1,200})"`);
  let from = 0;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const at = raw.indexOf(needle, from);
    if (at === -1) return undefined;
    const m = value.exec(raw.toString('latin1', at, Math.min(raw.length, at + needle.length + 220)));
    if (m && RECORD_ID.test(m[1]!)) return m[1];
    from = at + needle.length;
  }
  return undefined;
}

/** The first `max` bytes as text, without a character cut in two at the end. */
export function headOf(raw: Buffer, max: number): string {
  let end = Math.min(raw.length, max);
  // Back off continuation bytes (10xxxxxx) and the lead byte they follow, when the character does not fit.
  if (end < raw.length) {
    let i = end;
    while (i > 0 && i > end - 4 && (raw[i]! & 0xc0) === 0x80) i--;
    const lead = raw[i]!;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (i + need > end) end = i;
  }
  return raw.toString('utf8', 0, end);
}
