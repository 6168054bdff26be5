// Where a reference stands in a command line, and that what the renderer makes of it keeps every
// value text under both shells a host may have as /bin/sh (dash on Debian, bash on RHEL).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import shellQuote from 'shell-quote';
import { afterAll, describe, expect, test } from 'vitest';
import { renderShellText, shellPlaceProblems, shellSites } from '../../src/model/shell-places.js';
import { ACCEPTED, PAYLOADS } from '../helpers/injection-matrix.js';

const places = (text: string): string[] => shellSites(text).map((site) => `${site.name}:${site.place.kind}`);

describe('shellSites', () => {
  test.each([
    ['echo ${vars.a}', ['a:word']],
    ['echo "x ${vars.a}" ${vars.b}', ['a:expanded', 'b:word']],
    ["echo 'x ${vars.a}'", ['a:literal']],
    ["echo $'x ${vars.a}'", ['a:literal']],
    ['echo "$\'${vars.a}\'"', ['a:expanded']],
    ['cat <<EOF\n${vars.a}\nEOF\necho ${vars.b}', ['a:expanded', 'b:word']],
    ['cat <<-"EOF"\n\t${vars.a}\n\tEOF\necho ${vars.b}', ['a:literal', 'b:word']],
    ['echo $(( ${vars.a} + 1 ))', ['a:reparsed']],
    ['echo `echo ${vars.a}`', ['a:reparsed']],
    ['echo $(echo ${vars.a}) "$(echo "${vars.b}")"', ['a:word', 'b:expanded']],
    ['sh -c "echo ${vars.a}" sh ${vars.b}', ['a:reparsed', 'b:word']],
    ["sudo -n bash -ec 'echo $1' bash ${vars.a}", ['a:word']],
    ['sh -c "$(echo ${vars.a})"', ['a:reparsed']],
    ['eval "echo ${vars.a}"', ['a:reparsed']],
    ['trap "echo ${vars.a}" EXIT', ['a:reparsed']],
    ['ssh -p 22 ${vars.a} uptime ${vars.b}', ['a:word', 'b:reparsed']],
    ['echo ${vars.a} | sh', ['a:reparsed']],
    ['echo ${vars.a} | grep x | wc -l', ['a:word']],
    ['sh <<EOF\n${vars.a}\nEOF', ['a:reparsed']],
    ['cat <<EOF | sh\n${vars.a}\nEOF', ['a:reparsed']],
    ["awk -F: -v v=${vars.a} '$1 == v' ${vars.b}", ['a:word', 'b:word']],
    ['awk "/${vars.a}/"', ['a:reparsed']],
    ['sed -e "s/${vars.a}//" -n ${vars.b}', ['a:reparsed', 'b:word']],
    ['python3 -c "print(1)" ${vars.a}', ['a:word']],
    ['perl -ne "print if /${vars.a}/"', ['a:reparsed']],
    ['X=${vars.a} sh -c \'echo "$X"\'', ['a:word']],
    ['echo ok # ${vars.a}', ['a:expanded']],
    ['echo "${x:-${vars.a}}" ${y#${vars.b}}', ['a:expanded', 'b:word']],
    ['( cd /tmp && echo ${vars.a} ) ; echo "${vars.b}"', ['a:word', 'b:expanded']],
    ['echo ${fields.x.y} ${tools.missing} $HOME ${HOME}', []],
  ])('%j', (text, expected) => {
    expect(places(text)).toEqual(expected);
  });

  test('every refused place comes with a message naming the reference and a rewrite', () => {
    expect(shellPlaceProblems("grep 'pid=${captures.pid},' x")).toEqual([
      "uses ${captures.pid} in single quotes, where the shell never expands it: end the quotes before it and open them again after it: 'pid='${captures.pid}','",
    ]);
    expect(shellPlaceProblems('echo ${vars.a} "${vars.b}"')).toEqual([]);
  });
});

describe('renderShellText', () => {
  const quote = (value: string): string => shellQuote.quote([value]);

  test('the value is a quoted word outside quotes, and a variable set first inside them', () => {
    const values: Record<string, string> = { a: 'x $(y)', 'a.b': '1', a_b: '2', c: 'EOF' };
    const render = (text: string): string => renderShellText(text, ({ name }) => values[name], quote);
    expect(render('echo ${vars.a} "${vars.a}" "${vars.a}"')).toBe(`rb_vars_a='x $(y)'; echo 'x $(y)' "\${rb_vars_a}" "\${rb_vars_a}"`);
    expect(render('echo "${vars.a.b}${vars.a_b}" ${vars.a.b}')).toBe('echo "12" 1');
    values['a.b'] = '$1';
    values.a_b = '$2';
    expect(render('echo "${vars.a.b}${vars.a_b}"')).toBe('rb_vars_a_b=\\$1 rb_vars_a_b_2=\\$2; echo "${rb_vars_a_b}${rb_vars_a_b_2}"');
    expect(render('cat <<EOF\n${vars.c}\nEOF')).toBe('rb_vars_c=EOF; cat <<EOF\n${rb_vars_c}\nEOF');
    expect(render('echo "${captures.unknown}"')).toBe('rb_captures_unknown=${captures.unknown}; echo "${rb_captures_unknown}"');
    expect(() => render("echo '${vars.a}'")).toThrow(/single quotes/);
  });

  const dir = mkdtempSync(join(tmpdir(), 'shell-places-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const mark = join(dir, 'PWNED');

  test.each(['dash', 'bash'])(`under %s: every payload in every accepted place prints back exactly and runs nothing`, (shell) => {
    const wrong: string[] = [];
    for (const position of ACCEPTED) {
      for (const payload of PAYLOADS(mark)) {
        const script = renderShellText(position.run.replace('REF', '${vars.v}'), () => payload, quote);
        const printed = execFileSync(shell, ['-c', script], { encoding: 'utf8', cwd: dir });
        if (printed.replace(/\n+$/, '') !== position.prints!(payload).replace(/\n+$/, '')) wrong.push(`${position.name}: ${JSON.stringify(printed)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(existsSync(mark)).toBe(false);
  });
});
