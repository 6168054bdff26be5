// The `run:` check: an arbitrary shell command, judged on its exit code and output.
import shellQuote from 'shell-quote';
import { failed, ok } from '../model/result.js';
import { isAssignment, programName } from '../model/shell-places.js';
import type { CommandOutcome } from '../transport/types.js';
import type { CommandStep, Observation } from './types.js';
import { runStep } from './probes/attempts.js';
import { defineCheckKind } from './probes/define-kind.js';

const firstLine = (text: string): string => text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '';

/**
 * Every program the shell could not find, wherever it stood in a pipeline: dash's
 * "/bin/sh: 1: chronyc: not found", bash's "sh: line 1: chronyc: command not found", and the same
 * under `eval` ("/bin/sh: 1: eval: chronyc: not found"): a script's own eval, or output recorded
 * before the SSH wrapper ran commands as a function's body (transport/ssh/remote-command.ts).
 */
export const programsNotFound = (stderr: string): string[] => [
  ...new Set([...stderr.matchAll(/^\S*sh: (?:line )?\d+: (?:eval: )?([^\s:]+): (?:command )?not found$/gm)].map((match) => match[1] ?? '')),
];

// `pgrep -f PATTERN` searches every command line, and the shell that runs a `run:` check holds the
// whole script in its own (`sh -c SCRIPT` here, the SSH wrapper's `sh -c` and `timeout` there): when
// PATTERN matches the script's text, pgrep finds that shell, so the check passes with the process
// gone, and `pkill -f` kills the shell running the check. The `process:` kind leaves runbook's own
// processes out (checks/process.ts); a script cannot, so such a search is refused at load.
const SEARCHERS = new Set(['pgrep', 'pkill']);

/** Short options of procps pgrep/pkill that take a value, which may follow in the same word (-umysql) or the next. */
const SHORT_WITH_VALUE = new Set('gGPstuUFr');

/** Long options that take a value in the next word when written without `=`. */
const LONG_WITH_VALUE = new Set(['--group', '--parent', '--session', '--terminal', '--euid', '--uid', '--pidfile', '--ns', '--nslist', '--runstates', '--signal', '--env', '--cgroup']);

/** pkill's signal first, as `-9`, `-HUP` or `-SIGTERM`: no options, and its capitals are no -U or -P. */
const SIGNAL = /^-(?:\d+|(?:SIG)?[A-Z][A-Z0-9+-]*)$/;

interface Search {
  readonly tool: string;
  /** -f: the pattern is searched in whole command lines, the shell's too. */
  readonly full: boolean;
  /** -x: it must match a whole command line, which the shell's never is. */
  readonly exact: boolean;
  readonly pattern?: string;
}

/** The flags a word of short options (-af, -fx) turns on, up to the first option whose value is the word's rest or the next word. */
const shortOptions = (word: string): { letters: string; takesNext: boolean } => {
  const letters = word.slice(1);
  const valueAt = [...letters].findIndex((letter) => SHORT_WITH_VALUE.has(letter));
  return valueAt < 0 ? { letters, takesNext: false } : { letters: letters.slice(0, valueAt), takesNext: valueAt === letters.length - 1 };
};

const readSearch = (tool: string, words: readonly string[]): Search => {
  const flags = { full: false, exact: false };
  for (let at = 0; at < words.length; at += 1) {
    const word = words[at]!;
    if (word === '--') return { tool, ...flags, ...(words[at + 1] === undefined ? {} : { pattern: words[at + 1] }) };
    if (word === '--full') flags.full = true;
    else if (word === '--exact') flags.exact = true;
    else if (word.startsWith('--')) at += LONG_WITH_VALUE.has(word) ? 1 : 0;
    else if (tool === 'pkill' && at === 0 && SIGNAL.test(word)) continue;
    else if (/^-[A-Za-z]+$/.test(word)) {
      const options = shortOptions(word);
      flags.full ||= options.letters.includes('f');
      flags.exact ||= options.letters.includes('x');
      at += options.takesNext ? 1 : 0;
    } else return { tool, ...flags, pattern: word };
  }
  return { tool, ...flags };
};

/** Each simple command's words: what stands between operators, without its leading assignments. */
const simpleCommands = (script: string): string[][] => {
  const commands: string[][] = [[]];
  for (const token of shellQuote.parse(script, (name) => `$${name}`)) {
    if (typeof token === 'string') commands.at(-1)!.push(token);
    else if ('op' in token && token.op === 'glob') commands.at(-1)!.push(token.pattern);
    else if ('op' in token) commands.push([]);
  }
  return commands.map((words) => words.slice(words.findIndex((word) => !isAssignment(word))));
};

