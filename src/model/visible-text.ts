// Text a host printed (or a file holds) as every report and the terminal show it: what could act
// on the operator's terminal or read as something it is not is written out as an escape instead.

/**
 * Every C0 control but tab and newline, DEL, the C1 range (U+009B is a one-character CSI), the
 * bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069: after a right-to-left
 * override a host's `KO sutats` reads `status OK`), and lone surrogates, which UTF-8 cannot carry.
 */
// eslint-disable-next-line no-control-regex
export const HIDDEN = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `\r`, `\x1b`, `\u202E`: one hidden character as it is shown. */
export const shownCharacter = (char: string): string => {
  const code = char.charCodeAt(0);
  if (char === '\r') return '\\r';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
};

/** The text with each hidden character shown as its escape; tab, newline and all else as they are. */
export const escapeControl = (text: string): string => text.replace(HIDDEN, shownCharacter);

/** Where the first hidden character of `text` is, or -1 (search ignores HIDDEN's `g` and lastIndex). */
export const firstHidden = (text: string): number => text.search(HIDDEN);

/** What an operator recognises in foreign bytes: hex, and the printable text ("SSH-2.0-..."). */
export const showBytes = (bytes: Buffer, limit = 16): string => {
  const head = bytes.subarray(0, limit);
  const hex = [...head].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
  const text = [...head].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
  return `${hex}${bytes.length > limit ? ' …' : ''} "${text}"`;
};
