/** Salesforce REST error bodies: a JSON array of `{message, errorCode, fields?}`. */

export interface SfErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** A failure that the HTTP layer turns into `status` + `[{message, errorCode, fields}]`. */
export class SfApiError extends Error {
  override readonly name = 'SfApiError';
  readonly status: number;
  readonly errors: SfErrorItem[];

  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message);
    this.status = status;
    this.errors = [fields === undefined ? { message, errorCode } : { message, errorCode, fields }];
  }

  get errorCode(): string {
    return this.errors[0]?.errorCode ?? 'UNKNOWN_EXCEPTION';
  }

  /** The error in sObject Collections / SaveResult form (`statusCode` instead of `errorCode`). */
  toSaveErrors(): Array<{ statusCode: string; message: string; fields: string[] }> {
    return this.errors.map((e) => ({ statusCode: e.errorCode, message: e.message, fields: e.fields ?? [] }));
  }
}

export const notFound = (): SfApiError => new SfApiError(404, 'NOT_FOUND', 'The requested resource does not exist');

export const invalidSession = (): SfApiError => new SfApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const jsonParserError = (message: string): SfApiError => new SfApiError(400, 'JSON_PARSER_ERROR', message);

/** A 400 MALFORMED_QUERY / INVALID_FIELD / ... with Salesforce's "ERROR at Row:1:Column:N" layout. */
export function queryError(errorCode: string, query: string, position: number, detail: string): SfApiError {
  const line = query.replace(/[\r\n]/g, ' ');
  const column = position + 1;
  const caret = ' '.repeat(Math.max(0, position)) + '^';
  return new SfApiError(400, errorCode, `\n${line}\n${caret}\nERROR at Row:1:Column:${column}\n${detail}`);
}
