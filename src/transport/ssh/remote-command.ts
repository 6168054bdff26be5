// What actually runs on the host. sshd neither kills a command when its channel closes nor honours
// signal requests for root (LAB-NOTES "Ending a remote command"), so every command must be killable
// from a second channel: it reports its process group first, and `kill -- -PGID` ends it with
// everything it started. coreutils `timeout` bounds it on the host too, for when we cannot reach
// the host any more to kill it.
import { randomBytes } from 'node:crypto';
import shellQuote from 'shell-quote';

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
 * Stage 1 runs `timeout` (which makes itself a process group leader unless it already leads the
 * session) and stage 2 inside it, so the group stage 2 reports is the one the script runs in.
 * Without sudo the login shell already leads a session of its own (sshd calls setsid), and there
 * timeout keeps that group.
 */
const STAGE1 = [
  's=$1; shift',
  'if [ -n "$2" ] && command -v timeout >/dev/null 2>&1; then',
  `  exec timeout -k ${HOST_BOUND_SLACK_S} "$2" /bin/sh -c "$s" rb "$@"`,
  'fi',
  'exec /bin/sh -c "$s" rb "$@"',
].join('\n');

const STAGE2 = [
  'g=; read -r _ _ _ _ g _ 2>/dev/null </proc/$$/stat',
  'case $g in ""|*[!0-9]*) g=$(ps -o pgid= -p $$ | tr -d " ");; esac',
  'printf "%s %s\\n" "$1" "$g"',
  'printf "%s\\n" "$1" >&2',
  // The same words and numbers on every host, as the local transport does: output parses alike.
  'LC_ALL=C; export LC_ALL',
  'exec /bin/sh -c "$3"',
].join('\n');

/**
 * TERM the groups, wait for them to go (at most the grace period), then KILL what is left. Zombies
 * do not count: `kill -0` sees them until reaped, and a container whose PID 1 never reaps keeps them.
 */
const KILL = [
  'grace=$1; shift',
  'for g; do kill -TERM -"$g" 2>/dev/null || kill -TERM "$g" 2>/dev/null; done',
  'live() {',
  '  [ -r /proc/self/stat ] || { for g; do kill -0 -"$g" 2>/dev/null && return 0; done; return 1; }',
  '  for f in /proc/[0-9]*/stat; do',
  '    { read -r _ _ s _ p _ <"$f"; } 2>/dev/null || continue',
  '    [ "$s" = Z ] && continue',
  '    for g; do [ "$p" = "$g" ] && return 0; done',
  '  done',
  '  return 1',
  '}',
  'i=0',
  'while live "$@" && [ "$i" -lt "$grace" ]; do sleep 0.1; i=$((i+1)); done',
  'if live "$@"; then for g; do kill -KILL -"$g" 2>/dev/null; done; fi',
  'exit 0',
].join('\n');

const elevate = (become: boolean): string => (become ? 'sudo -n -- ' : '');

export function wrapCommand(script: string, options: { become: boolean; timeoutMs: number }): Wrapped {
  const marker = `RUNBOOK-${randomBytes(8).toString('hex')}`;
  const bound = Number.isFinite(options.timeoutMs) && options.timeoutMs > 0
    ? (Math.ceil(options.timeoutMs / 100) / 10 + HOST_BOUND_SLACK_S).toFixed(1)
    : '';
  const args = [STAGE2, marker, bound, script].map(quote).join(' ');
  return { command: `exec ${elevate(options.become)}/bin/sh -c ${quote(STAGE1)} rb ${args}`, marker };
}

export function killCommand(pgids: readonly number[], become: boolean): string {
  return `exec ${elevate(become)}/bin/sh -c ${quote(KILL)} rb ${KILL_GRACE_MS / 100} ${pgids.join(' ')}`;
}
