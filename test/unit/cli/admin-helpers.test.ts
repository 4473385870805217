/** The pure parts of the admin commands: date arguments, the progress display, the `unmapped` report. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseDateArg } from '../../../src/cli/date-arg.ts';
import { createProgress, progressBar } from '../../../src/cli/progress.ts';
import { describeEntries, formatUnmapped } from '../../../src/cli/unmapped-format.ts';
import { subjectKind } from '../../../src/mapping/unmapped-subject.ts';
import { parseMapping } from '../../../src/config/load-mapping.ts';
import type { UnmappedEntry } from '../../../src/mapping/unmapped-store.ts';

describe('parseDateArg', () => {
  it.each([
    ['2024-06-01', 'since', '2024-06-01T00:00:00.000Z'],
    ['2024-06-30', 'until', '2024-07-01T00:00:00.000Z'],
    ['2024-02-29', 'since', '2024-02-29T00:00:00.000Z'],
    ['2024-06-01T09:30', 'until', '2024-06-01T09:30:00.000Z'],
    ['2024-06-01 09:30:15', 'since', '2024-06-01T09:30:15.000Z'],
    ['2024-06-01T09:30:15.5Z', 'since', '2024-06-01T09:30:15.500Z'],
    ['2024-06-01T09:30+02:00', 'since', '2024-06-01T07:30:00.000Z'],
    ['2024-06-01T09:30-0530', 'since', '2024-06-01T15:00:00.000Z'],
  ] as const)('%s as --%s is %s', (text, edge, iso) => {
    const r = parseDateArg(text, edge);
    expect(r.ok && new Date(r.ms).toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2024-6-1', '2023-02-29', '2024-13-01', '2024-06-01T24:00', '2024-06-01T09:60Z', '1717236000000', ''])('refuses "%s"', (text) => {
    const r = parseDateArg(text, 'since');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/^--since ".*" is not a (real )?date/);
  });
});

describe('progress', () => {
  const capture = (tty: boolean) => {
    const out = Object.assign(new PassThrough(), { isTTY: tty });
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    return { out, text: () => text };
  };

  it('draws a ten-character bar', () => {
    expect(progressBar(0, 300)).toBe('[----------]');
    expect(progressBar(120, 300)).toBe('[####------]');
    expect(progressBar(300, 300)).toBe('[##########]');
    expect(progressBar(0, 0)).toBe('[##########]');
  });

  it('rewrites one line on a terminal, and ends it with a newline', () => {
    const c = capture(true);
    const p = createProgress(c.out);
    p.update('a 1/2');
    p.update('a 2/2');
    p.note('waiting');
    p.end();
    expect(c.text()).toBe('\ra 1/2\x1b[K\ra 2/2\x1b[K\r\x1b[Kwaiting\na 2/2\n');
  });

  it('writes a plain line per interval elsewhere', () => {
    const c = capture(false);
    const clock = { t: 0 };
    const p = createProgress(c.out, { intervalMs: 10_000, now: () => clock.t });
    p.update('1');
    clock.t = 10_000;
    p.update('2');
    p.update('3');
    clock.t = 19_999;
    p.update('4');
    p.note('waiting');
    p.end();
    expect(c.text()).toBe('2\nwaiting\n');
  });
});

describe('the unmapped report', () => {
  const entry = (reason: UnmappedEntry['reason'], subject: string, count = 1): UnmappedEntry => ({ reason, subject, count, firstSeen: 0, lastSeen: Date.UTC(2024, 5, 1, 9, 30), lastSourceRecordId: 'r1' });
  const snap = parseMapping('users:\n  "101": { email: "a@example.com" }\ncontacts:\n  byPhone:\n    "(415) 555-0123": { ignore: true }\n  byName:\n    "Jordan  PIKE": { ignore: true }\n', 'mapping.yaml');

  it('tells extensions, numbers, names and the unknown caller apart', () => {
    expect(subjectKind(entry('unmapped_owner', '62288320099'))).toBe('extension');
    expect(subjectKind(entry('no_contact_match', '+14155550123'))).toBe('phone');
    expect(subjectKind(entry('logged_without_contact', 'Jordan Pike'))).toBe('name');
    expect(subjectKind(entry('no_contact_match', 'unknown caller'))).toBe('unknown');
  });

  it('marks what the mapping already has (numbers and names normalised) and suggests a line for the rest', () => {
    const items = describeEntries(
      [entry('unmapped_owner', '101'), entry('unmapped_owner', '102', 3), entry('no_contact_match', '+14155550123'), entry('logged_without_contact', 'jordan pike'), entry('logged_without_contact', 'Ann "The" Lee'), entry('no_contact_match', 'unknown caller')],
      snap,
      new Map([['102', { id: '102', extensionNumber: '12', name: 'Sam Roe', email: 'sam@example.com' }]]),
    );
    expect(items.map((i) => [i.subject, i.inMapping, i.suggestion?.line ?? null])).toEqual([
      ['101', true, null],
      ['102', false, '"102": { email: "sam@example.com" }'],
      ['+14155550123', true, null],
      ['jordan pike', true, null],
      ['Ann "The" Lee', false, '"Ann \\"The\\" Lee": { contactId: "003…" }'],
      ['unknown caller', false, null],
    ]);
    const text = formatUnmapped(items, { days: 7, mappingFile: 'config/mapping.yaml', extensionsLooked: true }).join('\n');
    expect(text).toContain('Unmapped in the last 7 days: 2 owner extensions, 4 external parties (newest first).');
    expect(text).toContain('users:\n  "102": { email: "sam@example.com" }   # ext 12 Sam Roe; 3 calls failed (unmapped_owner), last 2024-06-01 09:30 UTC');
    expect(text).toContain('contacts:\n  byName:\n    "Ann \\"The\\" Lee": { contactId: "003…" }   # 1 call logged without a contact');
    expect(text).not.toContain('byPhone:');
    // The suggested block is YAML that parses into the mapping's shape once the placeholder is replaced.
    const block = text.slice(text.indexOf('users:\n'), text.indexOf('\n\n', text.indexOf('users:\n')));
    expect(() => parseMapping(block.replace('003…', '003000000000001'), 'suggested.yaml')).not.toThrow();
  });
});
