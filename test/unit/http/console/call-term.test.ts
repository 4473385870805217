import { describe, expect, it } from 'vitest';
import { parseCallTerm, TERM_MAX } from '../../../../src/http/console/call-term.ts';

describe('Find a call: the search term', () => {
  it('takes no term as an empty search, and trims white space', () => {
    expect(parseCallTerm(undefined, 'US')).toEqual({ kind: 'empty' });
    expect(parseCallTerm('   ', 'US')).toEqual({ kind: 'empty' });
    expect(parseCallTerm('  abc-1  ', 'US')).toEqual({ kind: 'ok', text: 'abc-1', query: { id: 'abc-1', phone: undefined } });
  });

  it('reads a telephony session id or a RingSense record id as an id', () => {
    expect(parseCallTerm('s-a0d7c9e2b31f4d5e8a6b7c8d9e0f1a2b', 'US')).toMatchObject({ kind: 'ok', query: { id: 's-a0d7c9e2b31f4d5e8a6b7c8d9e0f1a2b', phone: undefined } });
    expect(parseCallTerm('rec.1!a@b:c_d', 'US')).toMatchObject({ kind: 'ok', query: { id: 'rec.1!a@b:c_d' } });
  });

  it('normalises a phone number in any usual format with the default country, and a numeric term is both', () => {
    for (const t of ['(312) 555-0177', '312.555.0177', '+1 312 555 0177', '312/555-0177']) expect(parseCallTerm(t, 'US')).toMatchObject({ kind: 'ok', query: { phone: '+13125550177' } });
    expect(parseCallTerm('020 7946 0018', 'GB')).toMatchObject({ kind: 'ok', query: { id: undefined, phone: '+442079460018' } });
    expect(parseCallTerm('3125550177', 'US')).toEqual({ kind: 'ok', text: '3125550177', query: { id: '3125550177', phone: '+13125550177' } });
    expect(parseCallTerm('2728084995017', 'US')).toEqual({ kind: 'ok', text: '2728084995017', query: { id: '2728084995017', phone: undefined } });
  });

  it('refuses hostile, malformed, repeated or too long terms, keeping the text to show (escaped) as typed', () => {
    expect(parseCallTerm('<script>alert(1)</script>', 'US')).toMatchObject({ kind: 'invalid', text: '<script>alert(1)</script>' });
    expect(parseCallTerm("x' OR Id != null", 'US')).toMatchObject({ kind: 'invalid' });
    expect(parseCallTerm('(312) 555', 'US')).toMatchObject({ kind: 'invalid' });
    expect(parseCallTerm(['a', 'b'], 'US')).toMatchObject({ kind: 'invalid', text: '' });
    expect(parseCallTerm({ a: 1 }, 'US')).toMatchObject({ kind: 'invalid' });
    const long = parseCallTerm('a'.repeat(TERM_MAX + 1), 'US');
    expect(long).toMatchObject({ kind: 'invalid', error: 'The search term is longer than 200 characters.' });
    expect(long.kind === 'invalid' && long.text.length).toBe(TERM_MAX);
    expect(parseCallTerm('a'.repeat(TERM_MAX), 'US')).toMatchObject({ kind: 'ok' });
  });
});
