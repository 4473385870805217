import { describe, expect, it } from 'vitest';
import { classifyCrmError, crmMessage } from '../../../src/salesforce/classify-error.ts';

/** Errors shaped exactly as jsforce 3 throws them (HttpApiError: name = errorCode, data = body). */
function httpApiError(errorCode: string, message: string, fields?: string[]) {
  return Object.assign(new Error(message), { name: errorCode, errorCode, data: { message, errorCode, ...(fields ? { fields } : {}) } });
}

describe('classifyCrmError', () => {
  it.each([
    ['UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record', 'transient'],
    ['SERVER_UNAVAILABLE', 'Server unavailable', 'transient'],
    ['ERROR_HTTP_503', 'Service Unavailable', 'transient'],
    ['ERROR_HTTP_500', '<html>', 'transient'],
    ['INVALID_SESSION_ID', 'Session expired or invalid', 'auth'],
    ['INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', 'stale_reference'],
    ['ENTITY_IS_DELETED', 'entity is deleted', 'stale_reference'],
    ['FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Calls need a Type', 'permanent'],
    ['STRING_TOO_LONG', 'Description: data value too large', 'permanent'],
    ['INVALID_FIELD', "No such column 'Foo__c' on sobject of type Task", 'permanent'],
    ['INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights', 'permanent'],
    ['CANNOT_EXECUTE_FLOW_TRIGGER', 'The flow failed: UNABLE_TO_LOCK_ROW, unable to obtain exclusive access', 'transient'],
  ])('%s is %s', (code, message, kind) => {
    expect(classifyCrmError(httpApiError(code, message)).kind).toBe(kind);
  });

  it('sorts every limit as rate_limited, keeping the message that tells them apart, and names no wait', () => {
    const daily = classifyCrmError(httpApiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
    expect(daily).toEqual({ kind: 'rate_limited', code: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
    expect(classifyCrmError(httpApiError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'))).toEqual({ kind: 'rate_limited', code: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' });
    expect(classifyCrmError(httpApiError('ERROR_HTTP_429', 'Too many requests'))).toMatchObject({ kind: 'rate_limited', code: 'ERROR_HTTP_429' });
  });

  it('takes read-only maintenance mode for a passing fault (writes work again when it ends)', () => {
    const readOnly = httpApiError('INSERT_UPDATE_DELETE_NOT_ALLOWED_DURING_MAINTENANCE', "Updates can't be made during maintenance. Try again when maintenance is complete.");
    expect(classifyCrmError(readOnly)).toMatchObject({ kind: 'transient', code: 'INSERT_UPDATE_DELETE_NOT_ALLOWED_DURING_MAINTENANCE' });
  });

  it('says a request jsforce could not send for want of a session is an auth failure, not a refusal', () => {
    expect(classifyCrmError(new TypeError('Failed to parse URL from /services/data/v62.0/query?q=SELECT'))).toMatchObject({ kind: 'auth', code: 'NO_SESSION' });
  });

  it('treats network failures from node-fetch and undici as transient', () => {
    expect(classifyCrmError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).kind).toBe('transient');
    const undici = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(classifyCrmError(undici)).toMatchObject({ kind: 'transient', code: 'UND_ERR_SOCKET' });
    expect(classifyCrmError(new TypeError('fetch failed')).kind).toBe('transient');
  });

  it('treats a failed session refresh as an auth problem', () => {
    expect(classifyCrmError(new Error('Unable to refresh session due to: invalid_grant')).kind).toBe('auth');
    expect(classifyCrmError(Object.assign(new Error('authentication failure'), { name: 'invalid_grant' })).kind).toBe('auth');
  });

  it('lets the most serious of several errors decide', () => {
    const e = Object.assign(new Error('2 errors'), {
      name: 'MULTIPLE_API_ERRORS',
      errorCode: 'MULTIPLE_API_ERRORS',
      data: [{ errorCode: 'UNABLE_TO_LOCK_ROW', message: 'x' }, { errorCode: 'REQUIRED_FIELD_MISSING', message: 'y' }],
    });
    expect(classifyCrmError(e)).toMatchObject({ kind: 'permanent', code: 'REQUIRED_FIELD_MISSING' });
  });

  it('keeps field names and shortens long messages (they may quote call content)', () => {
    const f = classifyCrmError(httpApiError('STRING_TOO_LONG', `Description: data value too large: ${'x'.repeat(1000)}`, ['Description']));
    expect(f.fields).toEqual(['Description']);
    expect(f.message.length).toBeLessThanOrEqual(300);
  });

  it('drops the value a STRING_TOO_LONG message quotes (call content), keeping the field and the limit', () => {
    const said = 'Subject: data value too large: Call from John Smith to Tracy about the secret merger (max length=255)';
    expect(classifyCrmError(httpApiError('STRING_TOO_LONG', said, ['Subject'])).message).toBe('Subject: data value too large (max length=255)');
    expect(crmMessage(`Description: data value too large: ${'a secret '.repeat(50)}`)).toBe('Description: data value too large');
    expect(crmMessage('Required fields are missing: [Subject]')).toBe('Required fields are missing: [Subject]');
  });

  it('calls unknown things permanent rather than retrying them forever', () => {
    expect(classifyCrmError('weird').kind).toBe('permanent');
    expect(classifyCrmError(httpApiError('SOMETHING_NEW', 'new')).kind).toBe('permanent');
  });
});
