// The junit reporter: what CI servers read back (parsed with a real XML parser), and that every
// rendering is valid against the JUnit schema they validate with (Jenkins xunit's junit-10.xsd,
// checked by xmllint), including when hosts print characters XML 1.0 cannot carry.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, test } from 'vitest';
import type { Evidence, Excerpt } from '../../src/model/outcome.js';
import type { CheckResult, Finding, QuestionResult, RunReport } from '../../src/model/report.js';
import { junitReporter, xmlSafe } from '../../src/report/junit.js';
import { checkResultWith } from '../helpers/check-result.js';

const XSD = fileURLToPath(new URL('../fixtures/junit/junit-10.xsd', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'runbook-junit-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// --- validation against the schema, as a CI server would ---

let documents = 0;

/** xmllint's verdict on the document against junit-10.xsd; a missing xmllint fails the test, never passes it. */
const validate = (xml: string): { valid: boolean; messages: string } => {
  const file = join(scratch, `report-${documents++}.xml`);
  writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  if (result.error) throw new Error(`xmllint could not run (Debian package libxml2-utils): ${result.error.message}`);
  return { valid: result.status === 0, messages: result.stderr };
};

const expectValid = (xml: string): void => {
  const { valid, messages } = validate(xml);
  expect(messages).toMatch(/validates/);
  expect(valid, messages).toBe(true);
};

// --- parsing back, as a CI server would ---

// What fast-xml-parser returns for the parts these tests read (attributes unprefixed, all strings).
interface Verdict {
  readonly type?: string;
  readonly message?: string;
  readonly '#text'?: string;
}
interface Testcase {
  readonly name?: string;
  readonly classname?: string;
  readonly time?: string;
  readonly failure?: Verdict;
  readonly error?: Verdict;
  readonly skipped?: Verdict;
  readonly 'system-out'?: string;
}
interface Testsuite {
  readonly name?: string;
  readonly id?: string;
  readonly testcase?: Testcase[];
  readonly 'system-out'?: string;
}
interface Parsed {
  readonly testsuites: { readonly tests?: string; readonly failures?: string; readonly errors?: string; readonly testsuite?: Testsuite[] };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === 'testsuite' || name === 'testcase',
});

const parse = (xml: string): Parsed => {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml) as Parsed;
};

const suites = (xml: string): Testsuite[] => parse(xml).testsuites.testsuite ?? [];

const suiteNamed = (xml: string, name: string): Testsuite => {
  const found = suites(xml).find((suite) => suite.name === name);
  if (!found) throw new Error(`no testsuite named ${name}`);
  return found;
};

const cases = (suite: Testsuite): Testcase[] => suite.testcase ?? [];

const caseNamed = (suite: Testsuite, prefix: string): Testcase => {
  const found = cases(suite).find((testcase) => testcase.name?.startsWith(prefix));
  if (!found) throw new Error(`no testcase named ${prefix}…`);
  return found;
};

// --- reports built by hand ---

const excerpt = (text: string): Excerpt => ({ text, totalLines: text === '' ? 0 : text.split('\n').length, totalBytes: Buffer.byteLength(text), truncated: false });

const evidence = (overrides: Partial<Evidence> = {}): Evidence => ({
  host: 'server (db.example)',
  command: 'ss -ltn',
  exitCode: 0,
  durationMs: 12,
  stdout: excerpt('LISTEN 0 128 127.0.0.1:5432'),
  stderr: excerpt(''),
  ...overrides,
});

const check = (id: string, overrides: Partial<CheckResult> = {}): CheckResult =>
  checkResultWith({
    id,
    question: 'db',
    host: 'server',
    target: 'db.example',
    durationMs: 250,
    evidence: [evidence()],
    startedAt: '2025-03-01T10:00:01.000Z',
    location: { file: 'runbooks/db.yaml', line: 12, col: 7 },
    ...overrides,
  });

