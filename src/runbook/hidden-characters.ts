// How a loader says that what it reads holds a character `runbook plan`, the reports and the
// terminal could not show as it is (model/visible-text.ts): the YAML files (yaml-content.ts) and
// the INI inventories (inventory.ts) refuse such a character where it is written, in these words.

/** `U+001B`: how a message names a character that cannot be shown as itself. */
const codePoint = (char: string): string => `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * A NUL, which nothing a runbook runs can carry, or a character that acts on a terminal (ESC, a
 * carriage return, C1's CSI), reorders the text around it (a bidi override) or cannot be written
 * in UTF-8 (a lone surrogate): what an operator reviews would not be what runs. A command writes a control character with its own escapes, which are
 * plain text here.
 */
export const hiddenCharacterProblem = (char: string): { readonly message: string; readonly hint: string } => {
  const code = char.charCodeAt(0);
  if (code === 0) return { message: 'holds a NUL character ("\\0"), which no command, file name or variable can carry', hint: 'remove it' };
  if (code >= 0xd800 && code <= 0xdfff) return { message: `holds a lone surrogate (${codePoint(char)}), which no UTF-8 text can carry`, hint: 'remove it' };
  if (code >= 0x2000) {
    return { message: `holds ${codePoint(char)}, a bidi control: the text around it would show in another order than it is written, so \`runbook plan\` could not show what runs`, hint: 'remove it' };
  }
  return {
    message: `holds the control character ${codePoint(char)}, which a terminal acts on: \`runbook plan\` and the reports could not show the value as it is`,
    hint: "remove it; a command writes a control character with its own escapes, e.g. printf '\\033[1m' or printf 'a\\r\\n'",
  };
};
