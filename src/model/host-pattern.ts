// Host ranges as Ansible writes them, `web[01:50].prod`, `db-[a:f]`, `node[1:10:2]`: fifty hosts in
// one line of an inventory. The rule is Ansible's own (ansible/ansible,
// lib/ansible/plugins/inventory/__init__.py, expand_hostname_range) so an inventory means here
// what it means there:
// - `[begin:end]` or `[begin:end:step]`, both ends included; an empty begin is 0;
// - a begin written with a leading zero (`01`) pads every number to its width, and then the end
//   must have that width too (`[01:50]`, not `[01:100]`);
// - letters count through a..z then A..Z (Python's string.ascii_letters), one letter at each end;
// - several ranges in one name give every combination, the first range changing slowest.
// Where Ansible fails with a Python traceback or quietly makes nothing (a step of 0, `[a:9]`,
// `[9:1]`), this says why in a sentence. Brackets holding an IPv6 address (`[fe80::1]:2222`, as
// after ssh) are an address, never a range: a range has at most two colons and never "::", so
// the two cannot be confused. (Ansible reads a lone `[fe80::1]` as a broken range.)
import { isIPv6 } from 'node:net';
import { failed, ok, type Result } from './result.js';

/** More hosts than this from one pattern is a typo (`[1:100000]`) or a fleet for an inventory. */
export const MAX_HOSTS_PER_PATTERN = 10_000;

/** Python's string.ascii_letters: the order Ansible counts letters in, so `[x:B]` is x y z A B. */
const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

const DIGITS = /^\d+$/;
const LETTER = /^[A-Za-z]$/;

/** One piece of a name: a fixed text (one choice) or a range (its values, in order). */
type Part = readonly string[];

/** How many values `from..to` by `step` holds, before making any: `[1:1000000000]` must not allocate. */
const countOf = (from: number, to: number, step: number): number => Math.floor((to - from) / step) + 1;

const tooMany = (pattern: string, count: number): string =>
  `"${pattern}" makes ${count} hosts, more than ${MAX_HOSTS_PER_PATTERN} from one pattern: use an inventory, or split the range`;

const parseStep = (text: string | undefined, range: string): Result<number> => {
  if (text === undefined) return ok(1);
  const step = DIGITS.test(text) ? Number(text) : NaN;
  return step >= 1 ? ok(step) : failed(`${range} has step "${text}": a step is a whole number of 1 or more, e.g. [1:10:2]`);
};

const numbers = (pattern: string, range: string, begin: string, end: string, step: number): Result<string[]> => {
  const from = Number(begin);
  const to = Number(end);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return failed(`${range} has a number too large for a host range`);
  // Ansible takes the padding from the begin alone: `01` means two digits for every host.
  const width = begin.length > 1 && begin.startsWith('0') ? begin.length : 0;
  if (width > 0 && end.length !== width) {
    return failed(`${range} pads numbers to ${width} digits but its end "${end}" has ${end.length}: write both ends with the same width, e.g. [${'0'.repeat(width - 1)}1:${'9'.repeat(width)}]`);
  }
  if (from > to) return failed(`${range} counts down from ${begin} to ${end}: write the smaller number first, [${end}:${begin}]`);
  const count = countOf(from, to, step);
  if (count > MAX_HOSTS_PER_PATTERN) return failed(tooMany(pattern, count));
  return ok(Array.from({ length: count }, (_, index) => String(from + index * step).padStart(width, '0')));
};

const letters = (range: string, begin: string, end: string, step: number): Result<string[]> => {
  const from = LETTERS.indexOf(begin);
  const to = LETTERS.indexOf(end);
  if (from > to) return failed(`${range} goes backwards from "${begin}" to "${end}": letters count a..z then A..Z, so write [${end}:${begin}]`);
  return ok(Array.from({ length: countOf(from, to, step) }, (_, index) => LETTERS[from + index * step]!));
};

/** Why `begin` and `end` cannot make a range: neither two numbers nor two single letters. */
const mismatch = (range: string, begin: string, end: string): string => {
  const kinds = [begin, end].map((bound) => (DIGITS.test(bound) ? 'number' : /^[A-Za-z]+$/.test(bound) ? 'letters' : 'other'));
  if (kinds.includes('number') && kinds.includes('letters')) {
    return `${range} mixes a number and a letter: a range goes from number to number ([1:20]) or from letter to letter ([a:f])`;
  }
  if (kinds.every((kind) => kind === 'letters')) return `${range} has more than one letter at an end: a letter range goes from one letter to one letter, e.g. [a:f]`;
  return `${range} is not a range: write [begin:end] or [begin:end:step] with numbers or single letters, e.g. [01:50] or [a:f]`;
};

/** The values of the range written inside `[...]`, in order. */
const expandRange = (pattern: string, inside: string): Result<string[]> => {
  const range = `[${inside}] in "${pattern}"`;
  const bounds = inside.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    return failed(`${range} is not a range: write [begin:end] or [begin:end:step], e.g. [01:50] or [1:10:2]`);
  }
  const [rawBegin, end, rawStep] = bounds as [string, string, string | undefined];
  const begin = rawBegin === '' ? '0' : rawBegin;
  if (end === '') return failed(`${range} has no end: write [${begin}:END]`);
  const step = parseStep(rawStep, range);
  if (!step.ok) return step;
  if (DIGITS.test(begin) && DIGITS.test(end)) return numbers(pattern, range, begin, end, step.value);
  if (LETTER.test(begin) && LETTER.test(end)) return letters(range, begin, end, step.value);
  return failed(mismatch(range, begin, end));
};

/** The pattern cut into fixed texts and ranges, left to right. */
const partsOf = (pattern: string): Result<Part[]> => {
  const parts: Part[] = [];
  let rest = pattern;
  while (rest !== '') {
    const open = rest.indexOf('[');
    const close = rest.indexOf(']');
    if (close !== -1 && (open === -1 || close < open)) return failed(`"${pattern}" has a "]" with no "[" before it`);
    if (open === -1) {
      parts.push([rest]);
      break;
    }
    if (close === -1) return failed(`"${pattern}" opens a range with "[" and never closes it with "]"`);
    const inside = rest.slice(open + 1, close);
    if (inside.includes('[')) return failed(`"${pattern}" has a "[" inside a range: ranges cannot be nested`);
    parts.push([rest.slice(0, open)]);
    if (isIPv6(inside)) {
      parts.push([`[${inside}]`]);
    } else {
      const values = expandRange(pattern, inside);
      if (!values.ok) return values;
      parts.push(values.value);
    }
    rest = rest.slice(close + 1);
  }
  return ok(parts);
};

/**
 * Every host name the pattern stands for, in Ansible's order: `web[01:03].prod` gives web01.prod,
 * web02.prod, web03.prod; a name with no range is itself.
 */
export const expandHostPattern = (pattern: string): Result<string[]> => {
  if (pattern === '') return failed('the host pattern is empty: write a host name, e.g. web[01:50].example.com');
  const parts = partsOf(pattern);
  if (!parts.ok) return parts;
  const count = parts.value.reduce((product, part) => product * part.length, 1);
  if (count > MAX_HOSTS_PER_PATTERN) return failed(tooMany(pattern, count));
  const names = parts.value.reduce<string[]>((heads, part) => heads.flatMap((head) => part.map((value) => head + value)), ['']);
  return ok(names);
};
