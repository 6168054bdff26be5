// Secret values are masked in every spelling they reach text in: as is, shell-quoted by a command
// line (alone or inside a larger word), JSON-escaped by a report or a matcher's "got ...".
import { describe, expect, test } from 'vitest';
import { renderTemplate, type Lookup } from '../../src/plan/template.js';
import { REDACTED, redactData, redactor, spellingsOf } from '../../src/secrets/redact.js';

/** Distinctive values, and values that shell-quote wraps in quotes or escapes character by character. */
const SECRETS = ['s3cr3t-Value-91x', 'p@ss w"rd$91x', "it's-a-s3cret!", 'a$b`c\\d', 'new\nline s3cret', 'C:x=y;z'];

const lookupOf = (secret: string): Lookup => ({ namespace, name }) => (namespace === 'vars' && name === 'pw' ? secret : undefined);

/** Every way the secret appears in what the tool shows: commands, output, reasons, JSON reports. */
const textsWith = (secret: string): string[] => {
  const commands = ['echo ${vars.pw}', 'mysql --password=${vars.pw} -e "select 1"', 'login ${vars.pw}${vars.pw}'].map((text) =>
    renderTemplate(text, lookupOf(secret), 'shell'),
  );
  const plain = [secret, `token=${secret}`, `stdout expected to equal "x", got ${JSON.stringify(secret)}`, ...commands];
  return [...plain, ...plain.map((text) => JSON.stringify({ text }))];
};

describe('redactor', () => {
  test.each(SECRETS)('%j: no spelling survives in commands, output, reasons or JSON', (secret) => {
    const redact = redactor([secret]);
    for (const text of textsWith(secret)) {
      const masked = redact(text);
      for (const spelling of spellingsOf(secret)) expect(masked, text).not.toContain(spelling);
      expect(masked).toContain(REDACTED);
    }
  });

  test('the shell-quoted value is masked whole, quotes included', () => {
    const command = renderTemplate('mysql -p${vars.pw} db', lookupOf('p@ss w"rd$91x'), 'shell');
    expect(command).toBe(`mysql -p'p@ss w"rd$91x' db`);
    expect(redactor(['p@ss w"rd$91x'])(command)).toBe('mysql -p*** db');
  });

  test('JSON stays valid JSON, with the marker where the value was', () => {
    const json = JSON.stringify({ command: renderTemplate('echo ${vars.pw}', lookupOf('p@ss w"rd$91x'), 'shell'), stdout: 'p@ss w"rd$91x\n' });
    expect(JSON.parse(redactor(['p@ss w"rd$91x'])(json))).toEqual({ command: 'echo ***', stdout: '***\n' });
  });

  test('every non-empty value is masked, however short; an empty one masks nothing', () => {
    expect(redactor(['7'])('port 3307, pid 77')).toBe('port 330***, pid ******');
    expect(redactor([''])('nothing to hide')).toBe('nothing to hide');
    expect(redactor([])('nothing to hide')).toBe('nothing to hide');
  });

  test('several secrets, the longer one first where they overlap', () => {
    expect(redactor(['abc', 'abcdef-s3cret'])('x abcdef-s3cret y abc')).toBe('x *** y ***');
  });

  test('regular-expression characters in a value are taken literally', () => {
    expect(redactor(['a.c(d)*'])('abc(d) a.c(d)*')).toBe('abc(d) ***');
  });
});

describe('redactData', () => {
  test('masks every string value at any depth, keeps the shape, every key and every non-string', () => {
    const data = { status: 'fail', exitCode: 1, ok: false, none: null, list: ['s3cr3t-Value-91x', 2], nested: { 's3cr3t-Value-91x': 'echo s3cr3t-Value-91x' } };
    expect(redactData(data, redactor(['s3cr3t-Value-91x']))).toEqual({
      status: 'fail',
      exitCode: 1,
      ok: false,
      none: null,
      list: ['***', 2],
      nested: { 's3cr3t-Value-91x': 'echo ***' },
    });
    expect(data.list[0]).toBe('s3cr3t-Value-91x');
  });

  test("a secret that is one of the tool's own words, or part of one, changes no key and no such word", () => {
    const report = { status: 'fail', exitCode: 1, startedAt: '2026-12-08T00:12:00.000Z', questions: [{ status: 'fail', severity: 'warning', checks: [{ kind: 'command', status: 'fail', reason: 'exit 1: fail' }] }] };
    const masked = redactData(report, redactor(['x', 'fail', 'warn', 'command', '12']));
    expect(masked).toEqual({ ...report, questions: [{ ...report.questions[0], checks: [{ kind: 'command', status: 'fail', reason: 'e***it 1: ***' }] }] });
  });

  test('inside what hosts and runbooks give (observed, captures, vars, hosts) every value is data, whatever its key', () => {
    const check = { status: 'pass', observed: { status: 'hunter2 active', state: 'hunter2' }, captures: { kind: 'hunter2' } };
    expect(redactData(check, redactor(['hunter2']))).toEqual({ status: 'pass', observed: { status: '*** active', state: '***' }, captures: { kind: '***' } });
  });
});
