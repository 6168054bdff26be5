// What actually runs on the host. sshd neither kills a command when its channel closes nor honours
// signal requests for root (LAB-NOTES "Ending a remote command"), so every command must be killable
// from a second channel: it reports its process group first, and `kill -- -PGID` ends it with
// everything it started. coreutils `timeout` bounds it on the host too, for when we cannot reach
// the host any more to kill it.
import { randomBytes } from 'node:crypto';
import shellQuote from 'shell-quote';
import { AFTER_KILL_LOOKS_MS, AFTER_TERM_LOOKS_MS, inShellSeconds } from '../leftovers.js';
import { commandMarker } from '../types.js';

/** The script's own stdout starts after this line, which carries the group id. */
export interface Wrapped {
  readonly command: string;
  readonly marker: string;
}

// Slack past the command's own timeout before the host-side bound fires: we normally kill first.
const HOST_BOUND_SLACK_S = 5;
export const KILL_GRACE_MS = 2000;

/** shell-quote, as everywhere else we build a command line: one word, whatever the text holds. */
const quote = (text: string): string => shellQuote.quote([text]);

/**
 * Runs in /bin/sh, which the login shell becomes (`exec`, under sudo too): the same shell on every
 * host whatever the account's shell, and the cheapest to fork. The stage forks once for `$(...)`;
 * forking a login bash there instead cost the lab's 50 hosts x 5 commands 0.3 s of 8.2 (5
 * alternated runs each, 8.18 -> 7.90 s). With coreutils `timeout`, the command runs in a group of
 * its own, apart from this shell: timeout leads it (it calls setpgid(0, 0)), so the group is
 * timeout's PID, which the command's shell tells first, as its parent's ($PPID), before it runs
 * the script: the group always comes before any output.
 * This shell waits for it, then ends whatever the command left in its group (`nohup x &`):
 * TERM, then KILL what is still there 0.2 s later, as the local transport does, looking sooner
 * too: most groups are gone a moment after TERM (a stopped capture of the shipped runbook waited
 * out the whole 0.2 s on every run), and after a KILL until the group is gone (transport/leftovers.ts).
 * Only then it exits as the command did. To tell `exit 143` from a death by SIGTERM, the
 * command's shell reports its exit status from an EXIT trap on a pipe of its own (fd 4, closed
 * for the script, so no leftover holds it); with no status reported it died of a signal, and
 * this shell dies of the same one. Beyond `ssh HOST SCRIPT`, that costs /bin/sh, the fork for
 * `$(...)`, timeout, the command's shell and `kill -0` on the group, a builtin, when nothing was
 * left (a look through /proc only when something was, zombies aside). Without timeout (a busybox host) the script runs in the login
 * session's own group, read from /proc (or ps), and what it leaves behind is not told apart from it.
 */
/**
 * The state `s` and the group `p` of the process whose /proc/PID/stat is `$f`, or on to the next
 * when it is gone. Its name comes second, in parentheses, and may hold spaces and parentheses
 * itself (`tmux: server`, a binary named `rb (x) y`): the fields are counted after the last ") ",
 * never by position from the start, which read such a leftover's parent as its group and left it.
 */
const READ_STAT = '{ read -r l <"$f"; } 2>/dev/null || continue; l=${l##*) }; s=${l%% *}; l=${l#* }; l=${l#* }; p=${l%% *}';

/** After KILL, the looks until the group is gone (leftovers.ts). */
const AFTER_KILL_LOOKS = inShellSeconds(AFTER_KILL_LOOKS_MS);

const COMMAND_SHELL = [
  'printf "%s" "$PPID" >&4',
  'printf "%s %s\\n" "$1" "$PPID"',
  'printf "%s\\n" "$1" >&2',
  `trap 'printf " %s" "$?" >&4' EXIT`,
  'rb_s=$2; set --',
  // Run as a function's body, not by `eval` itself: dash puts "eval: " in its messages from there
  // ("/bin/sh: 1: eval: nmap: not found"); a function's read as `sh -c` says them, at the script's
  // own line numbers. A script that does not parse ends the shell at the definition (status 2),
  // as it did under eval; only its message may name the closing "}" (expecting "fi").
  'eval "rb_script() { $rb_s',
  '}"',
  'rb_script 4>&-',
].join('\n');

