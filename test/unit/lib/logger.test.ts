import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../../src/lib/logger.ts';

function capture(level: LogLevel) {
  const stream = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stream.on('data', (chunk: Buffer) => {
    for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
  });
  return { logger: createLogger({ level, format: 'json', stream }), lines };
}

describe('logger', () => {
  it('never writes secrets, at any level', () => {
    const { logger, lines } = capture('silly');
    logger.debug('token refreshed', { access_token: 'tok-123', clientSecret: 'cs', headers: { Authorization: 'Bearer tok-123' }, jwt: 'eyJ' });
    const out = JSON.stringify(lines);
    expect(out).not.toContain('tok-123');
    expect(out).not.toContain('eyJ');
    expect(lines[0]).toMatchObject({ access_token: '[redacted]', clientSecret: '[redacted]', headers: { Authorization: '[redacted]' } });
  });

  it('keeps call content and personal data out of info lines, and shows it at debug', () => {
    const info = capture('info');
    info.logger.info('call written', { sourceRecordId: '2728084995017', summary: 'Pricing talk', phoneNumber: '+14155550123', party: { name: "Sean O'Brien", role: 'caller' } });
    expect(info.lines[0]).toMatchObject({ sourceRecordId: '2728084995017', summary: '[redacted]', phoneNumber: '[redacted]', party: { name: '[redacted]', role: 'caller' } });
    const debug = capture('debug');
    debug.logger.debug('call written', { summary: 'Pricing talk' });
    expect(debug.lines[0]).toMatchObject({ summary: 'Pricing talk' });
  });

  it('serialises errors nested in metadata', () => {
    const { logger, lines } = capture('info');
    logger.warn('salesforce write failed', { err: Object.assign(new Error('boom'), { errorCode: 'UNABLE_TO_LOCK_ROW' }) });
    expect(lines[0]?.err).toMatchObject({ name: 'Error', message: 'boom', code: 'UNABLE_TO_LOCK_ROW' });
  });
});
