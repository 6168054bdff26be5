// The vocabulary in src/model/ is written once and everything else is built from it: these pin the
// generated parts (schema enums, patterns, messages) to their single source.
import { describe, expect, test } from 'vitest';
import { formatDiagnostic, formatLocation } from '../../src/errors/diagnostic.js';
import { countStatuses, exitCodeFor, worstStatus } from '../../src/execute/verdict.js';
import { EXIT_CODES, REPORT_EXIT_CODES } from '../../src/model/exit-codes.js';
import { OUTPUT_LIMIT_BYTES, OUTPUT_LIMIT_TEXT } from '../../src/model/limits.js';
import { ID_PATTERN } from '../../src/model/names.js';
import { isPort, PORT_RANGE } from '../../src/model/port.js';
import { STATUSES } from '../../src/model/outcome.js';
import { findReferences, referencePattern, REFERENCE } from '../../src/model/references.js';
import { REPORT_SCHEMA } from '../../src/report/report-schema.js';
import { buildRunbookSchema } from '../../src/runbook/schema.js';

type Schema = { [key: string]: Schema } & { enum?: unknown[]; pattern?: string; required?: string[] };
const reportProperties = (REPORT_SCHEMA as Schema).properties!;

describe('statuses', () => {
  test('the report schema lists exactly STATUSES, and counts one of each plus the total', () => {
    expect(reportProperties.status!.enum).toEqual([...STATUSES]);
    expect(reportProperties.summary!.properties!.checks!.required).toEqual(['total', ...STATUSES]);
    expect(Object.keys(countStatuses([]))).toEqual(['total', ...STATUSES]);
  });

  test('a diagnosis condition may name every status', () => {
    const condition = (buildRunbookSchema() as Schema).definitions!.condition!.properties!.status!;
    expect(condition.else!.enum).toEqual([...STATUSES]);
  });

  test('every status has a place in the severity order', () => {
    for (const status of STATUSES) expect(worstStatus([status, 'pass'])).toBe(status);
    expect(worstStatus([...STATUSES])).toBe('fail');
  });
});

describe('exit codes', () => {
  test('the report schema allows the codes a run can end with, from EXIT_CODES', () => {
    expect(reportProperties.exitCode!.enum).toEqual(REPORT_EXIT_CODES.map((name) => EXIT_CODES[name]));
    expect(reportProperties.exitCode!.enum).toEqual([0, 1, 3, 130]);
  });

  test.each([[['pass'], false], [['fail'], false], [['error'], false], [['skipped'], false], [['pass'], true]] as const)(
    '%j (interrupted: %s) gives a code the report schema allows',
    (statuses, interrupted) => {
      expect(reportProperties.exitCode!.enum).toContain(exitCodeFor(statuses, interrupted));
    },
  );
});

describe('references and ids', () => {
  test('referencePattern is the syntax REFERENCE finds, for the names checks use', () => {
    const either = new RegExp(`^${referencePattern('vars', 'captures')}$`);
    const varsOnly = new RegExp(`^${referencePattern('vars')}$`);
    for (const text of ['${vars.port}', '${captures.mysqld-pid}', '${vars.db_password}']) {
      expect(either.test(text)).toBe(true);
      expect(findReferences(text)).toHaveLength(1);
      expect(text.replace(REFERENCE, '')).toBe('');
    }
    expect(varsOnly.test('${vars.db_password}')).toBe(true);
    expect(varsOnly.test('${captures.db_password}')).toBe(false);
    expect(either.test('${fields.a.b}')).toBe(false);
    expect(either.test('${HOME}')).toBe(false);
  });

  test('host roles, questions and checks share one id pattern', () => {
    const schema = buildRunbookSchema() as Schema;
    expect(schema.properties!.hosts!.propertyNames!.pattern).toBe(ID_PATTERN);
    expect(schema.properties!.questions!.items!.properties!.id!.pattern).toBe(ID_PATTERN);
  });
});

describe('ports', () => {
  test.each([[1, true], [3306, true], [65535, true], [0, false], [65536, false], [22.5, false], [Number.NaN, false]])('%d is a port: %s', (value, yes) => {
    expect(isPort(value)).toBe(yes);
  });

  test('the port schema checks the same range and names it', () => {
    const port = (buildRunbookSchema() as Schema).definitions!.check!.properties!.tcp_connect!.properties!.port!;
    expect([port.minimum, port.maximum]).toEqual([1, 65535]);
    expect(port.description).toContain(PORT_RANGE);
  });
});

describe('one-place formats', () => {
  test('the output limit is named from its byte count', () => {
    expect(OUTPUT_LIMIT_BYTES).toBe(16 * 1024 * 1024);
    expect(OUTPUT_LIMIT_TEXT).toBe('16 MiB');
  });

  test('a location reads file:line:col, alone and in a diagnostic', () => {
    const location = { file: 'runbooks/x.yaml', line: 41, col: 13 };
    expect(formatLocation(location)).toBe('runbooks/x.yaml:41:13');
    expect(formatDiagnostic({ code: 'RB_SCHEMA', message: 'm', location })).toBe('runbooks/x.yaml:41:13: m [RB_SCHEMA]');
  });
});
