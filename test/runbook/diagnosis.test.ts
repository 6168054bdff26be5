// Diagnosis rules load like everything else: every mistake is a located RB_* diagnostic.
import { describe, expect, test } from 'vitest';
import { buildPlan } from '../../src/plan/plan.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { frame } from '../helpers/describe-check-kind.js';

/** The frame and one check take lines 1-16; the rule given here starts on line 17. */
const withRule = (rule: string): string =>
  `${frame("      - id: probe\n        on: here\n        run: echo hi\n        capture:\n          word: '(\\w+)'\n")}diagnosis:\n${rule}`;

const problems = (yaml: string) => loadRunbookText('d.yaml', yaml).diagnostics.map((d) => [d.code, d.location?.line, d.location?.col, d.message, d.hint]);

describe('diagnosis rules: loading', () => {
  test.each([
    '  - id: down\n    when: { check: probe, status: fail }\n    finding: probe failed on port ${vars.port}',
    '  - id: several\n    when: { check: probe, status: [fail, error] }\n    finding: x',
    '  - id: by-field\n    when: { check: probe, field: stdout, matches: { contains: hi } }\n    finding: saw ${fields.probe.stdout} and ${captures.word}',
    '  - id: nested\n    when:\n      all:\n        - any: [{ check: probe, status: pass }, { not: { check: probe, field: exit_code, matches: 0 } }]\n        - tool_missing: true\n    finding: ${tools.missing}\n    hint: install them',
  ])('valid: %s', (rule) => {
    expect(problems(withRule(rule))).toEqual([]);
  });

  test.each<[string, string, number, number, RegExp, RegExp?]>([
    ['unknown check, with a suggestion', '  - id: r\n    when: { check: prboe, status: fail }\n    finding: x', 18, 20, /^diagnosis\[0\]\.when\.check names unknown check "prboe"$/, /did you mean "probe"/],
    ['unknown field', '  - id: r\n    when: { check: probe, field: stdot, matches: { contains: x } }\n    finding: x', 18, 34, /names field "stdot", which check "probe" does not observe/, /did you mean "stdout"/],
    ['status and field together', '  - id: r\n    when: { check: probe, status: fail, field: stdout, matches: { contains: x } }\n    finding: x', 18, 11, /has both status and field/],
    ['neither status nor field', '  - id: r\n    when: { check: probe }\n    finding: x', 18, 11, /needs status, or field and matches/],
    ['two shapes at once', '  - id: r\n    when: { check: probe, status: pass, tool_missing: true }\n    finding: x', 18, 11, /must have exactly one of check, all, any, not, tool_missing, var, not check and tool_missing/],
    ['a matcher of the wrong type', '  - id: r\n    when: { check: probe, field: exit_code, matches: { contains: "0" } }\n    finding: x', 18, 54, /contains applies to text values, this value is a number/],
    ['an unknown variable in the finding', '  - id: r\n    when: { check: probe, status: fail }\n    finding: port ${vars.prot}', 19, 14, /uses \$\{vars\.prot\}, which vars does not declare/, /did you mean "port"/],
    ['an unknown check in a field reference', '  - id: r\n    when: { check: probe, status: fail }\n    finding: ${fields.nope.stdout}', 19, 14, /no check "nope"/],
    ['an unknown tools reference', '  - id: r\n    when: { tool_missing: true }\n    finding: ${tools.all}', 19, 14, /the only one is \$\{tools\.missing\}/],
  ])('invalid: %s', (_, rule, line, col, message, hint) => {
    const found = problems(withRule(rule));
    expect(found).toHaveLength(1);
    expect(found[0]!.slice(0, 3)).toEqual(['RB_DIAGNOSIS', line, col]);
    expect(found[0]![3]).toMatch(message);
    if (hint) expect(found[0]![4]).toMatch(hint);
  });

  test('schema errors in a rule are located too', () => {
    expect(problems(withRule('  - id: r\n    when: { check: probe, status: failed }\n    finding: ""'))).toEqual([
      ['RB_SCHEMA', 18, 35, 'diagnosis[0].when.status must be one of pass, fail, error, skipped, got "failed"', 'did you mean "fail"?'],
      ['RB_SCHEMA', 19, 14, 'diagnosis[0].finding must not be empty (an empty value asserts nothing)', undefined],
    ]);
  });

  test('two rules with one id', () => {
    const found = problems(withRule('  - id: r\n    when: { tool_missing: true }\n    finding: a\n  - id: r\n    when: { tool_missing: true }\n    finding: b'));
    expect(found).toEqual([['RB_DUPLICATE_ID', 20, 9, 'diagnosis[1] diagnosis rule id "r" is already used by diagnosis[0] at d.yaml:17:9', undefined]]);
  });

  test('checks may not use the findings-only references (the planner says so)', () => {
    const loaded = loadRunbookText('d.yaml', withRule('  - id: r\n    when: { tool_missing: true }\n    finding: x').replace('run: echo hi', 'run: echo ${tools.missing}'));
    expect(loaded.diagnostics).toEqual([]);
    expect(buildPlan(loaded.runbook!).diagnostics.map((d) => [d.code, d.location?.line, d.message])).toEqual([
      ['RB_UNKNOWN_VAR', 13, 'check "probe" uses ${tools.missing}, which only diagnosis findings can use'],
    ]);
  });
});
