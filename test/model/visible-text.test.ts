// What a host prints reaches reports and the terminal with its hidden characters shown as escapes:
// nothing can move the cursor, recolour or retitle the operator's terminal, or read as other text.
import { describe, expect, test } from 'vitest';
import { escapeControl } from '../../src/model/visible-text.js';

const ESCAPES: [string, string, string][] = [
  ['ESC (colours, cursor moves)', '\u001b[31mred\u001b[0m', '\\x1b[31mred\\x1b[0m'],
  ['terminal title (OSC ... BEL)', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
  ['terminal reset and reverse index (ESC c, ESC M)', '\u001bc\u001bM', '\\x1bc\\x1bM'],
  ['CR', 'progress 50%\rdone', 'progress 50%\\rdone'],
  ['CRLF line ends keep the newline', 'a\r\nb', 'a\\r\nb'],
  ['NUL', 'a\u0000b', 'a\\x00b'],
  ['backspace, VT, FF', '\u0008\u000b\u000c', '\\x08\\x0b\\x0c'],
  ['the last C0 control', '\u001f', '\\x1f'],
  ['DEL', 'a\u007fb', 'a\\x7fb'],
  ['C1 CSI and NEL', '\u009b31m\u0085', '\\x9b31m\\x85'],
  ['the last C1 control', '\u009f', '\\x9f'],
  ['a right-to-left override: "KO sutats" would read "status OK"', 'status: \u202eKO sutats', 'status: \\u202EKO sutats'],
  ['every bidi embedding, override and isolate', '\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069', '\\u202A\\u202B\\u202C\\u202D\\u2066\\u2067\\u2068\\u2069'],
  ['lone surrogates, which UTF-8 cannot carry', 'x\ud800y\udc00z', 'x\\uD800y\\uDC00z'],
  ['a surrogate pair is a character', 'ok 🙂', 'ok 🙂'],
  ['tab and newline are kept', 'a\tb\nc', 'a\tb\nc'],
  ['printable text is untouched, right-to-left scripts too', 'naïve résumé ✓ \u00a0 ~ שלום مرحبا', 'naïve résumé ✓ \u00a0 ~ שלום مرحبا'],
];

describe('escapeControl', () => {
  test.each(ESCAPES)('%s', (_name, text, escaped) => {
    expect(escapeControl(text)).toBe(escaped);
  });

  test('escapes every C0 control but tab and newline, DEL and every C1 control', () => {
    const codes = Array.from({ length: 0xa0 }, (_, code) => code);
    const untouched = codes.filter((code) => escapeControl(String.fromCharCode(code)) === String.fromCharCode(code));
    expect(untouched).toEqual([0x09, 0x0a, ...codes.slice(0x20, 0x7f)]);
  });

  test('of the general punctuation block, only the bidi controls', () => {
    const codes = Array.from({ length: 0x70 }, (_, offset) => 0x2000 + offset);
    const escaped = codes.filter((code) => escapeControl(String.fromCharCode(code)) !== String.fromCharCode(code));
    expect(escaped).toEqual([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
  });
});
