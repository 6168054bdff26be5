// The `process:` check: is a process with this name / command line running on the host? The table
// is read with ps (or /proc where ps is missing) and filtered here, so runbook never finds itself.
import { failed, ok, type Result } from '../model/result.js';
import { programName } from '../model/shell-places.js';
import { type Attempt, firstLine, inOrder, observed, type Reading, tryInOrder, unusable } from './probes/attempts.js';
import { defineCheckKind } from './probes/define-kind.js';
import { COMMAND_MARKER } from '../transport/types.js';
import type { Observation, Probe, ProbeSettings } from './types.js';
import { counted } from '../model/counted.js';

// Reading the process table from `ps` or, where ps is missing, from /proc walked in sh. The probe's
// own processes are dropped here, never by grepping in the shell (LAB-NOTES 10: grep finds itself),
// and so are runbook's other ones: the CLI, and the commands of the checks running beside it.
export interface ProcessRow {
  readonly pid: number;
  readonly ppid: number;
  readonly user: string;
  /** ps STAT / /proc state, e.g. "Ssl"; Z is a zombie. */
  readonly state: string;
  /** The kernel's name for it (comm, at most 15 characters). */
  readonly name: string;
  readonly args: string;
}

// Every column but args wider than its widest value: procps shrinks the padding after a column
// that overflows, which would shift comm into args (a stat of 5 letters in a 4-wide column).
const PS_FORMAT = 'pid:10=,ppid:10=,user:32=,stat:8=,comm:15=,args=';
/** `$$` first, then ps replaces the shell: the first line names the probe's own pid. */
export const PS_SCRIPT = `echo $$; exec ps -eww -o ${PS_FORMAT}`;

/**
 * One line per process: uid, the raw stat line (pid (comm) state ppid ...), the command line; then
 * /etc/passwd to name the uids. $$ is the walking shell; its subshells are its descendants.
 */
export const PROC_SCRIPT = [
  'echo $$',
  'for d in /proc/[0-9]*; do',
  '  { read -r s <"$d/stat"; } 2>/dev/null || continue',
  '  u=; while read -r k v _; do [ "$k" = Uid: ] && { u=$v; break; }; done <"$d/status" 2>/dev/null',
  `  printf '%s\\t%s\\t%s\\n' "$u" "$s" "$(tr '\\0\\n' '  ' <"$d/cmdline" 2>/dev/null)"`,
  'done',
  'echo ==passwd',
  'cat /etc/passwd 2>/dev/null',
].join('\n');

/** comm is padded to 15 columns, then one space, then args (which may be empty for kernel threads). */
const PS_LINE = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s(.*)$/;

export const parsePs = (stdout: string): { self: number; rows: ProcessRow[] } => {
  const [first = '', ...lines] = stdout.split('\n');
  const rows: ProcessRow[] = [];
  for (const line of lines) {
    const match = PS_LINE.exec(line);
    if (!match) continue;
    const rest = match[5]!.replace(/^ +/, '');
    rows.push({ pid: Number(match[1]), ppid: Number(match[2]), user: match[3]!, state: match[4]!, name: rest.slice(0, 15).trimEnd(), args: rest.slice(16).trim() });
  }
  return { self: Number(first.trim()), rows };
};

const STAT_LINE = /^(\d+) \((.*)\) (\S+) (\d+) /s;

export const parseProc = (stdout: string): { self: number; rows: ProcessRow[] } => {
  const [first = '', ...lines] = stdout.split('\n');
  const split = lines.indexOf('==passwd');
  const users = new Map<string, string>();
  for (const entry of split < 0 ? [] : lines.slice(split + 1)) {
    const [name, , uid] = entry.split(':');
    if (name && uid && !users.has(uid)) users.set(uid, name);
  }
  const rows: ProcessRow[] = [];
  for (const line of split < 0 ? lines : lines.slice(0, split)) {
    const [uid = '', stat = '', ...args] = line.split('\t');
    const match = STAT_LINE.exec(stat);
    if (!match) continue;
    rows.push({ pid: Number(match[1]), ppid: Number(match[4]), user: users.get(uid) ?? uid, state: match[3]!, name: match[2]!, args: args.join('\t').trim() });
  }
  return { self: Number(first.trim()), rows };
};

/**
 * Drops zombies (dead, not yet reaped: LAB-NOTES 11) and every process of runbook's own, which would
 * otherwise answer for the host: the probe with the wrappers above it that carry its script (the
 * transport's `timeout`, `sudo`, `sh -c`), and everything under its origin, the first process above
 * those: the runbook CLI itself on the local host (`name: node` never finds runbook), the SSH
 * session's sshd on another (a `command:` pattern never finds another check's command line running
 * beside it). On an SSH host, anything under a wrapper carrying a command's mark goes too: our other
 * connections to it, another run of runbook. A runbook that is PID 1 (a container's init) is the
 * parent of every orphan, its checks' daemons too: then only the CLI itself is dropped, not all it
 * adopted.
 */
