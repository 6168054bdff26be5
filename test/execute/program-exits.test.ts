// An exit code's meaning is the program's own when the script says which program's status the shell
// returns (the last command, past pipes, `;` and wrappers), and nobody's when it could be another's.
import { describe, expect, test } from 'vitest';
import { programExitMeaning } from '../../src/execute/program-exits.js';
import { exitMeaning } from '../../src/execute/evidence.js';

const CASES: [string, number, string | undefined][] = [
  ['timeout --foreground 2 getent ahostsv4 web.lab', 2, 'getent: not found'],
  ['grep -q x /etc/hosts', 1, 'grep: no line matched'],
  ['ps -ef | grep mysqld', 1, 'grep: no line matched'],
  ['lsof -nP -iTCP:3306 -sTCP:LISTEN -a -p 69', 1, 'lsof: nothing to list, or an error'],
  ['dig +short @10.0.0.1 db.example', 9, 'dig: no reply from the server'],
  ['LC_ALL=C sudo -u mysql /usr/bin/grep x f', 1, 'grep: no line matched'],
  ['env -i A=b /usr/bin/pgrep -x mysqld', 1, 'pgrep: no process matched'],
  ['timeout -k 5 2 ping -c1 db', 1, 'ping: no reply'],
  ['nice -n 5 curl -sf http://db/', 22, 'curl: an HTTP error status, with --fail'],
  ['systemctl is-active nginx', 3, 'systemctl: the unit is not active'],
  ['[ -f /etc/app.conf ]', 1, '[: the test is false'],
  ['cd /srv; diff a b', 1, 'diff: the files differ'],
  ['> out grep x f', 1, 'grep: no line matched'],
  ['grep x f 2>/dev/null', 1, 'grep: no line matched'],
  // A code the program's manual gives no meaning: the shell's is used.
  ['grep x f', 127, undefined],
  // The status is the last command's: wc has no table, so none.
  ['grep x f | wc -l', 1, undefined],
  // Could be either command's status, or a subshell's, or any command of a pipefail pipeline.
  ['test -f a && grep x a', 1, undefined],
  ['grep x a || true', 1, undefined],
  ['if grep x f; then echo y; fi', 1, undefined],
  ['grep x $(cat list)', 1, undefined],
  ['set -o pipefail; grep x f | cat', 1, undefined],
  ['grep x f\necho done', 1, undefined],
  // Names that are not programs of the table, whatever JavaScript objects hold.
  ['toString', 1, undefined],
  ['constructor x', 1, undefined],
  ['nc -vzn -w 2 10.0.0.5 3306', 1, 'nc: no connection: refused, timed out or no route'],
  ['ss -ltn', 1, undefined],
];

describe('programExitMeaning', () => {
  test.each(CASES)('%j exit %i -> %j', (command, code, meaning) => {
    expect(programExitMeaning(command, code)).toBe(meaning);
  });
});

describe('exitMeaning with the command', () => {
  test("the program's meaning first, the shell's otherwise", () => {
    expect(exitMeaning(2, null, 'getent hosts db')).toBe('getent: not found');
    expect(exitMeaning(2, null, 'ss -ltnp')).toBe('misuse or error (often: bad usage)');
    expect(exitMeaning(124, null, 'timeout 2 getent hosts db')).toBe('timed out (coreutils timeout)');
    expect(exitMeaning(null, 'SIGKILL', 'grep x f')).toBe('ended by SIGKILL');
  });
});
