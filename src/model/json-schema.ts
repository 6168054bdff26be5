// JSON Schema fragments are plain data; each check kind and matcher owns its own.
export type JsonSchema = { readonly [keyword: string]: unknown };
