/** Recursive-descent parser for the SOQL subset the simulator evaluates. */
import { queryError, type SfApiError } from './errors.ts';
import { decodeString, type Token, tokenize } from './soql-lexer.ts';

export interface FieldPath {
  path: string[];
  pos: number;
}

export type Literal =
  | { kind: 'string'; value: string; pos: number; pattern?: RegExp }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'null'; pos: number }
  | { kind: 'date'; value: string; pos: number }
  | { kind: 'datetime'; value: string; pos: number }
  | { kind: 'dateLiteral'; name: string; n?: number; pos: number };

export type CompareOp = '=' | '!=' | '<' | '>' | '<=' | '>=' | 'LIKE';

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: FieldPath; op: CompareOp; value: Literal }
  | { kind: 'in'; field: FieldPath; negate: boolean; values: Literal[] }
  | { kind: 'includes'; field: FieldPath; excludes: boolean; values: Literal[] };

export interface OrderItem {
  field: FieldPath;
  descending: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  fields: FieldPath[];
  count: boolean;
  from: { name: string; pos: number };
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

const DATE_LITERALS = new Set(['YESTERDAY', 'TODAY', 'TOMORROW', 'LAST_WEEK', 'THIS_WEEK', 'NEXT_WEEK', 'LAST_MONTH',
  'THIS_MONTH', 'NEXT_MONTH', 'LAST_90_DAYS', 'NEXT_90_DAYS', 'THIS_YEAR', 'LAST_YEAR', 'NEXT_YEAR']);
const N_DATE_LITERALS = new Set(['LAST_N_DAYS', 'NEXT_N_DAYS', 'N_DAYS_AGO', 'LAST_N_WEEKS', 'NEXT_N_WEEKS', 'LAST_N_MONTHS', 'NEXT_N_MONTHS']);

/** A token cursor with Salesforce-style error reporting, shared by the SOQL and SOSL parsers. */
export class TokenCursor {
  readonly query: string;
  private readonly tokens: Token[];
  private i = 0;

  constructor(query: string, start = 0, end = query.length) {
    this.query = query;
    this.tokens = tokenize(query, start, end);
  }

  peek(offset = 0): Token {
    const t = this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
    if (t === undefined) throw new Error('empty token stream');
    return t;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind === 'error') throw this.fail(t);
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  isPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }

  acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.next();
    return true;
  }

  expectKeyword(word: string): Token {
    if (!this.isKeyword(word)) throw this.fail(this.peek());
    return this.next();
  }

  expectPunct(p: string): Token {
    if (!this.isPunct(p)) throw this.fail(this.peek());
    return this.next();
  }

  expectIdent(): Token {
    if (this.peek().kind !== 'ident') throw this.fail(this.peek());
    return this.next();
  }

  /** MALFORMED_QUERY for an unexpected (or lexically broken) token. */
  fail(t: Token, errorCode = 'MALFORMED_QUERY'): SfApiError {
    if (t.kind === 'error') return queryError(errorCode, this.query, t.pos, t.message ?? `unexpected token: '${t.text}'`);
    return queryError(errorCode, this.query, t.pos, t.kind === 'eof' ? 'unexpected token: <EOF>' : `unexpected token: '${t.text}'`);
  }

  fieldPath(): FieldPath {
    const first = this.expectIdent();
    const path = [first.text];
    while (this.isPunct('.')) {
      this.next();
      path.push(this.expectIdent().text);
    }
    return { path, pos: first.pos };
  }

  integer(): number {
    const t = this.peek();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) throw this.fail(t);
    this.next();
    return Number(t.text);
  }

  literal(like = false): Literal {
    const t = this.peek();
    switch (t.kind) {
      case 'string': {
        this.next();
        const decoded = decodeString(this.query, t, like ? 'like' : 'plain');
        return { kind: 'string', value: decoded.value, pos: t.pos, ...(decoded.pattern ? { pattern: decoded.pattern } : {}) };
      }
      case 'number':
        this.next();
        return { kind: 'number', value: Number(t.text), pos: t.pos };
      case 'date':
        this.next();
        return { kind: 'date', value: t.text, pos: t.pos };
      case 'datetime':
        this.next();
        return { kind: 'datetime', value: t.text, pos: t.pos };
      case 'ident': {
        const word = t.text.toUpperCase();
        if (word === 'TRUE' || word === 'FALSE') {
          this.next();
          return { kind: 'boolean', value: word === 'TRUE', pos: t.pos };
        }
        if (word === 'NULL') {
          this.next();
          return { kind: 'null', pos: t.pos };
        }
        if (DATE_LITERALS.has(word)) {
          this.next();
          return { kind: 'dateLiteral', name: word, pos: t.pos };
        }
        if (N_DATE_LITERALS.has(word)) {
          this.next();
          this.expectPunct(':');
          return { kind: 'dateLiteral', name: word, n: this.integer(), pos: t.pos };
        }
        throw this.fail(t);
      }
      case 'punct':
      case 'eof':
      case 'error':
        throw this.fail(t);
    }
  }

  /** conditionExpression: AND and OR may not be mixed at one level without parentheses. */
  condition(): Condition {
    const first = this.unary();
    let joiner: 'AND' | 'OR' | undefined;
    const items = [first];
    while (this.isKeyword('AND') || this.isKeyword('OR')) {
      const word = this.peek().text.toUpperCase() as 'AND' | 'OR';
      if (joiner !== undefined && joiner !== word) throw this.fail(this.peek());
      joiner = word;
      this.next();
      items.push(this.unary());
    }
    return joiner === undefined ? first : { kind: joiner === 'AND' ? 'and' : 'or', items };
  }

  private unary(): Condition {
    if (this.acceptKeyword('NOT')) return { kind: 'not', item: this.unary() };
    if (this.isPunct('(')) {
      this.next();
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    return this.fieldExpression();
  }

  private fieldExpression(): Condition {
    const field = this.fieldPath();
    const t = this.peek();
    if (t.kind === 'punct' && ['=', '!=', '<>', '<', '>', '<=', '>='].includes(t.text)) {
      this.next();
      const op = (t.text === '<>' ? '!=' : t.text) as CompareOp;
      return { kind: 'compare', field, op, value: this.literal() };
    }
    if (this.acceptKeyword('LIKE')) return { kind: 'compare', field, op: 'LIKE', value: this.literal(true) };
    if (this.isKeyword('NOT') && this.isKeyword('IN', 1)) {
      this.next();
      this.next();
      return { kind: 'in', field, negate: true, values: this.valueList() };
    }
    if (this.acceptKeyword('IN')) return { kind: 'in', field, negate: false, values: this.valueList() };
    if (this.acceptKeyword('INCLUDES')) return { kind: 'includes', field, excludes: false, values: this.valueList() };
    if (this.acceptKeyword('EXCLUDES')) return { kind: 'includes', field, excludes: true, values: this.valueList() };
    throw this.fail(t);
  }

  private valueList(): Literal[] {
    this.expectPunct('(');
    const values = [this.literal()];
    while (this.isPunct(',')) {
      this.next();
      values.push(this.literal());
    }
    this.expectPunct(')');
    return values;
  }

  orderBy(): OrderItem[] {
    const items: OrderItem[] = [];
    do {
      if (items.length > 0) this.next();
      const field = this.fieldPath();
      let descending = false;
      if (this.acceptKeyword('DESC')) descending = true;
      else this.acceptKeyword('ASC');
      let nullsLast = descending;
      if (this.acceptKeyword('NULLS')) {
        if (this.acceptKeyword('LAST')) nullsLast = true;
        else {
          this.expectKeyword('FIRST');
          nullsLast = false;
        }
      }
      items.push({ field, descending, nullsLast });
    } while (this.isPunct(','));
    return items;
  }
}

export function parseSoql(query: string): SoqlQuery {
  const c = new TokenCursor(query);
  c.expectKeyword('SELECT');
  const fields: FieldPath[] = [];
  let count = false;
  if (c.isKeyword('COUNT') && c.peek(1).kind === 'punct' && c.peek(1).text === '(' && c.peek(2).text === ')') {
    c.next();
    c.next();
    c.next();
    count = true;
  } else {
    fields.push(c.fieldPath());
    while (c.isPunct(',')) {
      c.next();
      fields.push(c.fieldPath());
    }
  }
  c.expectKeyword('FROM');
  const fromTok = c.expectIdent();
  const q: SoqlQuery = { fields, count, from: { name: fromTok.text, pos: fromTok.pos }, orderBy: [] };
  if (c.acceptKeyword('WHERE')) q.where = c.condition();
  if (c.isKeyword('ORDER')) {
    c.next();
    c.expectKeyword('BY');
    q.orderBy = c.orderBy();
  }
  if (c.acceptKeyword('LIMIT')) q.limit = c.integer();
  if (c.acceptKeyword('OFFSET')) q.offset = c.integer();
  const end = c.peek();
  if (end.kind !== 'eof') throw c.fail(end);
  return q;
}
