// Text put into a regular expression as itself: every character a pattern gives a meaning, escaped.
export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