const question = (id: string, title: string, checks: CheckResult[], overrides: Partial<QuestionResult> = {}): QuestionResult => ({
  runbook: 'runbooks/db.yaml',
  id,
  title,
  status: 'pass',
  checks,
  ...overrides,
});

const report = (questions: QuestionResult[], diagnosis: Finding[] = []): RunReport => ({
  reportVersion: 1,
  tool: { name: 'runbook', version: '0.1.0' },
  startedAt: '2025-03-01T10:00:00.000Z',
  durationMs: 4321,
  status: 'fail',
  exitCode: 1,
  interrupted: false,
  summary: {
    questions: { total: 0, pass: 0, fail: 0, error: 0, skipped: 0 },
    checks: { total: 0, pass: 0, fail: 0, error: 0, skipped: 0 },
  },
  runbooks: [{ file: 'runbooks/db.yaml', title: 'Database', status: 'fail', vars: {}, hosts: {} }],
  questions,
  diagnosis,
});

const PASSING = check('port-listening', { durationMs: 250 });
const FAILING = check('listens-on-all', {
  status: 'fail',
  reason: 'stdout expected to contain "0.0.0.0:5432"',
  durationMs: 1500,
  startedAt: '2025-03-01T10:00:00.500Z',
  expectations: [
    { field: 'exit_code', matcher: 'equals', pass: true, expected: '0', actual: '0', message: 'exit_code expected to equal 0, got 0' },
    { field: 'stdout', matcher: 'contains', pass: false, expected: '0.0.0.0:5432', actual: '127.0.0.1:5432', message: 'stdout expected to contain "0.0.0.0:5432", got "LISTEN 0 128 127.0.0.1:5432"' },
  ],
  captures: { bind: '127.0.0.1' },
  observed: { exit_code: 0 },
  notes: ['postgres listens on loopback only'],
  hint: 'set listen_addresses in postgresql.conf',
});
const ERRORED = check('tcp-connect', {
  status: 'error',
  reason: 'connection refused by 10.0.0.5:5432',
  host: 'client',
  target: 'local',
  evidence: [evidence({ host: 'client', command: 'nc -z 10.0.0.5 5432', exitCode: 1, exitMeaning: 'general error', stdout: excerpt(''), stderr: excerpt('nc: connect: Connection refused') })],
});
const SKIPPED = check('query', { status: 'skipped', reason: 'needs tcp-connect, which errored', durationMs: 0, evidence: [] });
const INFORMATIONAL_FAIL = check('disk-usage', { status: 'fail', informational: true, reason: 'usage expected to be below 80, got 93', durationMs: 40 });
const FINDING: Finding = {
  runbook: 'runbooks/db.yaml',
  id: 'bound-to-loopback',
  message: 'postgres listens on 127.0.0.1 only, so remote clients are refused',
  hint: 'set listen_addresses = \'*\'',
  evidence: [
    { check: 'listens-on-all', status: 'fail', reason: 'stdout expected to contain "0.0.0.0:5432"' },
    { check: 'tcp-connect', status: 'error', reason: 'connection refused by 10.0.0.5:5432' },
  ],
};

const FULL = report(
  [
    question('listening', 'Is postgres listening?', [PASSING, FAILING, INFORMATIONAL_FAIL], { status: 'fail', reason: 'listens-on-all: stdout expected…', hint: 'check postgresql.conf' }),
    question('reachable', 'Can the client reach it?', [ERRORED, SKIPPED], { status: 'error' }),
  ],
  [FINDING],
);

const render = (runReport: RunReport): string => junitReporter.render(runReport, { colors: false });

// --- the tests ---

