import { describe, expect, it } from 'vitest';
import { clip, singleLine } from '../../../src/lib/plain-text.ts';

const C0_BUT_BREAKS = [...Array(0x20).keys()].filter((c) => ![0x09, 0x0a, 0x0b, 0x0c, 0x0d].includes(c)).map((c) => String.fromCharCode(c));
const DEL_AND_C1 = [0x7f, ...Array.from({ length: 0x20 }, (_, i) => 0x80 + i)].filter((c) => c !== 0x85).map((c) => String.fromCharCode(c));
const BIDI = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
const BREAKS = ['\r\n', '\r', '\n', '\v', '\f', '\u0085', '\u2028', '\u2029'];

describe('singleLine: what goes', () => {
  it('drops every C0 control but the line breaks and tab, DEL and every C1 control', () => {
    // ESC and CSI (U+009B) start a sequence that takes the next letter with it: below.
    for (const c of [...C0_BUT_BREAKS, ...DEL_AND_C1].filter((x) => x !== '\u001b' && x !== '\u009b')) {
      const label = `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
      expect(singleLine(`Tracy${c}Debolah`), label).toBe('TracyDebolah');
    }
    expect(singleLine('bell\u0007 nul\u0000 esc\u001b')).toBe('bell nul esc');
    expect(singleLine('esc\u001b 9 csi\u009b')).toBe('esc csi'); // a sequence cut short goes with what it holds
  });

  it('drops bidirectional controls (an override reverses what a reader sees)', () => {
    for (const c of BIDI) {
      expect(singleLine(`invoice${c}fdp.exe`), `U+${c.charCodeAt(0).toString(16)}`).toBe('invoicefdp.exe');
    }
  });

  it('drops terminal escape sequences whole, not only their ESC', () => {
    expect(singleLine('\u001b[31mRed\u001b[0m text')).toBe('Red text');
    expect(singleLine('\u001b[1;33;41mloud\u001b[m')).toBe('loud');
    expect(singleLine('\u001b[2J\u001b[Hcleared')).toBe('cleared');
    expect(singleLine('\u009b31mC1 CSI')).toBe('C1 CSI');
    expect(singleLine('a\u001b]0;window title\u0007b')).toBe('ab'); // OSC ended by BEL
    expect(singleLine('a\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\b')).toBe('alinkb'); // OSC 8 hyperlink, ended by ST
    expect(singleLine('a\u001bPq#0;2;0;0;0\u001b\\b')).toBe('ab'); // DCS
    expect(singleLine('a\u001b7b\u001b8c')).toBe('abc'); // two-character sequences
    expect(singleLine('line\u001b[K one\nline two\u001b[0m')).toBe('line one line two');
  });

  it('keeps text after an unterminated string sequence (only the introducer goes)', () => {
    expect(singleLine('a\u001b]no terminator')).toBe('ano terminator');
  });

  it('replaces a lone surrogate (half an emoji) with U+FFFD', () => {
    expect(singleLine('cut \ud83d here')).toBe('cut \ufffd here');
  });
});

describe('singleLine: one line', () => {
  it('makes every run of line breaks and tabs, with the spaces around it, one space', () => {
    for (const b of BREAKS) expect(singleLine(`Tracy${b}INJECTED: x`), JSON.stringify(b)).toBe('Tracy INJECTED: x');
    expect(singleLine('Tracy \r\n\r\n \t INJECTED')).toBe('Tracy INJECTED');
    expect(singleLine('a\tb')).toBe('a b');
    expect(singleLine('a\r\nb\rc\u2028d\u2029e\u0085f\vg\fh')).toBe('a b c d e f g h');
  });

  it('leaves ordinary spacing alone (double spaces without a break are not its business)', () => {
    expect(singleLine('  John  Smith ')).toBe('  John  Smith ');
  });
});

describe('ordinary text is untouched', () => {
  const ordinary = [
    'John Smith',
    'José Ñúñez-García, Zoë Ångström, François Ça',
    'Владимир Петров',
    '山田 太郎 と 鈴木',
    '김민준',
    'مرحبا بالعالم', // Arabic: right-to-left by itself, no bidi control needed
    'שלום עולם',
    'हिन्दी देवनागरी', // combining vowel signs
    'ผู้ใหญ่',
    'Ok 👍🏽 👨‍👩‍👧 🏳️‍🌈 ❤️', // skin tone, ZWJ sequences, variation selectors
    "O'Brien & Co. <b>50% off</b> {braces} [x] \\ \"q\" ~ ^ *",
    'Tab-free, break-free: 12:30, 1,234.56 €, ½ ™ ©',
  ];
  it('by singleLine', () => {
    for (const t of ordinary) expect(singleLine(t)).toBe(t);
  });
});

describe('no slow path on hostile input', () => {
  it('cleans a megabyte of spaces, unterminated sequences or C1 introducers in well under a second', () => {
    const t0 = Date.now();
    for (const s of [`a${' '.repeat(1_000_000)}b`, '\u001b]'.repeat(500_000), `${'\u009d'.repeat(1_000_000)}x`, '\u001b['.repeat(500_000)]) {
      singleLine(s);
    }
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('clip', () => {
  it('cuts to a number of UTF-16 code units, never through a surrogate pair', () => {
    expect(clip('abcdef', 4)).toBe('abcd');
    expect(clip('abc', 4)).toBe('abc');
    expect(clip('ab😀', 3)).toBe('ab');
    expect(clip('ab😀', 4)).toBe('ab😀');
  });
});
