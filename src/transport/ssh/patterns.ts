// OpenSSH's wildcard patterns, for known_hosts host fields and Include file names: `*` is any run
// of characters, `?` exactly one, everything else literal. Comma lists and `!` negations are the
// callers' to walk (only known_hosts has them, where a matching negation vetoes the whole line).

const LITERAL = /[.+^${}()|[\]\\]/g;

/** `ignoreCase`: host names compare without case (known_hosts); file names do not (Include). */
export const wildcardRegExp = (pattern: string, options: { readonly ignoreCase: boolean }): RegExp =>
  new RegExp(`^${pattern.replace(LITERAL, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, options.ignoreCase ? 'i' : '');
