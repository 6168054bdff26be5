// JSON Schema fragments are plain data; each check kind and matcher owns its own.
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * A regex pattern with the sentence that explains it: runbook's own messages and editors
 * (yaml-language-server reads `patternErrorMessage`) show the sentence, never the regex.
 */
export const patterned = (pattern: string, mustBe: string): JsonSchema => ({ pattern, patternErrorMessage: `must be ${mustBe}` });
