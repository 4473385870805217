/** SOSL: `FIND {term} [IN x FIELDS] RETURNING Obj(fields [WHERE] [ORDER BY] [LIMIT]), ... [LIMIT n]`. */
import { SfApiError, queryError } from './errors.ts';
import type { FieldDef, ObjectDef } from './schema.ts';
import { projectRecords } from './query.ts';
import type { SoqlEngine } from './soql-eval.ts';
import { type Condition, type FieldPath, type OrderItem, TokenCursor } from './soql-parser.ts';
import type { SfRecord } from './store.ts';

export const SOSL_RESERVED = '?&|!{}[]()^~*:\\"\'+-';

/** SearchQuery lengths (the text in braces) past which SOSL drops logical operators, and finds nothing (the SOSL Syntax reference). */
export const SEARCH_QUERY_OPERATORS_MAX = 4000;
export const SEARCH_QUERY_MAX = 10_000;

export type SearchScope = 'ALL' | 'NAME' | 'EMAIL' | 'PHONE' | 'SIDEBAR';

export interface SearchWord {
  text: string;
  /** Trailing unescaped `*`: prefix match. */
  prefix: boolean;
  negate: boolean;
}

/** Disjunction of conjunctions: `a b OR c` -> [[a, b], [c]]. */
export type SearchTerm = SearchWord[][];

export interface ReturningSpec {
  name: string;
  pos: number;
  fields: FieldPath[];
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

export interface SoslQuery {
  term: SearchTerm;
  scope: SearchScope;
  returning: ReturningSpec[];
  limit?: number;
}

const malformed = (query: string, pos: number, detail: string): SfApiError => queryError('MALFORMED_SEARCH', query, pos, detail);

/**
 * Parses the brace-enclosed search term. Reserved characters must be backslash-escaped; a whole
 * term in double quotes is a phrase; `*` / `?` are allowed unescaped only at the end of a word.
 */
export function parseSearchTerm(query: string, open: number): { term: SearchTerm; end: number } {
  const words: Array<{ text: string; prefix: boolean; quoted: boolean }> = [];
  let cur = '';
  let prefix = false;
  let quoted = false;
  let i = open + 1;
  const flush = () => {
    if (cur !== '' || quoted) words.push({ text: cur, prefix, quoted });
    cur = '';
    prefix = false;
    quoted = false;
  };
  for (; i < query.length; i++) {
    const c = query.charAt(i);
    if (c === '\\') {
      if (i + 1 >= query.length) break;
      cur += query.charAt(++i);
      continue;
    }
    if (c === '}') break;
    if (/\s/.test(c)) {
      flush();
      continue;
    }
    if (c === '"' && cur === '' && !quoted) {
      const close = findClosingQuote(query, i + 1);
      if (close < 0) throw malformed(query, i, `unexpected token: '"'`);
      cur = query.slice(i + 1, close).replace(/\\(.)/g, '$1');
      quoted = true;
      i = close;
      continue;
    }
    if ((c === '*' || c === '?') && cur !== '' && !/[^\s}]/.test(query.charAt(i + 1) || ' ')) {
      prefix = true;
      continue;
    }
    if (SOSL_RESERVED.includes(c)) throw malformed(query, i, `unexpected token: '${c}'`);
    cur += c;
  }
  if (query.charAt(i) !== '}') throw new SfApiError(400, 'MALFORMED_SEARCH', 'No search term found. The search term must be enclosed in braces.');
  flush();
  // Salesforce's limits on the SearchQuery: past 4,000 characters its logical operators are removed (every word is
  // searched alone, as if OR'd), past 10,000 nothing is found (no error either way).
  const length = i - open - 1;
  const operators = length <= SEARCH_QUERY_OPERATORS_MAX;
  const groups: SearchTerm = [[]];
  let negateNext = false;
  for (const w of words) {
    const upper = w.quoted ? '' : w.text.toUpperCase();
    if (!operators) {
      if (upper !== 'OR' && upper !== 'AND' && upper !== 'NOT') groups.push([{ text: w.text, prefix: w.prefix, negate: false }]);
      continue;
    }
    if (upper === 'OR') groups.push([]);
    else if (upper === 'AND') continue;
    else if (upper === 'NOT') negateNext = true;
    else {
      groups[groups.length - 1]?.push({ text: w.text, prefix: w.prefix, negate: negateNext });
      negateNext = false;
    }
  }
  const letters = groups.flat().filter((w) => !w.negate).map((w) => w.text).join('');
  if (letters.length < 2) throw new SfApiError(400, 'MALFORMED_SEARCH', 'search term must be longer than one character');
  return { term: length > SEARCH_QUERY_MAX ? [] : groups.filter((g) => g.length > 0), end: i };
}

function findClosingQuote(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s.charAt(i) === '\\') i++;
    else if (s.charAt(i) === '"') return i;
    else if (s.charAt(i) === '}') return -1;
  }
  return -1;
}

