/**
 * Shapes a CallEntry into a CallLogRecord as RingCentral returns it (Simple or Detailed view).
 * Ids are derived deterministically so the same seed always gives the same call-log ids.
 */
import { createHash } from 'node:crypto';
import type { CallEntry, SimParty } from './state.ts';

export type CallLogView = 'Simple' | 'Detailed';

function digest(input: string): Buffer {
  return createHash('sha1').update(input).digest();
}

/** Call-log record ids look like `Ab7tfGOf0kWq3ZA`. */
export function callLogId(key: string): string {
  return `A${digest(key).toString('base64url').slice(0, 14)}`;
}

/** Call-log `sessionId` is a numeric string, distinct from the `s-…` telephony session id. */
export function numericSessionId(telephonySessionId: string): string {
  return (BigInt(`0x${digest(telephonySessionId).toString('hex').slice(0, 12)}`) + 10_000_000_000n).toString();
}

function party(p: SimParty): Record<string, string> {
  const out: Record<string, string> = {};
  if (p.phoneNumber !== undefined) out.phoneNumber = p.phoneNumber;
  if (p.extensionNumber !== undefined) out.extensionNumber = p.extensionNumber;
  if (p.extensionId !== undefined) out.extensionId = p.extensionId;
  if (p.name !== undefined) out.name = p.name;
  return out;
}

export function callLogRecordJson(
  e: CallEntry,
  ctx: { base: string; accountId: string; view: CallLogView },
): Record<string, unknown> {
  const id = callLogId(e.key);
  const accountUri = `${ctx.base}/restapi/v1.0/account/${ctx.accountId}`;
  const inbound = e.direction === 'Inbound';
  const result = e.result ?? (inbound ? 'Accepted' : 'Call connected');
  const core: Record<string, unknown> = {
    startTime: new Date(e.startTime).toISOString(),
    duration: Math.round(e.durationMs / 1000),
    durationMs: e.durationMs,
    type: 'Voice',
    internalType: 'Local',
    direction: e.direction,
    action: inbound ? 'Phone Call' : 'VoIP Call',
    result,
    ...(result === 'Accepted' || result === 'Call connected'
      ? { reason: inbound ? 'Accepted' : 'Connected', reasonDescription: inbound ? 'The call connected to and was accepted by this number.' : 'The call was connected.' }
      : {}),
    to: party(e.to),
    from: party(e.from),
    ...(e.ownerExtensionId ? { extension: { uri: `${accountUri}/extension/${e.ownerExtensionId}`, id: Number(e.ownerExtensionId) } } : {}),
    telephonySessionId: e.telephonySessionId,
    partyId: `p-${e.telephonySessionId.replace(/^s-/, '')}-1`,
    transport: 'PSTN',
    ...(e.recording
      ? {
          recording: {
            uri: `${accountUri}/recording/${e.recording.id}`,
            id: e.recording.id,
            type: e.recording.type,
            contentUri: `${accountUri}/recording/${e.recording.id}/content`,
          },
        }
      : {}),
  };
  const record: Record<string, unknown> = {
    uri: `${accountUri}/call-log/${id}?view=${ctx.view}`,
    id,
    sessionId: numericSessionId(e.telephonySessionId),
    ...core,
  };
  if (ctx.view === 'Detailed') {
    record.lastModifiedTime = new Date(e.lastModifiedTime).toISOString();
    record.legs = [{ ...core, legType: inbound ? 'PstnToSip' : 'SipToPstnMetered', master: true }];
  }
  return record;
}
