// The fallbacks for a host whose sshd will not forward a TCP stream: the mariadb (or mysql) client
// on the host logs in and runs the query; where no client is installed, bash reads the greeting
// byte by byte from /dev/tcp. Their words are read into the same MysqlAnswer as our own client's.
import shellQuote from 'shell-quote';
import type { CommandOutcome } from '../../transport/types.js';
import { firstLine, type Reading } from './attempts.js';
import { readDevTcp } from './connect-output.js';
import { type MysqlAnswer, type MysqlState, judgeGreeting, NO_TIMES, LOGIN_ERROR_CODES, serverWords, stoppedAt } from './mysql-answer.js';
import { seconds, wholeSeconds } from './values.js';

export interface ClientTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly query: string;
  /** Connect and greeting together: the clients' --connect-timeout covers both. */
  readonly connectMs: number;
  /** Everything, login and query included: past it, `timeout` ends the client. */
  readonly totalMs: number;
}

const quote = (word: string): string => shellQuote.quote([word]);

/**
 * The password arrives on standard input and goes to the client through MYSQL_PWD, so it is in no
 * command line (ours, the evidence's, or `ps` on the host). Whichever client the host has: Debian's
 * MariaDB ships `mariadb`, MySQL ships `mysql`.
 */
export const clientScript = (target: ClientTarget): string => {
  const database = target.database === '' ? '' : ` -D ${quote(target.database)}`;
  return [
    'IFS= read -r MYSQL_PWD; export MYSQL_PWD',
    'if command -v mariadb >/dev/null 2>&1; then c=mariadb; elif command -v mysql >/dev/null 2>&1; then c=mysql;',
    "else echo 'sh: 1: mariadb: not found' >&2; exit 127; fi",
    `exec timeout --foreground ${seconds(target.totalMs)} "$c" --protocol=TCP --connect-timeout=${wholeSeconds(target.connectMs)}` +
      ` -h ${quote(target.host)} -P ${target.port} -u ${quote(target.user)}${database} --batch --skip-column-names -e ${quote(target.query)}`,
  ].join('\n');
};

/** errno of the client's own connect, in parentheses after "Can't connect to server on 'HOST'". */
const CONNECT_ERRNO: Readonly<Record<string, MysqlState>> = { '111': 'refused', '115': 'refused', '110': 'filtered', '113': 'unreachable', '101': 'unreachable' };

const CLIENT_ERROR = /^ERROR (\d+) \(([0-9A-Z]{5})\)(?: at line \d+)?: (.*)$/m;

const clientLines = (target: ClientTarget, said: string): string[] => [
  `mariadb client on the host: ${target.user}@${target.host}:${target.port}${target.database === '' ? '' : `/${target.database}`}: ${target.query}`,
  said,
];

/**
 * A server that refuses before its greeting (1040 when even the spare slot is taken, 1130, 1129)
 * sends an error packet where the client expected the greeting; MariaDB's client, about to start
 * TLS, reports it inside its own 2002: "... cannot be verified: 1040 - Too many connections".
 */
const EMBEDDED_SERVER_ERROR = /cannot be verified: (\d+) - (.*)$/;

/** 2002/2003 "Can't connect", 2005 unknown host, 2013 "Lost connection ... at 'handshake ...'". */
const clientSideError = (code: number, message: string, target: ClientTarget, words: string): Reading<MysqlAnswer> | undefined => {
  const lines = clientLines(target, words);
  const embedded = EMBEDDED_SERVER_ERROR.exec(message);
  if (embedded) {
    const [, serverCode = '', serverMessage = ''] = embedded;
    return { value: { ...stoppedAt('greeting', 'login-refused', serverMessage, NO_TIMES, lines), errorCode: Number(serverCode) } };
  }
  if (code === 2002 || code === 2003) {
    const state = CONNECT_ERRNO[/\((\d+)\)\s*$/.exec(message)?.[1] ?? ''];
    if (state) return { value: { ...stoppedAt('connect', state, message, NO_TIMES, lines), errorCode: code } };
  }
  if (code === 2005) return { error: `cannot resolve the host: ${message}` };
  if (code === 2013 && /handshake/.test(message)) {
    return { value: { ...stoppedAt('greeting', 'no-greeting', message, NO_TIMES, lines), errorCode: code } };
  }
  return undefined;
};

