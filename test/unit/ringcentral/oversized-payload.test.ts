import { describe, expect, it } from 'vitest';
import { headOf, OversizedPayload } from '../../../src/ringcentral/oversized-payload.ts';

const frame = (body: Record<string, unknown>) =>
  Buffer.from(
    JSON.stringify([
      { type: 'ServerNotification', messageId: 'm', wsc: { token: 't', sequence: 3 } },
      { uuid: '8316584545823000451', event: '/ai/ringsense/v1/public/accounts/~/domains/pbx/insights', subscriptionId: 'f1b6c0de-5ab1-4c3c-9d4e-1234567890ab', body },
    ]),
  );

describe('OversizedPayload.of', () => {
  it('reads the ids, the size and the first bytes of a message without parsing it', () => {
    const raw = frame({ title: 'Call', sourceRecordId: '2728084995017', sourceSessionId: '5823000451', insights: { Transcript: [{ text: 'x'.repeat(10_000) }] } });
    const big = OversizedPayload.of(raw);
    expect(big.bytes).toBe(raw.length);
    expect(big.ids).toEqual({ uuid: '8316584545823000451', subscriptionId: 'f1b6c0de-5ab1-4c3c-9d4e-1234567890ab', sourceRecordId: '2728084995017', sourceSessionId: '5823000451' });
    expect(big.head).toBe(raw.toString('utf8', 0, OversizedPayload.HEAD_BYTES));
    expect(big.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(OversizedPayload.of(Buffer.from(raw)).digest).toBe(big.digest);
  });

  it('finds an id after a long transcript, and never takes one from inside a string or one that is not an id', () => {
    const raw = frame({
      insights: { Transcript: [{ text: 'he said "sourceRecordId":"666" and \\"sourceRecordId\\":\\"777\\"' }] },
      sourceRecordId: 'not an id: <script>',
      nested: { sourceRecordId: 'p-v-0a1b-1700000000000-ff' },
      pad: 'y'.repeat(100_000),
      sourceSessionId: 'x'.repeat(5000),
    });
    const big = OversizedPayload.of(raw);
    expect(big.ids.sourceRecordId).toBe('p-v-0a1b-1700000000000-ff');
    expect(big.ids.sourceSessionId).toBeUndefined();
  });

  it('takes the ids it is given over what the bytes say, and a size larger than the bytes it kept', () => {
    const raw = frame({ sourceRecordId: '1111' });
    const big = OversizedPayload.of(raw, { sourceRecordId: '2222' }, 50_000_000);
    expect(big.ids.sourceRecordId).toBe('2222');
    expect(big.bytes).toBe(50_000_000);
    expect(big.digest).not.toBe(OversizedPayload.of(raw).digest);
  });
});

describe('headOf', () => {
  it('never cuts a character in two', () => {
    const text = 'ab€😀';
    const bytes = Buffer.from(text); // 2 + 3 + 4 bytes
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => headOf(bytes, n))).toEqual(['a', 'ab', 'ab', 'ab', 'ab€', 'ab€', 'ab€', 'ab€', 'ab€😀']);
  });
});

describe('takeWsc (a withheld message still moves the session recovery token on)', () => {
  const message = (meta: Record<string, unknown>) => Buffer.from(`[${JSON.stringify(meta)},{"uuid":"u1","body":{"pad":"${'p'.repeat(1000)}"}}]`);

  it('takes a later token and sequence, as @rc-ex/ws does for the messages it reads, and returns the frame type', async () => {
    const { takeWsc } = await import('../../../src/ringcentral/safe-subscriptions.ts');
    const ext: { wsc?: { token: string; sequence: number } } = { wsc: { token: 'old', sequence: 4 } };
    expect(takeWsc(ext as never, message({ type: 'ServerNotification', wsc: { token: 'new', sequence: 5 } }))).toBe('ServerNotification');
    expect(ext.wsc).toEqual({ token: 'new', sequence: 5 });
    takeWsc(ext, message({ type: 'ServerNotification', wsc: { token: 'older', sequence: 3 } }));
    expect(ext.wsc).toEqual({ token: 'new', sequence: 5 });
    expect(takeWsc(ext as never, Buffer.from('not a frame at all'))).toBeUndefined();
    expect(ext.wsc).toEqual({ token: 'new', sequence: 5 });
  });

  it('keeps the domain a body names when it is an ACE domain, so the hint to fetch it again names it too', () => {
    const rcx = OversizedPayload.of(Buffer.from(JSON.stringify({ body: { domain: 'rcx', sourceRecordId: 'p-v-0a1b-1700000000000-ff', pad: 'z'.repeat(1000) } })));
    expect(rcx.ids).toEqual({ domain: 'rcx', sourceRecordId: 'p-v-0a1b-1700000000000-ff' });
    const talkative = OversizedPayload.of(Buffer.from(JSON.stringify({ body: { domain: 'SECRET-CUSTOMER-SAID-THIS', sourceRecordId: '42' } })));
    expect(talkative.ids).toEqual({ sourceRecordId: '42' });
  });
});
