// The `process:` check: is a process with this name / command line running on the host? The table
// is read with ps (or /proc where ps is missing) and filtered here, so the probe never finds itself.
import type { CheckKind, Observation } from './types.js';
import { answered, firstLine, noAnswer, tryInOrder, type Attempt, type Reading } from './probes/attempts.js';
import { liveOthers, parseProc, parsePs, PROC_MARKER, PROC_SCRIPT, PS_MARKER, PS_SCRIPT, type ProcessRow } from './probes/process-table.js';

export interface ProcessSpec {
  readonly name?: string;
  readonly command?: string;
  readonly user?: string;
}

const read = (parse: typeof parsePs, marker: string, tool: string) => (outcome: { exitCode: number | null; stdout: string; stderr: string }): Reading<ProcessRow[]> => {
  const table = parse(outcome.stdout);
  if (outcome.exitCode !== 0 || !Number.isInteger(table.self) || table.rows.length === 0) {
    return { unusable: `${tool} gave no process table (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr)}` };
  }
  return { value: liveOthers(table, marker) };
};

const ATTEMPTS: readonly Attempt<ProcessRow[]>[] = [
  { tool: 'ps', label: 'ps -eww', script: PS_SCRIPT, read: read(parsePs, PS_MARKER, 'ps') },
  { tool: '/proc', installable: false, label: 'a walk of /proc', script: PROC_SCRIPT, read: read(parseProc, PROC_MARKER, '/proc') },
];

const baseName = (args: string): string => (args.split(' ')[0] ?? '').split('/').pop() ?? '';

/** name: a full match of the kernel's name or of argv[0]'s base name; command: a search in the command line. */
export const selectProcesses = (rows: readonly ProcessRow[], filter: { name?: RegExp; command?: RegExp; user?: string }): ProcessRow[] =>
  rows.filter((row) =>
    (!filter.name || filter.name.test(row.name) || filter.name.test(baseName(row.args))) &&
    (!filter.command || filter.command.test(row.args)) &&
    (filter.user === undefined || row.user === filter.user));

const unique = (values: readonly string[]): string => [...new Set(values)].sort().join(' ');

/** The letter ps and /proc use for what the kernel does with a process, in words an operator reads. */
const STATE_WORDS: Readonly<Record<string, string>> = {
  R: 'running', S: 'sleeping', D: 'uninterruptible: waiting on I/O', T: 'stopped', t: 'stopped by a debugger',
  Z: 'zombie', X: 'dead', I: 'idle', W: 'paging', P: 'parked',
};

/** "S (sleeping)", "T (stopped)": a process frozen with SIGSTOP still listens and accepts TCP. */
const stateWords = (rows: readonly ProcessRow[]): string =>
  [...new Set(rows.map((row) => row.state.charAt(0)))].sort().map((letter) => `${letter} (${STATE_WORDS[letter] ?? 'unknown'})`).join(', ');

export const processFields = (rows: readonly ProcessRow[]): Observation['fields'] => {
  const pids = rows.map((row) => row.pid).sort((a, b) => a - b);
  return {
    count: rows.length,
    pid: pids.length > 0 ? String(pids[0]) : '',
    pids: pids.join(' '),
    names: unique(rows.map((row) => row.name)),
    users: unique(rows.map((row) => row.user)),
    states: stateWords(rows),
  };
};

const regexOf = (source: string, whole: boolean): RegExp | string => {
  try {
    return new RegExp(whole ? `^(?:${source})$` : source);
  } catch (error) {
    return `${JSON.stringify(source)} is not a valid regular expression: ${(error as Error).message}`;
  }
};

export const processCheck: CheckKind<ProcessSpec> = {
  name: 'process',
  key: 'process',
  summary: 'finds running processes by name, command line and user (zombies and the probe itself excluded)',
  problems: (spec) =>
    (['name', 'command'] as const).flatMap((field) => {
      const source = spec[field];
      if (source === undefined || source.includes('${')) return [];
      const compiled = regexOf(source, field === 'name');
      return typeof compiled === 'string' ? [{ at: [field], message: compiled }] : [];
    }),
  schema: {
    type: 'object',
    additionalProperties: false,
    anyOf: [{ required: ['name'] }, { required: ['command'] }],
    properties: {
      name: { type: 'string', minLength: 1, description: 'a regex that must match the whole process name, e.g. "mysqld|mariadbd"' },
      command: { type: 'string', minLength: 1, description: 'a regex searched in the full command line' },
      user: { type: 'string', minLength: 1, description: 'the user the process runs as' },
    },
  },
  fields: { count: 'number', pid: 'text', pids: 'text', names: 'text', users: 'text', states: 'text' },
  defaultExpect: { count: { ge: 1 } },
  describe: () => PS_SCRIPT,
  observe: async (spec, context) => {
    const name = spec.name === undefined ? undefined : regexOf(context.resolve.value(spec.name), true);
    const command = spec.command === undefined ? undefined : regexOf(context.resolve.value(spec.command), false);
    for (const problem of [name, command]) if (typeof problem === 'string') return { fields: {}, error: problem };
    const result = await tryInOrder(context, ATTEMPTS);
    if ('error' in result) return noAnswer(result);
    const filter = {
      ...(name instanceof RegExp ? { name } : {}),
      ...(command instanceof RegExp ? { command } : {}),
      ...(spec.user === undefined ? {} : { user: context.resolve.value(spec.user) }),
    };
    return answered(result, processFields(selectProcesses(result.value, filter)));
  },
};
