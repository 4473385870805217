/** Tokenizer for SOQL (and the clauses SOSL shares with it). */
import { queryError } from './errors.ts';

export type TokenKind = 'ident' | 'string' | 'number' | 'date' | 'datetime' | 'punct' | 'eof' | 'error';

export interface Token {
  kind: TokenKind;
  /** Identifier text, punctuation, number text, or the raw (still escaped) string body. */
  text: string;
  pos: number;
  /** For `error` tokens: the Salesforce message to report. */
  message?: string;
}

const PUNCT = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '.', ':', '{', '}'];
const DATETIME_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})/;
const DATE_AT = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER_AT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?![A-Za-z_])/;
const IDENT_AT = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Splits `text` into tokens. A lexical error does not throw here: it becomes an `error` token, so
 * the parser reports whichever problem comes first, as Salesforce does.
 */
export function tokenize(text: string, start = 0, end = text.length): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let closed = false;
      while (j < end) {
        const d = text.charAt(j);
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (d === "'") {
          closed = true;
          break;
        }
        j++;
      }
      if (!closed) {
        tokens.push({ kind: 'error', text: text.slice(i, end), pos: end, message: `line 1:${end} mismatched character '<EOF>' expecting '''` });
        return tokens;
      }
      tokens.push({ kind: 'string', text: text.slice(i + 1, j), pos: i });
      i = j + 1;
      continue;
    }
    const rest = text.slice(i, end);
    const dt = DATETIME_AT.exec(rest) ?? null;
    if (dt !== null) {
      tokens.push({ kind: 'datetime', text: dt[0], pos: i });
      i += dt[0].length;
      continue;
    }
    const date = DATE_AT.exec(rest);
    if (date !== null) {
      tokens.push({ kind: 'date', text: date[0], pos: i });
      i += date[0].length;
      continue;
    }
    const prev = tokens[tokens.length - 1];
    const signAllowed = prev === undefined || prev.kind === 'punct';
    const num = NUMBER_AT.exec(rest);
    if (num !== null && (signAllowed || /^[\d.]/.test(num[0]))) {
      tokens.push({ kind: 'number', text: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const ident = IDENT_AT.exec(rest);
    if (ident !== null) {
      tokens.push({ kind: 'ident', text: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    const punct = PUNCT.find((p) => rest.startsWith(p));
    if (punct !== undefined) {
      tokens.push({ kind: 'punct', text: punct, pos: i });
      i += punct.length;
      continue;
    }
    tokens.push({ kind: 'error', text: c, pos: i, message: `line 1:${i} no viable alternative at character '${c}'` });
    return tokens;
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos: end });
  return tokens;
}

export type StringMode = 'plain' | 'like';

/**
 * Decodes a string literal body. In `like` mode `\%` and `\_` stay escaped (returned as a LIKE
 * pattern where unescaped `%`/`_` are wildcards); in `plain` mode they are errors, as is every
 * other unknown escape.
 */
export function decodeString(query: string, tok: Token, mode: StringMode): { value: string; pattern?: RegExp } {
  let value = '';
  let regex = '';
  const raw = tok.text;
  const bad = (seq: string) =>
    queryError('MALFORMED_QUERY', query, tok.pos, `Invalid string literal '${raw}'. Illegal character sequence '${seq}' in string literal.`);
  const add = (ch: string, wildcard = false) => {
    value += ch;
    if (wildcard) regex += ch === '%' ? '[\\s\\S]*' : '[\\s\\S]';
    else regex += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charAt(i);
    if (c !== '\\') {
      add(c, mode === 'like' && (c === '%' || c === '_'));
      continue;
    }
    const n = raw.charAt(i + 1);
    i++;
    switch (n) {
      case 'n': case 'N': add('\n'); break;
      case 'r': case 'R': add('\r'); break;
      case 't': case 'T': add('\t'); break;
      case 'b': case 'B': add('\b'); break;
      case 'f': case 'F': add('\f'); break;
      case '"': case "'": case '\\': add(n); break;
      case 'u': {
        const hex = raw.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw bad(`\\u${hex}`);
        add(String.fromCharCode(parseInt(hex, 16)));
        i += 4;
        break;
      }
      case '%': case '_':
        if (mode !== 'like') throw bad(`\\${n}`);
        add(n);
        break;
      default:
        throw bad(`\\${n}`);
    }
  }
  return mode === 'like' ? { value, pattern: new RegExp(`^${regex}$`, 'i') } : { value };
}