describe('junit reporter: the mapping', () => {
  const xml = render(FULL);

  test('is valid against junit-10.xsd', () => expectValid(xml));

  test('one <testsuites> for the run with the totals of its suites and the run time', () => {
    const { testsuites } = parse(xml);
    expect(testsuites).toMatchObject({ name: 'runbook', tests: '6', failures: '1', errors: '1', time: '4.321' });
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
  });

  test('one <testsuite> per question, then the diagnosis', () => {
    expect(suites(xml).map((suite) => suite.name)).toEqual(['Is postgres listening?', 'Can the client reach it?', 'diagnosis']);
    expect(suiteNamed(xml, 'Is postgres listening?')).toMatchObject({
      id: 'listening',
      file: 'runbooks/db.yaml',
      tests: '3',
      failures: '1',
      errors: '0',
      skipped: '1',
      time: '1.790',
      timestamp: '2025-03-01T10:00:00.500Z',
    });
    expect(suiteNamed(xml, 'Can the client reach it?')).toMatchObject({ tests: '2', failures: '0', errors: '1', skipped: '1', time: '0.250' });
    expect(suiteNamed(xml, 'Is postgres listening?')['system-out']).toContain('question listening (runbooks/db.yaml): fail: listens-on-all');
  });

  test('one <testcase> per check, named after the check, the host and the target', () => {
    const suite = suiteNamed(xml, 'Is postgres listening?');
    expect(cases(suite).map((testcase) => testcase.name)).toEqual([
      'port-listening on server (db.example)',
      'listens-on-all on server (db.example)',
      'disk-usage on server (db.example)',
    ]);
    expect(cases(suite).map((testcase) => [testcase.classname, testcase.time])).toEqual([
      ['runbooks/db.yaml.listening', '0.250'],
      ['runbooks/db.yaml.listening', '1.500'],
      ['runbooks/db.yaml.listening', '0.040'],
    ]);
  });

  test('a passing check has no verdict element, only its evidence', () => {
    const testcase = caseNamed(suiteNamed(xml, 'Is postgres listening?'), 'port-listening');
    expect([testcase.failure, testcase.error, testcase.skipped]).toEqual([undefined, undefined, undefined]);
    expect(testcase['system-out']).toContain('$ ss -ltn\nexit 0 after 12 ms on server (db.example)\nstdout:\n  LISTEN 0 128 127.0.0.1:5432');
  });

  test('a failed check: <failure> with its reason and the failed expectations, evidence in <system-out>', () => {
    const testcase = caseNamed(suiteNamed(xml, 'Is postgres listening?'), 'listens-on-all');
    expect(testcase.failure).toEqual({
      type: 'fail',
      message: 'stdout expected to contain "0.0.0.0:5432"',
      '#text': 'stdout expected to contain "0.0.0.0:5432", got "LISTEN 0 128 127.0.0.1:5432"',
    });
    const output = testcase['system-out'] ?? '';
    for (const expected of [
      'listens-on-all (command) on server (db.example): fail',
      'at runbooks/db.yaml:12:7',
      'started 2025-03-01T10:00:00.500Z, took 1500 ms',
      '  ok   exit_code expected to equal 0, got 0',
      '  FAIL stdout expected to contain "0.0.0.0:5432"',
      'captures:\n  bind: 127.0.0.1',
      'observed:\n  exit_code: 0',
      'note: postgres listens on loopback only',
      'hint: set listen_addresses in postgresql.conf',
    ]) expect(output).toContain(expected);
  });

  test('an errored check: <error> with its reason; the command, exit code and meaning, stderr in <system-out>', () => {
    const testcase = caseNamed(suiteNamed(xml, 'Can the client reach it?'), 'tcp-connect');
    expect(testcase.name).toBe('tcp-connect on client (local)');
    expect(testcase.error).toEqual({ type: 'error', message: 'connection refused by 10.0.0.5:5432', '#text': 'connection refused by 10.0.0.5:5432' });
    expect(testcase['system-out']).toContain('$ nc -z 10.0.0.5 5432\nexit 1 (general error) after 12 ms on client\nstderr:\n  nc: connect: Connection refused');
  });

  test('a skipped check: <skipped> with its reason', () => {
    const testcase = caseNamed(suiteNamed(xml, 'Can the client reach it?'), 'query');
    expect(testcase.skipped).toEqual({ message: 'needs tcp-connect, which errored' });
  });

  test('a failed informational check does not count as a failure: skipped, its outcome in the message', () => {
    const testcase = caseNamed(suiteNamed(xml, 'Is postgres listening?'), 'disk-usage');
    expect(testcase.failure).toBeUndefined();
    expect(testcase.skipped).toEqual({ message: 'informational, not counted: fail: usage expected to be below 80, got 93' });
    expect(testcase['system-out']).toContain('disk-usage (command, informational) on server (db.example): fail');
  });

  test('an informational check that decides its question (it has nothing else) counts as the verdict says', () => {
    const alone = render(report([question('disk', 'Disk', [INFORMATIONAL_FAIL], { status: 'fail' })]));
    expectValid(alone);
    expect(caseNamed(suiteNamed(alone, 'Disk'), 'disk-usage').failure).toMatchObject({ type: 'fail' });
    expect(parse(alone).testsuites.failures).toBe('1');
  });

  test('findings: a last testsuite "diagnosis", one passing testcase each, never counted as failures', () => {
    const suite = suiteNamed(xml, 'diagnosis');
    expect(suite).toMatchObject({ id: 'diagnosis', tests: '1', failures: '0', errors: '0', skipped: '0', timestamp: FULL.startedAt });
    const testcase = caseNamed(suite, 'bound-to-loopback');
    expect(testcase).toMatchObject({ name: `bound-to-loopback: ${FINDING.message}`, classname: 'runbooks/db.yaml.diagnosis' });
    expect(testcase.failure).toBeUndefined();
    expect(testcase['system-out']).toBe(
      [
        FINDING.message,
        "hint: set listen_addresses = '*'",
        'based on:',
        '  listens-on-all: fail: stdout expected to contain "0.0.0.0:5432"',
        '  tcp-connect: error: connection refused by 10.0.0.5:5432',
      ].join('\n'),
    );
  });

  test('no findings, no diagnosis suite; an empty run is still a valid document', () => {
    expect(suites(render(report([question('q', 'Q', [PASSING])]))).map((suite) => suite.name)).toEqual(['Q']);
    const empty = render(report([]));
    expectValid(empty);
    expect(parse(empty).testsuites).toMatchObject({ tests: '0', failures: '0', errors: '0' });
  });
});