export const readClient = (target: ClientTarget) => (outcome: CommandOutcome): Reading<MysqlAnswer> => {
  if (outcome.exitCode === 0) {
    const rows = outcome.stdout.split('\n').filter((line) => line !== '');
    const result = rows[0]?.split('\t')[0] ?? '';
    const lines = clientLines(target, `${rows.length} row${rows.length === 1 ? '' : 's'}${rows.length > 0 ? `, first value ${result}` : ''}`);
    return { value: { state: 'answered', phase: 'done', errorCode: null, error: '', serverVersion: '', times: NO_TIMES, rows: rows.length, result, transcript: lines } };
  }
  if (outcome.exitCode === 124) {
    const lines = clientLines(target, `no answer within ${seconds(target.totalMs)} s`);
    return { value: stoppedAt('query', 'query-timeout', `the client got no answer within ${seconds(target.totalMs)} s`, NO_TIMES, lines) };
  }
  const error = CLIENT_ERROR.exec(outcome.stderr);
  if (!error) return { error: `the mariadb client failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || 'no message'}` };
  const [, codeText = '', sqlState = '', message = ''] = error;
  const code = Number(codeText);
  const words = serverWords(code, sqlState, message);
  if (code >= 2000) return clientSideError(code, message, target, words) ?? { value: { ...stoppedAt('login', 'server-error', message, NO_TIMES, clientLines(target, words)), errorCode: code } };
  const login = LOGIN_ERROR_CODES.has(code);
  return { value: { ...stoppedAt(login ? 'login' : 'query', login ? 'login-refused' : 'server-error', message, NO_TIMES, clientLines(target, words)), errorCode: code } };
};

/**
 * bash only, no other program: a byte at a time with `read -n 1` (a NUL reads as empty, which is 0),
 * the header first, then as many bytes as it announces. Never asks for more than the packet holds,
 * so a healthy server is read at once, and a silent one costs the read timeout, not a hang.
 */
const GREETING_SCRIPT = [
  't=$3',
  'exec 3<>"/dev/tcp/$1/$2" || exit 3',
  'echo connected',
  'got=0; want=4; bytes=; end=complete',
  'while [ "$got" -lt "$want" ]; do',
  '  IFS= read -r -n 1 -d "" -t "$t" c <&3; rc=$?',
  '  if [ "$rc" -gt 128 ]; then end=silent; break; fi',
  '  if [ "$rc" -ne 0 ] && [ -z "$c" ]; then end=closed; break; fi',
  '  printf -v d %d "\'$c"; bytes="$bytes $((d & 255))"; got=$((got + 1))',
  '  if [ "$got" -eq 4 ]; then',
  '    set -- $bytes; n=$(($1 + $2 * 256 + $3 * 65536))',
  '    if [ "$4" -ne 0 ] || [ "$n" -eq 0 ] || [ "$n" -gt 4096 ]; then break; fi',
  '    want=$((4 + n))',
  '  fi',
  'done',
  'echo "bytes$bytes"',
  'echo "end $end"',
].join('\n');

export const greetingScript = (host: string, port: number, greetingMs: number, totalMs: number): string =>
  `timeout --foreground ${seconds(totalMs)} bash -c ${quote(GREETING_SCRIPT)} rb ${quote(host)} ${port} ${seconds(greetingMs)}`;

const greetingLines = (host: string, port: number, said: string): string[] => [`bash /dev/tcp on the host: ${host}:${port}`, said];

/** What bash saw: "connected", the bytes as decimals, and how the reading ended. */
export const readGreeting = (host: string, port: number, greetingMs: number) => (outcome: CommandOutcome): Reading<MysqlAnswer> => {
  if (!/^connected$/m.test(outcome.stdout)) {
    // The connect failed: in bash's own words, read as tcp_connect reads them (124: no answer).
    const connect = readDevTcp(outcome);
    if (!('value' in connect) || connect.value === 'open') return { error: `bash /dev/tcp failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || 'no message'}` };
    const why = firstLine(outcome.stderr) || 'no answer to the connection attempt';
    return { value: stoppedAt('connect', connect.value, why, NO_TIMES, greetingLines(host, port, `connect: ${why}`)) };
  }
  const numbers = /^bytes((?: \d+)*)$/m.exec(outcome.stdout)?.[1]?.trim() ?? '';
  const received = Buffer.from(numbers === '' ? [] : numbers.split(' ').map(Number));
  const end = /^end closed$/m.test(outcome.stdout) ? 'closed' : 'silent';
  const verdict = judgeGreeting(received, end, greetingMs);
  if ('state' in verdict) return { value: { ...stoppedAt('greeting', verdict.state, verdict.error, NO_TIMES, greetingLines(host, port, verdict.said)), errorCode: verdict.errorCode } };
  const { bytes, serverVersion } = verdict.greeting;
  return { value: { ...stoppedAt('greeting', 'greeted', '', NO_TIMES, greetingLines(host, port, `greeting: ${bytes} bytes: protocol 10, server ${serverVersion}`)), serverVersion } };
};
