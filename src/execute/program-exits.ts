// What an exit code means for the program that gave it. "exit 2 (misuse or error)" under
// `getent ahostsv4 web.lab` sent operators looking for a bad option when getent was saying "no such
// name"; "exit 1 (general failure)" under grep or lsof reads as a broken probe when it means "found
// nothing". The program is the one whose status the shell returns: the last command of the script
// (after `;`) and of its pipeline, past wrappers such as `timeout 2` or `sudo -u mysql`. A script
// whose status could come from several commands (`a && b`, `if ...`) gets the shell's general
// meaning only. The codes are the programs' own manuals'.
import shellQuote from 'shell-quote';
import { isAssignment, programName } from '../model/shell-places.js';

const NO_MATCH = { 1: 'no line matched', 2: 'an error: a file it could not read, a bad pattern' };

const BY_PROGRAM: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  grep: NO_MATCH,
  egrep: NO_MATCH,
  fgrep: NO_MATCH,
  zgrep: NO_MATCH,
  rg: NO_MATCH,
  getent: { 1: 'missing arguments, or no such database', 2: 'not found', 3: 'this database cannot be listed' },
  dig: { 1: 'usage error', 8: 'could not open the batch file', 9: 'no reply from the server', 10: 'internal error' },
  host: { 1: 'not found, or no answer' },
  ping: { 1: 'no reply', 2: 'an error other than no reply: a name that does not resolve, no route' },
  pgrep: { 1: 'no process matched', 2: 'syntax error', 3: 'fatal error' },
  pkill: { 1: 'no process matched', 2: 'syntax error', 3: 'fatal error' },
  lsof: { 1: 'nothing to list, or an error' },
  // OpenBSD's netcat (Debian's default nc) and nmap's ncat: 1 for any connection that failed.
  nc: { 1: 'no connection: refused, timed out or no route' },
  ncat: { 1: 'no connection: refused, timed out or no route' },
  curl: {
    6: 'could not resolve the host',
    7: 'could not connect',
    22: 'an HTTP error status, with --fail',
    28: 'timed out',
    35: 'TLS handshake failed',
    52: 'empty reply from the server',
    56: 'failure receiving data',
    60: 'certificate not trusted',
  },
  systemctl: { 3: 'the unit is not active', 4: 'no such unit' },
  diff: { 1: 'the files differ', 2: 'trouble: a file missing or unreadable' },
  cmp: { 1: 'the files differ', 2: 'trouble: a file missing or unreadable' },
  test: { 1: 'the test is false', 2: 'an error in the test' },
  '[': { 1: 'the test is false', 2: 'an error in the test' },
  id: { 1: 'no such user or group' },
  which: { 1: 'not found in PATH' },
  ssh: { 255: 'ssh itself failed: connection, host key or authentication' },
};

/** Operators after which the status could be either side's: the script's program is not known. */
const AMBIGUOUS = new Set(['&&', '||', '&', '(', ')', ';;', '|&']);
/** Where a command ends and the next one (whose status wins) begins. */
const NEXT = new Set([';', '|']);
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', '{', '}', '!', 'function']);

/** Wrappers that run the next program, with their options that take a value. */
const WRAPPERS: Readonly<Record<string, ReadonlySet<string>>> = {
  exec: new Set(),
  command: new Set(),
  nohup: new Set(),
  env: new Set(['-u', '-C', '-S']),
  nice: new Set(['-n']),
  sudo: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U']),
  timeout: new Set(['-k', '-s']),
};

/** Redirections: the word after one is a file, not a program. */
const REDIRECTS = new Set(['>', '>>', '<', '>&', '<&', '<>', '>|', '<<', '<<<']);

/**
 * The last simple command's words, or undefined when the status could be another command's. A script
 * of several lines is not read (shell-quote takes a newline for a space, which would join commands).
 */
const lastCommand = (script: string): string[] | undefined => {
  // With pipefail a pipeline's status may be any command's.
  if (script.trim().includes('\n') || script.includes('pipefail')) return undefined;
  let words: string[] = [];
  let fileNext = false;
  for (const token of shellQuote.parse(script, (name) => `$${name}`)) {
    if (typeof token === 'string' || ('op' in token && token.op === 'glob')) {
      if (!fileNext) words.push(typeof token === 'string' ? token : token.pattern);
      fileNext = false;
    } else if ('comment' in token) continue;
    else if (AMBIGUOUS.has(token.op)) return undefined;
    else if (NEXT.has(token.op)) words = [];
    else fileNext = REDIRECTS.has(token.op);
  }
  return words.length === 0 ? undefined : words;
};

/** Past assignments and wrappers (`LC_ALL=C timeout -k 5 2 sudo -u mysql getent ...`): the program. */
const programOf = (words: readonly string[]): string | undefined => {
  let at = 0;
  while (at < words.length) {
    const word = words[at]!;
    const name = programName(word);
    if (isAssignment(word)) at += 1;
    else if (KEYWORDS.has(word)) return undefined;
    else if (Object.hasOwn(WRAPPERS, name)) at = pastWrapper(name, words, at + 1);
    else return name;
  }
  return undefined;
};

/** The index of the wrapped program: past the wrapper's options (and timeout's duration). */
const pastWrapper = (wrapper: string, words: readonly string[], from: number): number => {
  const takesValue = WRAPPERS[wrapper]!;
  let at = from;
  while (at < words.length && words[at]!.startsWith('-')) at += takesValue.has(words[at]!) ? 2 : 1;
  return wrapper === 'timeout' ? at + 1 : at;
};

/** The program's own meaning of this exit code, `grep: no line matched`, or undefined. */
export const programExitMeaning = (command: string, exitCode: number): string | undefined => {
  const words = lastCommand(command);
  const program = words && programOf(words);
  const meaning = program !== undefined && Object.hasOwn(BY_PROGRAM, program) ? BY_PROGRAM[program]![exitCode] : undefined;
  return meaning === undefined ? undefined : `${program}: ${meaning}`;
};
