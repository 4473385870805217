/**
 * Escaping for every literal that reaches SOQL or SOSL. jsforce's own condition builder escapes `'` but not
 * `\`, so queries are built here and passed finished to `conn.query()` / `conn.search()`.
 */

/** A SOQL string literal, quotes included: `O'Brien` -> `'O\'Brien'`. */
export function soqlString(value: string): string {
  return (
    "'" +
    value
      .replace(/\\/g, '\\\\')
      .replace(/'/g, "\\'")
      .replace(/"/g, '\\"')
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/\t/g, '\\t')
      .replace(/\f/g, '\\f')
      .replace(/[\b]/g, '\\b') +
    "'"
  );
}

/** A SOQL LIKE pattern literal matching `value` exactly (its `%` and `_` are literal). */
export function soqlLikeExact(value: string): string {
  return soqlString(value).replace(/_/g, '\\_').replace(/%/g, '\\%');
}

/** A list for `IN (...)`. */
export function soqlList(values: readonly string[]): string {
  return `(${values.map(soqlString).join(', ')})`;
}

const SOSL_RESERVED = /[?&|!{}[\]()^~*:\\"'+-]/g;

/** A SOSL search term for `FIND {...}`: every reserved character escaped, reserved words quoted away. */
export function soslTerm(value: string): string {
  const escaped = value.replace(SOSL_RESERVED, (c) => `\\${c}`);
  return escaped
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => (/^(and|or|not)$/i.test(w) ? `"${w}"` : w))
    .join(' ');
}

const SF_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;
/** Validates a record id before it is put into a query (ids are never escaped, only checked). */
export function assertSalesforceId(id: string): string {
  if (!SF_ID.test(id)) throw new TypeError(`not a Salesforce id: ${JSON.stringify(id)}`);
  return id;
}

/** A SOQL LIKE pattern literal matching values that contain `value` (its `%` and `_` are literal). */
export function soqlLikeContains(value: string): string {
  const exact = soqlLikeExact(value);
  return `'%${exact.slice(1, -1)}%'`;
}
