// ${vars.x} and ${captures.x} references: found in any string of a check, substituted as one shell
// word in commands. The quoting is proven by running the rendered command with the real /bin/sh.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { findReferences, renderTemplate, stringsIn, type Lookup, type Reference } from '../../src/plan/template.js';

const FIND: [string, Reference[]][] = [
  ['nc -z db ${vars.port}', [{ namespace: 'vars', name: 'port' }]],
  ['kill ${captures.pid}; echo ${vars.user}', [{ namespace: 'captures', name: 'pid' }, { namespace: 'vars', name: 'user' }]],
  ['${vars.a}${vars.a}', [{ namespace: 'vars', name: 'a' }, { namespace: 'vars', name: 'a' }]],
  ['${captures.mysqld-pid}', [{ namespace: 'captures', name: 'mysqld-pid' }]],
  // The shell's own expansions, and near misses, are not references.
  ['echo ${HOME} $HOME ${PATH:-/bin} $vars.port', []],
  ['${env.port} ${vars} ${vars.} ${ vars.port } ${vars.port', []],
];

const NESTED = { a: 'x ${vars.a}', b: [1, 'y', { c: '${captures.z}' }], d: true, e: null };

/** Resolves `vars.*` from a fixed table and `captures.v` to the value under test. */
const lookupWith = (value: string): Lookup => ({ namespace, name }) =>
  namespace === 'captures' ? (name === 'v' ? value : undefined) : ({ port: '3306', user: 'app' } as Record<string, string>)[name];

describe('findReferences', () => {
  test.each(FIND)('%j', (text, references) => {
    expect(findReferences(text)).toEqual(references);
  });

  test('stringsIn finds every string of a nested value, in order', () => {
    expect(stringsIn(NESTED)).toEqual(['x ${vars.a}', 'y', '${captures.z}']);
    expect(stringsIn(NESTED).flatMap(findReferences)).toEqual([
      { namespace: 'vars', name: 'a' },
      { namespace: 'captures', name: 'z' },
    ]);
  });
});

describe('renderTemplate', () => {
  const VALUE_MODE: [string, string][] = [
    ['port ${vars.port}', 'port 3306'],
    ['${vars.user}@db:${vars.port}', 'app@db:3306'],
    ['v=${captures.v}', 'v=a b'],
    // Unresolved references stay as written, and the shell's own are never touched.
    ['${vars.nope} ${HOME}', '${vars.nope} ${HOME}'],
  ];

  test.each(VALUE_MODE)('value mode: %j -> %j', (template, rendered) => {
    expect(renderTemplate(template, lookupWith('a b'), 'value')).toBe(rendered);
  });

  test('shell mode quotes only what needs it and leaves the rest of the line alone', () => {
    expect(renderTemplate('nc -z db ${vars.port} && echo "$HOME" ${captures.v}', lookupWith('a b'), 'shell')).toBe("nc -z db 3306 && echo \"$HOME\" 'a b'");
  });

  test('a substituted value is not scanned again for references', () => {
    expect(renderTemplate('${captures.v}', lookupWith('${vars.port}'), 'value')).toBe('${vars.port}');
  });
});

describe('shell quoting, run for real with /bin/sh', () => {
  // The shell finds only `touch` on its PATH: an injected `rm` could never run, while an injected
  // `touch` would leave the marker file behind.
  const sandbox = mkdtempSync(join(tmpdir(), 'runbook-quote-'));
  const bin = join(sandbox, 'bin');
  mkdirSync(bin);
  symlinkSync(execFileSync('sh', ['-c', 'command -v touch'], { encoding: 'utf8' }).trim(), join(bin, 'touch'));
  const marker = join(sandbox, 'pwned-XYZ');
  afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

  const HOSTILE: string[] = [
    '; rm -rf /',
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    `'; touch ${marker}; '`,
    `"; touch ${marker}; "`,
    `x' "$(touch ${marker})" 'y`,
    `|| touch ${marker}`,
    `& touch ${marker} &`,
    `>${marker}`,
    `two\nlines; touch ${marker}`,
    "it's",
    'say "hi"',
    `both ' and " quotes`,
    '',
    ' ',
    'a  b',
    '\tlead',
    '*',
    '/*',
    '~',
    '$HOME',
    '${HOME}',
    '${vars.port}',
    '-n',
    'back\\slash',
    '!',
    '#not a comment',
    '{a,b}',
    'é ü ✓',
  ];

  const runSh = (script: string): string =>
    execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', cwd: sandbox, env: { PATH: bin, HOME: '/home/nobody' } });

  test.each(HOSTILE)('%j prints back exactly, with no side effect', (value) => {
    const script = renderTemplate("printf '%s\\n' ${captures.v}", lookupWith(value), 'shell');
    expect(runSh(script)).toBe(`${value}\n`);
    expect(existsSync(marker), 'the marker file must not exist').toBe(false);
    expect(readdirSync(sandbox)).toEqual(['bin']);
  });

  test.each(HOSTILE)('%j is exactly one argument', (value) => {
    const script = renderTemplate('set -- ${captures.v}; echo $#', lookupWith(value), 'shell');
    expect(runSh(script)).toBe('1\n');
  });

  test('vars and captures together, each its own word', () => {
    const script = renderTemplate("printf '[%s]' ${vars.user} ${captures.v} ${vars.port}", lookupWith('x; y'), 'shell');
    expect(runSh(script)).toBe('[app][x; y][3306]');
  });
});