const STAGE = [
  // The same words and numbers on every host, as the local transport does: output parses alike.
  'LC_ALL=C; export LC_ALL',
  'if [ -n "$rb_b" ] && command -v timeout >/dev/null 2>&1; then',
  // A live member left in group $1: kill -0 (a builtin) first, and only when something is there a
  // look through /proc, since kill -0 sees zombies too (an init that never reaps keeps them).
  '  rb_left() {',
  '    kill -0 -"$1" 2>/dev/null || return 1',
  '    [ -r /proc/self/stat ] || return 0',
  '    for f in /proc/[0-9]*/stat; do',
  `      ${READ_STAT}`,
  '      [ "$p" = "$1" ] && [ "$s" != Z ] && return 0',
  '    done',
  '    return 1',
  '  }',
  '  exec 5>&1 6>&2',
  // The command's stderr is fd 6. This shell's own is nowhere while it waits: dash says
  // "Terminated" there when the child it waits for dies of a signal (every stopped capture did).
  `  { rb_x=$(timeout -k ${HOST_BOUND_SLACK_S} "$rb_b" /bin/sh -c ${quote(COMMAND_SHELL)} /bin/sh "$rb_m" "$rb_s" 4>&1 1>&5 5>&- 2>&6 6>&-); rb_r=$?; } 2>/dev/null`,
  '  exec 5>&- 6>&-',
  '  set -- $rb_x',
  '  if [ -n "$1" ] && rb_left "$1"; then',
  '    kill -TERM -"$1" 2>/dev/null',
  `    for d in ${inShellSeconds(AFTER_TERM_LOOKS_MS)}; do sleep "$d"; rb_left "$1" || break; done`,
  '    if rb_left "$1"; then',
  '      kill -KILL -"$1" 2>/dev/null',
  `      for d in ${AFTER_KILL_LOOKS}; do rb_left "$1" || break; sleep "$d"; done`,
  '    fi',
  '  fi',
  '  [ -n "$2" ] && exit "$2"',
  '  if [ "$rb_r" -gt 128 ] && [ "$rb_r" -lt 160 ]; then ulimit -c 0 2>/dev/null; kill -"$((rb_r - 128))" $$; fi',
  '  exit "$rb_r"',
  'fi',
  'rb_g=; read -r _ _ _ _ rb_g _ 2>/dev/null </proc/$$/stat',
  'case $rb_g in ""|*[!0-9]*) rb_g=$(ps -o pgid= -p $$ | tr -d " ");; esac',
  'printf "%s %s\\n" "$rb_m" "$rb_g"',
  'printf "%s\\n" "$rb_m" >&2',
  'exec /bin/sh -c "$rb_s"',
].join('\n');

/**
 * TERM the groups, wait for them to go (at most the grace period), then KILL what is left and wait
 * for that to go too (AFTER_KILL_LOOKS): "stopped" means gone, not signalled. Zombies
 * do not count: `kill -0` sees them until reaped, and a container whose PID 1 never reaps keeps them.
 * `kill -0` first, though: a group with no process at all, not even a zombie, is gone without
 * reading /proc. Most groups end a moment after TERM, so the first looks come sooner than the
 * 0.1 s steps of the grace period: a stopped capture is reported without a tenth of a second's wait.
 */
const KILL = [
  'grace=$1; shift',
  'for g; do kill -TERM -"$g" 2>/dev/null || kill -TERM "$g" 2>/dev/null; done',
  'live() {',
  '  for g; do kill -0 -"$g" 2>/dev/null && break; g=; done',
  '  [ -n "$g" ] || return 1',
  '  [ -r /proc/self/stat ] || return 0',
  '  for f in /proc/[0-9]*/stat; do',
  `    ${READ_STAT}`,
  '    [ "$s" = Z ] && continue',
  '    for g; do [ "$p" = "$g" ] && return 0; done',
  '  done',
  '  return 1',
  '}',
  'for d in 0.01 0.02 0.05; do live "$@" || exit 0; sleep $d; done',
  'i=0',
  'while live "$@" && [ "$i" -lt "$grace" ]; do sleep 0.1; i=$((i+1)); done',
  'if live "$@"; then',
  '  for g; do kill -KILL -"$g" 2>/dev/null; done',
  `  for d in ${AFTER_KILL_LOOKS}; do live "$@" || break; sleep $d; done`,
  'fi',
  'exit 0',
].join('\n');

const elevate = (become: boolean): string => (become ? 'sudo -n -- ' : '');

/**
 * A held command (CommandRequest.heldUntil) waits here for its release, one line on its input,
 * before it forks anything or reports a group; its end of input instead means it is never released.
 */
const RELEASE = 'read -r rb_go || exit 0';

export function wrapCommand(script: string, options: { become: boolean; timeoutMs: number; held?: boolean }): Wrapped {
  const marker = commandMarker(randomBytes(8).toString('hex'));
  const bound = Number.isFinite(options.timeoutMs) && options.timeoutMs > 0
    ? (Math.ceil(options.timeoutMs / 100) / 10 + HOST_BOUND_SLACK_S).toFixed(1)
    : '';
  const stage = `${options.held ? `${RELEASE}\n` : ''}rb_s=${quote(script)}; rb_m=${marker}; rb_b=${bound}\n${STAGE}`;
  return { command: `exec ${elevate(options.become)}/bin/sh -c ${quote(stage)}`, marker };
}

/** `now`: no grace period (the operator interrupted twice): KILL follows TERM at once. */
export function killCommand(pgids: readonly number[], become: boolean, now = false): string {
  return `exec ${elevate(become)}/bin/sh -c ${quote(KILL)} rb ${now ? 0 : KILL_GRACE_MS / 100} ${pgids.join(' ')}`;
}