describe('junit reporter: text XML cannot carry', () => {
  test.each([
    ['NUL and escape', 'a\u0000b\u001bc', 'a\\u0000b\\u001Bc'],
    ['vertical tab, form feed, unit separator', '\u000b\u000c\u001f', '\\u000B\\u000C\\u001F'],
    ['non-characters U+FFFE and U+FFFF', '\ufffe\uffff', '\\uFFFE\\uFFFF'],
    ['a lone high and a lone low surrogate', 'x\ud800y\udc00z', 'x\\uD800y\\uDC00z'],
    ['tab, newline, carriage return, DEL and C1 (XML allows them)', '\t\n\r\u007f\u0085', '\t\n\r\u007f\u0085'],
    ['non-ASCII and a surrogate pair', 'é 数据 😀', 'é 数据 😀'],
  ])('%s', (_, text, expected) => expect(xmlSafe(text)).toBe(expected));

  const HOSTILE = 'start\u0000\u0007\u001b[31mred\u000b\u000c\ufffe\uffff\ud800 ]]></system-out></testcase><!-- & &amp; &foo; &#0; &#65; &lt <x/> end';
  const hostileCheck = check('hostile\u0001id', {
    status: 'fail',
    reason: `reason ${HOSTILE}`,
    host: 'сервер',
    target: 'db.пример\u0002',
    evidence: [evidence({ command: `cat /tmp/${HOSTILE}`, stdout: excerpt(`line one\n${HOSTILE}`), stderr: excerpt('ошибка ❌') })],
    expectations: [{ field: 'stdout', matcher: 'contains', pass: false, expected: 'x', actual: HOSTILE, message: `stdout got ${HOSTILE}` }],
    captures: { [`key\u0003`]: HOSTILE },
    notes: [HOSTILE],
    hint: HOSTILE,
  });
  const hostile = report(
    [question('q\u0004', `Vérifier la base — 数据库 ✓ 😀 ${HOSTILE}`, [hostileCheck], { status: 'fail', reason: HOSTILE })],
    [{ ...FINDING, message: HOSTILE, hint: HOSTILE, evidence: [{ check: 'hostile', status: 'fail', reason: HOSTILE }] }],
  );

  test('an `&` is always text, even where it looks like an entity reference (xmlbuilder2 alone would keep those)', () => {
    const entityLike = 'AT&T &amp; &foo; &#0; &#65; &#x41; &lt;';
    const xml = render(report([question('q', entityLike, [check('c', { status: 'error', reason: entityLike, notes: [entityLike] })])]));
    expectValid(xml);
    const suite = suites(xml)[0]!;
    expect(suite.name).toBe(entityLike);
    expect(cases(suite)[0]!.error).toEqual({ type: 'error', message: entityLike, '#text': entityLike });
    expect(cases(suite)[0]!['system-out']).toContain(`note: ${entityLike}`);
  });

  test('a hostile host cannot make the report throw or invalid', () => {
    const xml = render(hostile);
    expectValid(xml);
    expect(xml).not.toContain(']]></system-out></testcase>');
  });

  test('what it printed comes back as text: forbidden characters as \\uXXXX, markup and non-ASCII as they were', () => {
    const shown = 'start\\u0000\\u0007\\u001B[31mred\\u000B\\u000C\\uFFFE\\uFFFF\\uD800 ]]></system-out></testcase><!-- & &amp; &foo; &#0; &#65; &lt <x/> end';
    const xml = render(hostile);
    const suite = suites(xml)[0]!;
    const testcase = cases(suite)[0]!;
    expect(suite.name).toBe(`Vérifier la base — 数据库 ✓ 😀 ${shown}`);
    expect(suite.id).toBe('q\\u0004');
    expect(testcase.name).toBe('hostile\\u0001id on сервер (db.пример\\u0002)');
    expect(testcase.failure).toEqual({ type: 'fail', message: `reason ${shown}`, '#text': `stdout got ${shown}` });
    expect(testcase['system-out']).toContain(`stdout:\n  line one\n  ${shown}\nstderr:\n  ошибка ❌`);
    expect(testcase['system-out']).toContain(`key\\u0003: ${shown}`);
    expect(cases(suiteNamed(xml, 'diagnosis'))[0]!['system-out']).toContain(`${shown}\nhint: ${shown}`);
  });
});

describe('the validation helper rejects what a CI server would', () => {
  const SUITE = '<testsuite name="q" tests="1" failures="0" errors="0">';

  test('a document the schema forbids (a testcase without a name, skipped on <testsuites>)', () => {
    const invalid = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites skipped="0">${SUITE}<testcase classname="x"/></testsuite></testsuites>\n`;
    const { valid, messages } = validate(invalid);
    expect(valid).toBe(false);
    expect(messages).toMatch(/fails to validate/);
    expect(messages).toMatch(/'skipped' is not allowed|attribute 'skipped'/);
    expect(messages).toMatch(/'name' is required/);
  });

  test('a document that is not XML at all (a raw control character, an unescaped ]]>)', () => {
    const raw = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>${SUITE}<testcase name="a"><system-out>bad \u0001 ]]> </system-out></testcase></testsuite></testsuites>\n`;
    expect(validate(raw).valid).toBe(false);
  });

  test('a valid hand-written document passes, so the rejections above are about the faults', () => {
    expectValid(`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>${SUITE}<testcase name="a"/></testsuite></testsuites>\n`);
  });
});
