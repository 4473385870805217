import { describe, expect, it } from 'vitest';
import { assertSalesforceId, soqlLikeExact, soqlList, soqlString, soslTerm } from '../../../src/salesforce/soql.ts';

describe('SOQL and SOSL escaping', () => {
  it('escapes quotes and backslashes so a name cannot close the literal', () => {
    expect(soqlString("O'Brien")).toBe("'O\\'Brien'");
    expect(soqlString("\\' OR Name LIKE '%")).toBe("'\\\\\\' OR Name LIKE \\'%'");
    expect(soqlString('a\nb\tc')).toBe("'a\\nb\\tc'");
  });
  it('makes LIKE wildcards literal', () => {
    expect(soqlLikeExact('50%_off')).toBe("'50\\%\\_off'");
  });
  it('builds IN lists', () => {
    expect(soqlList(['a', "b'c"])).toBe("('a', 'b\\'c')");
  });
  it('escapes every SOSL reserved character and quotes reserved words', () => {
    expect(soslTerm('+1 (650) 555-0142')).toBe('\\+1 \\(650\\) 555\\-0142');
    expect(soslTerm('{x} OR *')).toBe('\\{x\\} "OR" \\*');
    expect(soslTerm("O'Brien \\ & Co?")).toBe("O\\'Brien \\\\ \\& Co\\?");
  });
  it('checks ids instead of escaping them', () => {
    expect(assertSalesforceId('003Dm0000000001IAA')).toBe('003Dm0000000001IAA');
    expect(() => assertSalesforceId("003' OR Id != '")).toThrow(TypeError);
  });
});
