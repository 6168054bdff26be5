// A field with a range (exit_code: 0-255) refuses what no value of it could be: every number
// written for it, compared for equality or as a bound, and a comparison no value passes. Without a
// range the same expressions compile, as they did before (a plain number field).
import { describe, expect, test } from 'vitest';
import { compileMatcher } from '../../src/matchers/compile.js';
import { EXIT_CODE, rangeOfField } from '../../src/matchers/range.js';
import { MatcherCompileError } from '../../src/matchers/types.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { catchError } from '../helpers/matcher-tables.js';

const OUTSIDE = (got: string) => `must be an exit code, an integer from 0 to 255, got ${got}`;
const MEANING = EXIT_CODE.meaning;

describe('exit code range', () => {
  test.each([0, 1, 255, { equals: 0 }, { equals: '0' }, { equals: '255' }, { any_of: [0, 1, 2] }, { not: 0 }, [0], { ge: 0 }, { gt: 254 }, { lt: 1 }, { le: 255 }, { not: { lt: 3 } }])(
    'accepts %j',
    (expression) => {
      expect(() => compileMatcher(expression, 'number', EXIT_CODE)).not.toThrow();
    },
  );

  test.each<[unknown, string, (string | number)[], string]>([
    [1e29, OUTSIDE('1e+29'), [], MEANING],
    [256, OUTSIDE('256'), [], MEANING],
    [-1, OUTSIDE('-1'), [], MEANING],
    [1.5, OUTSIDE('1.5'), [], MEANING],
    ['300', OUTSIDE('300'), [], MEANING],
    [{ equals: 1e29 }, OUTSIDE('1e+29'), ['equals'], MEANING],
    [{ equals: '00' }, OUTSIDE('"00"'), ['equals'], MEANING],
    [{ equals: 'zero' }, OUTSIDE('"zero"'), ['equals'], MEANING],
    [{ equals: true }, OUTSIDE('true'), ['equals'], MEANING],
    [{ any_of: [0, 256] }, OUTSIDE('256'), ['any_of', 1], MEANING],
    [[0, { not: 300 }], OUTSIDE('300'), [1, 'not'], MEANING],
    [{ ge: 1e29 }, OUTSIDE('1e+29'), ['ge'], MEANING],
    [{ lt: 0.5 }, OUTSIDE('0.5'), ['lt'], MEANING],
    [{ lt: 256 }, OUTSIDE('256'), ['lt'], 'write le: 255, which says the same of an exit code'],
    [{ gt: -1 }, OUTSIDE('-1'), ['gt'], 'write ge: 0, which says the same of an exit code'],
    [{ gt: 255 }, 'can never hold: no exit code is greater than 255', ['gt'], MEANING],
    [{ lt: 0 }, 'can never hold: no exit code is less than 0', ['lt'], MEANING],
  ])('refuses %j: %s', (expression, message, at, hint) => {
    const error = catchError(() => compileMatcher(expression, 'number', EXIT_CODE));
    expect(error).toBeInstanceOf(MatcherCompileError);
    expect(error).toMatchObject({ message, at, hint });
  });

  test('line_count under a ranged field counts lines, which the range does not bound', () => {
    // line_count applies to text only; its own number is a count, not a value of the field.
    expect(() => compileMatcher({ line_count: { ge: 300 } }, 'text', EXIT_CODE)).not.toThrow();
  });

  test('without a range, a number field takes any number, as before', () => {
    for (const expression of [256, { equals: 1e29 }, { lt: 0.5 }, { gt: 255 }]) expect(() => compileMatcher(expression, 'number')).not.toThrow();
  });

  test('exit_code is the field with a range, whichever kind observes it', () => {
    expect(rangeOfField('exit_code')).toBe(EXIT_CODE);
    expect(rangeOfField('count')).toBeUndefined();
    expect(rangeOfField('toString')).toBeUndefined();
  });

  // A capture is known only as its check runs; while loading it stands in as an exit code every
  // comparison lets through, so the numbers written beside it are still checked.
  test.each<[string, string[]]>([
    ['{ lt: "${captures.code}" }', []],
    ['{ gt: "${captures.code}" }', []],
    ['"${captures.code}"', []],
    ['[{ ge: "${captures.code}" }, { le: 256 }]', ['x.yaml:13:65: questions[0].checks[1].expect.exit_code[1].le must be an exit code, an integer from 0 to 255, got 256']],
  ])('exit_code: %s beside a capture', (expression, messages) => {
    const text = `version: 1\ntitle: t\nhosts: { here: local }\nquestions:\n  - id: q\n    title: q\n    checks:\n      - { id: p, on: here, run: echo 3, capture: { code: "([0-9]+)" } }\n      - id: c\n        on: here\n        depends_on: [p]\n        run: "true"\n        expect: { exit_code: ${expression} }\n`;
    const { diagnostics } = loadRunbookText('x.yaml', text);
    expect(diagnostics.map(({ location, message }) => `${location?.file}:${location?.line}:${location?.col}: ${message}`)).toEqual(messages);
  });
});
