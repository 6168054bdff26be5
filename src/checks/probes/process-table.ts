// Reading the process table from `ps` or, where ps is missing, from /proc walked in sh. The probe's
// own processes are dropped here, never by grepping in the shell (LAB-NOTES 10: grep finds itself).
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
 * Drops zombies (dead, not yet reaped: LAB-NOTES 11), the probe itself and what it started, and the
 * wrappers above it that carry its script (the transport's `timeout`, `sudo`, `sh -c`).
 */
export const liveOthers = (table: { self: number; rows: readonly ProcessRow[] }, marker: string): ProcessRow[] => {
  const byPid = new Map(table.rows.map((row) => [row.pid, row]));
  const probe = new Set<number>([table.self]);
  for (let row = byPid.get(table.self); row && row.ppid > 0; row = byPid.get(row.ppid)) {
    const parent = byPid.get(row.ppid);
    if (parent?.args.includes(marker)) probe.add(parent.pid);
  }
  const isProbe = (row: ProcessRow): boolean => {
    for (let at: ProcessRow | undefined = row, hops = 0; at && hops < 64; at = byPid.get(at.ppid), hops += 1) if (at.pid === table.self) return true;
    return probe.has(row.pid);
  };
  return table.rows.filter((row) => !row.state.startsWith('Z') && !isProbe(row));
};

export const PS_MARKER = PS_FORMAT;
export const PROC_MARKER = 'echo ==passwd';