const searchesIn = (script: string): Search[] =>
  simpleCommands(script).flatMap((words) => {
    const at = words.findIndex((word) => SEARCHERS.has(programName(word)));
    return at < 0 ? [] : [readSearch(programName(words[at]!), words.slice(at + 1))];
  });

/** Whether a pgrep pattern (an extended regex; JavaScript's reads the common ones alike) matches this text. */
const matchesText = (pattern: string, text: string): boolean => {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
};

/** `${vars.x}`, `$name`, `$(...)`: known only at run time. A `$` that ends a pattern is its anchor. */
const RUN_TIME_VALUE = /\$[A-Za-z_{(]/;

/**
 * Why this script can never tell a process is gone (or kills its own shell), or undefined. A value
 * only known at run time (`${...}`, `$x`) is not judged.
 */
export const selfMatchingSearch = (script: string): string | undefined => {
  if (!/\bp(?:grep|kill)\b/.test(script)) return undefined;
  let searches: Search[];
  try {
    searches = searchesIn(script);
  } catch {
    return undefined;
  }
  const found = searches.find((search) => search.full && !search.exact && search.pattern !== undefined && !RUN_TIME_VALUE.test(search.pattern) && matchesText(search.pattern, script));
  if (!found?.pattern) return undefined;
  const shown = JSON.stringify(found.pattern);
  return found.tool === 'pkill'
    ? `runs pkill -f ${shown}, which would kill the shell running this check (its command line holds the pattern); write the pattern so it does not match itself, e.g. ${JSON.stringify(bracketed(found.pattern))}`
    : `runs pgrep -f ${shown}, which finds the shell running this check (its command line holds the pattern), so it never fails; use process: { command: ${shown} }, which leaves runbook's own processes out`;
};

/** `[m]ysqld`: the regex still matches "mysqld", and no longer the text "[m]ysqld" that holds it. */
const bracketed = (pattern: string): string => pattern.replace(/[A-Za-z0-9]/, (first) => `[${first}]`);

const listed = (programs: readonly string[]): string => programs.join(', ');

/**
 * 126/127 come from the shell, not the command: nothing was observed, so the check is an error.
 * So is a program missing inside a pipeline, whose exit code the last command's hides
 * (`chronyc tracking | awk ...` exits 0 without chronyc): the shell's own line in stderr tells.
 */
export const interpretCommand = (outcome: CommandOutcome, host = 'the host'): Observation => {
  const fields = { exit_code: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr };
  const missing = programsNotFound(outcome.stderr);
  const missingTools = missing.length > 0 ? { missingTools: missing.map((tool) => ({ tool, host })) } : {};
  if (outcome.exitCode === 127) return { fields, error: `command not found (exit 127): ${firstLine(outcome.stderr)}`, ...missingTools };
  if (outcome.exitCode === 126) return { fields, error: `command not executable (exit 126): ${firstLine(outcome.stderr)}` };
  if (missing.length > 0) {
    return { fields, error: `${listed(missing)} not installed on ${host}: the pipeline ran without it (exit ${String(outcome.exitCode)}); stderr says so`, ...missingTools };
  }
  return { fields };
};

export const command = defineCheckKind({
  name: 'command',
  summary: 'runs a shell command line on the host with /bin/sh -c',
  schema: { type: 'string', minLength: 1, description: 'a shell command line, run with /bin/sh -c' },
  fields: { exit_code: 'number', stdout: 'text', stderr: 'text' },
  defaultExpect: { exit_code: 0 },
  keptExpect: { exit_code: 0 },
  problems: (spec: string) => {
    const problem = selfMatchingSearch(spec);
    return problem === undefined ? [] : [{ at: [], message: problem }];
  },
  shellFields: [[]],
  probe: (spec: string, { resolve }) => {
    const step: CommandStep = { type: 'command', tool: 'sh', label: 'sh -c', script: resolve.shell(spec) };
    // A pattern made of variables or captures is known only now (the load judged the rest).
    const selfMatching = spec.includes('${') ? selfMatchingSearch(step.script) : undefined;
    return selfMatching === undefined ? ok({ target: step, steps: [step] }) : failed(selfMatching);
  },
  observe: async ({ target: step }, context) => interpretCommand(await runStep(context, step), context.host),
});