export function parseSosl(query: string): SoslQuery {
  try {
    const m = /^\s*FIND\s*\{/i.exec(query);
    if (m === null) throw new SfApiError(400, 'MALFORMED_SEARCH', 'No search term found. The search term must be enclosed in braces.');
    const { term, end } = parseSearchTerm(query, m[0].length - 1);
    const c = new TokenCursor(query, end + 1);
    const out: SoslQuery = { term, scope: 'ALL', returning: [] };
    if (c.acceptKeyword('IN')) {
      const scopeTok = c.peek();
      const scope = scopeTok.text.toUpperCase();
      if (scopeTok.kind !== 'ident' || !['ALL', 'NAME', 'EMAIL', 'PHONE', 'SIDEBAR'].includes(scope)) throw c.fail(scopeTok);
      c.next();
      out.scope = scope as SearchScope;
      c.expectKeyword('FIELDS');
    }
    if (c.acceptKeyword('RETURNING')) {
      do {
        if (out.returning.length > 0) c.next();
        out.returning.push(returningSpec(c));
      } while (c.isPunct(','));
    }
    if (c.acceptKeyword('LIMIT')) out.limit = c.integer();
    if (c.peek().kind !== 'eof') throw c.fail(c.peek());
    return out;
  } catch (err) {
    if (err instanceof SfApiError && err.errorCode === 'MALFORMED_QUERY') {
      throw new SfApiError(400, 'MALFORMED_SEARCH', err.message);
    }
    throw err;
  }
}

function returningSpec(c: TokenCursor): ReturningSpec {
  const name = c.expectIdent();
  const spec: ReturningSpec = { name: name.text, pos: name.pos, fields: [], orderBy: [] };
  if (!c.isPunct('(')) return spec;
  c.next();
  spec.fields.push(c.fieldPath());
  while (c.isPunct(',')) {
    c.next();
    spec.fields.push(c.fieldPath());
  }
  if (c.acceptKeyword('WHERE')) spec.where = c.condition();
  if (c.isKeyword('ORDER')) {
    c.next();
    c.expectKeyword('BY');
    spec.orderBy = c.orderBy();
  }
  if (c.acceptKeyword('LIMIT')) spec.limit = c.integer();
  if (c.acceptKeyword('OFFSET')) spec.offset = c.integer();
  c.expectPunct(')');
  return spec;
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');
const wordsOf = (s: string): string[] => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');

/** A search word or a stored value, normalised once per search (a batched search compares each value with every term). */
interface Normalized {
  readonly lower: string;
  readonly digits: string;
  readonly words: string[];
}

function normalize(s: string): Normalized {
  return { lower: s.toLowerCase(), digits: digitsOf(s), words: wordsOf(s) };
}

function digitsMatch(a: string, b: string): boolean {
  if (a === '' || b === '') return false;
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= 7 && long.endsWith(short);
}

/** Phone match on digits: equal, or one ends with the other and the shorter has at least 7 digits. */
export function phoneMatches(term: string, stored: string): boolean {
  return digitsMatch(digitsOf(term), digitsOf(stored));
}

function textMatches(word: SearchWord, want: Normalized, have: Normalized): boolean {
  if (!word.prefix && want.lower === have.lower) return true;
  const w = want.words;
  const h = have.words;
  if (w.length === 0) return false;
  for (let i = 0; i + w.length <= h.length; i++) {
    const ok = w.every((x, j) => {
      const y = h[i + j] ?? '';
      return word.prefix && j === w.length - 1 ? y.startsWith(x) : y === x;
    });
    if (ok) return true;
  }
  return false;
}

function scopeFields(obj: ObjectDef, scope: SearchScope): FieldDef[] {
  return obj.fields.filter((f) => {
    switch (scope) {
      case 'NAME': return f.nameField === true || f.name === 'FirstName' || f.name === 'LastName' || (obj.name === 'Lead' && f.name === 'Company');
      case 'EMAIL': return f.type === 'email';
      case 'PHONE': return f.type === 'phone';
      case 'ALL':
      case 'SIDEBAR': return ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'combobox'].includes(f.type);
    }
  });
}

/** Whether a record matches the search term; `norm` normalises a value once for the whole search. */
function recordMatches(rec: SfRecord, fields: FieldDef[], term: ReadonlyArray<ReadonlyArray<{ word: SearchWord; norm: Normalized }>>, norm: (s: string) => Normalized): boolean {
  const wordHits = ({ word, norm: want }: { word: SearchWord; norm: Normalized }) => fields.some((f) => {
    const v = rec[f.name];
    if (typeof v !== 'string') return false;
    const have = norm(v);
    return f.type === 'phone' ? digitsMatch(want.digits, have.digits) || textMatches(word, want, have) : textMatches(word, want, have);
  });
  return term.some((group) => group.every((w) => (w.word.negate ? !wordHits(w) : wordHits(w))));
}

const DEFAULT_SEARCHABLE = ['Account', 'Contact', 'Lead', 'Opportunity'];

export function runSosl(query: string, engine: SoqlEngine, rows: (type: string) => SfRecord[], version: string): { searchRecords: SfRecord[] } {
  const q = parseSosl(query);
  const specs: ReturningSpec[] = q.returning.length > 0 ? q.returning
    : DEFAULT_SEARCHABLE.map((name) => ({ name, pos: 0, fields: [], orderBy: [] }));
  const out: SfRecord[] = [];
  const seen = new Map<string, Normalized>();
  const norm = (v: string): Normalized => {
    let n = seen.get(v);
    if (n === undefined) seen.set(v, (n = normalize(v)));
    return n;
  };
  const term = q.term.map((group) => group.map((word) => ({ word, norm: normalize(word.text) })));
  for (const spec of specs) {
    const obj = engine.object(query, spec.name, spec.pos);
    const fields = spec.fields.length > 0 ? spec.fields : [{ path: ['Id'], pos: spec.pos }];
    for (const fp of fields) engine.resolve(query, obj, fp);
    const searched = scopeFields(obj, q.scope);
    const candidates = rows(obj.name).filter((r) => recordMatches(r, searched, term, norm));
    const selected = engine.select(query, obj, candidates, spec);
    out.push(...projectRecords(engine, query, obj, selected, fields, version));
  }
  return { searchRecords: q.limit === undefined ? out : out.slice(0, q.limit) };
}
