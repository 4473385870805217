import { extensionPath, type PacedRequests } from './paced-requests.ts';

/** The parts of a RingCentral extension (GetExtensionInfoResponse) the admin commands show. */
export interface ExtensionInfo {
  readonly id: string;
  readonly extensionNumber?: string;
  readonly name?: string;
  readonly email?: string;
  /** Enabled, Disabled, NotActivated, Unassigned, Frozen. */
  readonly status?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

function toInfo(id: string, body: unknown): ExtensionInfo {
  const b = (body && typeof body === 'object' ? body : {}) as { extensionNumber?: unknown; name?: unknown; status?: unknown; contact?: { email?: unknown } };
  const [extensionNumber, name, email, status] = [str(b.extensionNumber), str(b.name), str(b.contact?.email), str(b.status)];
  return { id, ...(extensionNumber ? { extensionNumber } : {}), ...(name ? { name } : {}), ...(email ? { email } : {}), ...(status ? { status } : {}) };
}

/**
 * GET each extension (Light group, paced): the info, or undefined when the account has no such extension (404).
 * Other failures throw a RingCentralError.
 */
export async function readExtensions(paced: PacedRequests, ids: readonly string[]): Promise<Map<string, ExtensionInfo | undefined>> {
  const out = new Map<string, ExtensionInfo | undefined>();
  for (const id of new Set(ids)) {
    const body = await paced.get('light', extensionPath(id), undefined, { absentOk: true });
    out.set(id, body === undefined ? undefined : toInfo(id, body));
  }
  return out;
}