export const liveOthers = (table: { self: number; rows: readonly ProcessRow[] }, marker: string): ProcessRow[] => {
  const byPid = new Map(table.rows.map((row) => [row.pid, row]));
  const own = new Set<number>([table.self]);
  let origin = byPid.get(byPid.get(table.self)?.ppid ?? 0);
  for (; origin?.args.includes(marker) === true; origin = byPid.get(origin.ppid)) own.add(origin.pid);
  const ownTrees = new Set(table.rows.filter((row) => COMMAND_MARKER.test(row.args)).map((row) => row.pid));
  if (origin) (origin.pid === 1 ? own : ownTrees).add(origin.pid);
  const isOwn = (row: ProcessRow): boolean => {
    if (own.has(row.pid)) return true;
    for (let at: ProcessRow | undefined = row, hops = 0; at && hops < 64; at = byPid.get(at.ppid), hops += 1) {
      if (at.pid === table.self || ownTrees.has(at.pid)) return true;
    }
    return false;
  };
  return table.rows.filter((row) => !row.state.startsWith('Z') && !isOwn(row));
};

export const PS_MARKER = PS_FORMAT;
export const PROC_MARKER = 'echo ==passwd';

export interface ProcessSpec {
  readonly name?: string;
  readonly command?: string;
  readonly user?: string;
}

const read = (parse: typeof parsePs, marker: string, tool: string) => (outcome: { exitCode: number | null; stdout: string; stderr: string }): Reading<ProcessRow[]> => {
  const table = parse(outcome.stdout);
  if (outcome.exitCode !== 0 || !Number.isInteger(table.self) || table.rows.length === 0) {
    return unusable(`${tool} gave no process table (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr)}`);
  }
  return { ok: true, value: liveOthers(table, marker) };
};

const ATTEMPTS: readonly Attempt<ProcessRow[]>[] = inOrder([
  { type: 'command', tool: 'ps', label: 'ps -eww', script: PS_SCRIPT, read: read(parsePs, PS_MARKER, 'ps') },
  { type: 'command', tool: '/proc', installable: false, label: 'a walk of /proc', script: PROC_SCRIPT, read: read(parseProc, PROC_MARKER, '/proc') },
]);

const baseName = (args: string): string => programName(args.split(' ')[0] ?? '');

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

const regexOf = (source: string, whole: boolean): Result<RegExp> => {
  try {
    return ok(new RegExp(whole ? `^(?:${source})$` : source));
  } catch (error) {
    return failed(`${JSON.stringify(source)} is not a valid regular expression: ${(error as Error).message}`);
  }
};

interface Filter {
  readonly name?: RegExp;
  readonly command?: RegExp;
  readonly user?: string;
}

/** The kernel's own threads (kthreadd, PID 2, and its children), which ps shows as `[name]` and /proc with no command line. */
const isKernelThread = (row: ProcessRow): boolean => (row.pid === 2 || row.ppid === 2) && (row.args === '' || (row.args.startsWith('[') && row.args.endsWith(']')));

/** Names listed when nothing matched: enough to see a service under another name, not a whole busy host. */
const OTHER_NAMES_LISTED = 15;

/**
 * When nothing matched, what does run: the raw table an operator would read is mostly runbook's
 * own wrappers on a quiet host, and a long list on a busy one. "mariadbd" where "mysqld" was
 * asked, or no database at all, is what a failing check should show at a glance.
 */
export const whatRunsInstead = (rows: readonly ProcessRow[]): string => {
  const others = rows.filter((row) => !isKernelThread(row));
  if (others.length === 0) return "nothing else runs there but runbook's own processes";
  const names = [...new Set(others.map((row) => row.name))].sort();
  const listed = names.slice(0, OTHER_NAMES_LISTED).join(', ');
  const more = names.length > OTHER_NAMES_LISTED ? ` and ${names.length - OTHER_NAMES_LISTED} more names` : '';
  return `no match among the ${counted(others.length, 'process', 'processes')} running besides runbook's own and the kernel's: ${listed}${more}`;
};

/** The table is read whole and filtered here: the steps are the same whatever is looked for. */
const probe = (spec: ProcessSpec, { resolve }: ProbeSettings): Result<Probe<Filter>> => {
  const name = spec.name === undefined ? undefined : regexOf(resolve.value(spec.name), true);
  const command = spec.command === undefined ? undefined : regexOf(resolve.value(spec.command), false);
  if (name && !name.ok) return name;
  if (command && !command.ok) return command;
  const filter = {
    ...(name ? { name: name.value } : {}),
    ...(command ? { command: command.value } : {}),
    ...(spec.user === undefined ? {} : { user: resolve.value(spec.user) }),
  };
  return ok({ target: filter, steps: ATTEMPTS });
};

export const processCheck = defineCheckKind({
  name: 'process',
  summary: "finds running processes by name, command line and user (zombies and runbook's own processes excluded)",
  problems: (spec: ProcessSpec) =>
    (['name', 'command'] as const).flatMap((field) => {
      const source = spec[field];
      if (source === undefined || source.includes('${')) return [];
      const compiled = regexOf(source, field === 'name');
      return compiled.ok ? [] : [{ at: [field], message: compiled.error }];
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
  probe,
  observe: async ({ target: filter }, context) => {
    const result = await tryInOrder(context, ATTEMPTS);
    const observation = observed(result, (answer) => processFields(selectProcesses(answer.value, filter)));
    if (!result.ok || observation.fields['count'] !== 0) return observation;
    return { ...observation, notes: [...(observation.notes ?? []), whatRunsInstead(result.value.value)] };
  },
});
