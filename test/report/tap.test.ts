// The TAP reporter, read back by node-tap's own parser (tap-parser): counts, subtests, directives,
// and YAML diagnostics that parse back to the data, whatever the reasons and the output hold.
import type { FinalResults } from 'tap-parser';
import { describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ExpectationResult } from '../../src/model/outcome.js';
import type { Finding, RunReport } from '../../src/model/report.js';
import { tapReporter } from '../../src/report/tap.js';
import { evidence, RUNBOOK, reportOf } from '../helpers/report-fixture.js';
import { parseTap, type ParsedTap } from '../helpers/tap.js';

// ---- Reports: a real runbook, loaded, with outcomes given per check (test/helpers/report-fixture.ts)

const failedExpectation = (actual: string): ExpectationResult => ({
  field: 'stdout',
  matcher: 'contains',
  pass: false,
  expected: ':5432',
  actual,
  message: `stdout expected to contain ":5432", got ${JSON.stringify(actual)}`,
});

const resultsOf = (parsed: ParsedTap): FinalResults => {
  if (!parsed.results) throw new Error('the TAP stream did not complete');
  return parsed.results;
};

const render = (report: RunReport): string => tapReporter.render(report, { colors: false });

/** Each YAML block as written (`---` ... `...` at one indentation), without that indentation. */
const yamlBlocks = (text: string): string[] => {
  const blocks: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, start) => {
    const indent = /^( *)---$/.exec(line)?.[1];
    if (indent === undefined) return;
    const end = lines.findIndex((candidate, index) => index > start && candidate === `${indent}...`);
    blocks.push(lines.slice(start + 1, end).map((body) => body.slice(indent.length)).join('\n'));
  });
  return blocks;
};

// ---- The stream --------------------------------------------------------------------------------

describe('tap reporter', () => {
  test('a passing run: TAP version 14, a plan, one ok point per question, one subtest point per check', () => {
    const text = render(reportOf({}));
    expect(text.startsWith('TAP version 14\n1..4\n')).toBe(true);
    const parsed = parseTap(text);
    expect(parsed.versions).toEqual([14]);
    expect(resultsOf(parsed)).toMatchObject({ ok: true, count: 4, pass: 4, fail: 0, plan: { start: 1, end: 4 } });
    expect(parsed.asserts.map((point) => point.name)).toEqual([
      'Is the web server up? (web-up)',
      'Does the database listen? (db-port)',
      'Is ICMP allowed? (icmp)',
      'Is there disk space? (disk)',
    ]);
    expect(parsed.children.map((child) => resultsOf(child).count)).toEqual([2, 1, 1, 2]);
    expect(parsed.children[0]!.asserts.map((point) => point.name)).toEqual(['http-ok on server (local)', 'ping-db on db (admin@10.0.0.5)']);
    expect(parsed.extra).toEqual([]);
  });

  test('subtests are indented 4 spaces under a `# Subtest` comment naming their question point', () => {
    const lines = render(reportOf({})).split('\n');
    const start = lines.indexOf('# Subtest: Is the web server up? (web-up)');
    expect(lines.slice(start, start + 5)).toEqual([
      '# Subtest: Is the web server up? (web-up)',
      '    1..2',
      '    ok 1 - http-ok on server (local)',
      '    ok 2 - ping-db on db (admin@10.0.0.5)',
      'ok 1 - Is the web server up? (web-up)',
    ]);
  });

  test('a failed check is not ok with its severity, reason, failed expectations, host and evidence in YAML', () => {
    const seen = evidence('LISTEN 0 128 127.0.0.1:5432', 'ss: warning', 1);
    const report = reportOf({ 'db-listen': { status: 'fail', reason: 'stdout expected to contain ":5432"', hint: 'bind to 0.0.0.0', evidence: [seen], expectations: [failedExpectation('LISTEN 0 128 127.0.0.1:5432')] } });
    const parsed = parseTap(render(report));
    expect(resultsOf(parsed)).toMatchObject({ ok: false, count: 4, pass: 3, fail: 1 });
    const [point] = parsed.children[1]!.asserts;
    expect(point).toMatchObject({ ok: false, todo: false, name: 'db-listen on db (admin@10.0.0.5)' });
    expect(point!.diag).toEqual({
      severity: 'fail',
      message: 'stdout expected to contain ":5432"',
      check: 'db-listen',
      kind: 'command',
      host: 'db',
      target: 'admin@10.0.0.5',
      hint: 'bind to 0.0.0.0',
      expectations: [{ field: 'stdout', matcher: 'contains', expected: ':5432', actual: 'LISTEN 0 128 127.0.0.1:5432' }],
      evidence: [{ host: seen.host, command: 'ss -ltn', exitCode: 1, exitMeaning: 'general error', durationMs: 12, stdout: seen.stdout.text, stderr: 'ss: warning' }],
      at: report.questions[1]!.checks[0]!.location,
    });
    expect(parsed.asserts[1]).toMatchObject({ ok: false, name: 'Does the database listen? (db-port)' });
    expect(parsed.asserts[1]!.diag).toEqual({ severity: 'fail', message: 'db-listen: stdout expected to contain ":5432"', question: 'db-port', runbook: 'runbooks/web.yaml', hint: 'start the database' });
  });

  test('a check that could not check is not ok with severity: error, and fails the stream', () => {
    const parsed = parseTap(render(reportOf({ df: { status: 'error', reason: 'timed out after 5s on server (the command was killed)' } })));
    expect(resultsOf(parsed)).toMatchObject({ ok: false, fail: 1 });
    expect(parsed.children[3]!.asserts[0]).toMatchObject({ ok: false, todo: false });
    expect(parsed.children[3]!.asserts[0]!.diag).toMatchObject({ severity: 'error', message: 'timed out after 5s on server (the command was killed)' });
    expect(parsed.asserts[3]!.diag).toMatchObject({ severity: 'error' });
  });

  test('a skipped check is ok # SKIP with its reason; a skipped question too', () => {
    const parsed = parseTap(render(reportOf({ df: { status: 'skipped', reason: 'dependency "x" failed' }, mounts: { status: 'skipped', reason: 'dependency "x" failed' } })));
    expect(resultsOf(parsed)).toMatchObject({ ok: true, count: 4, skip: 1 });
    expect(resultsOf(parsed.children[3]!)).toMatchObject({ ok: true, count: 2, skip: 2 });
    expect(parsed.children[3]!.asserts.map((point) => point.skip)).toEqual(['dependency "x" failed', 'dependency "x" failed']);
    expect(parsed.asserts[3]).toMatchObject({ ok: true, skip: 'df: dependency "x" failed' });
  });

  test('an informational check that fails beside deciding ones is a TODO: the stream still passes', () => {
    const parsed = parseTap(render(reportOf({ 'ping-db': { status: 'fail', reason: 'no reply' } })));
    expect(resultsOf(parsed)).toMatchObject({ ok: true, fail: 0 });
    const child = parsed.children[0]!;
    // tap-parser counts a TODO failure among `fail` and `todo`; it does not make the stream fail.
    expect(resultsOf(child)).toMatchObject({ ok: true, pass: 1, todo: 1, failures: [] });
    expect(child.asserts[1]).toMatchObject({ ok: false, todo: 'informational' });
    expect(child.asserts[1]!.diag).toMatchObject({ severity: 'fail', message: 'no reply', informational: true });
    expect(parsed.asserts[0]).toMatchObject({ ok: true });
  });

  test('an informational check that errors beside deciding ones is a TODO too', () => {
    const parsed = parseTap(render(reportOf({ 'ping-db': { status: 'error', reason: 'ping not installed' } })));
    expect(resultsOf(parsed)).toMatchObject({ ok: true });
    expect(parsed.children[0]!.asserts[1]).toMatchObject({ ok: false, todo: 'informational' });
    expect(parsed.children[0]!.asserts[1]!.diag).toMatchObject({ severity: 'error' });
  });

  test('an informational check alone in its question decides it: its failure counts', () => {
    const parsed = parseTap(render(reportOf({ 'ping-only': { status: 'fail', reason: 'no reply' } })));
    expect(resultsOf(parsed)).toMatchObject({ ok: false, fail: 1 });
    expect(parsed.children[2]!.asserts[0]).toMatchObject({ ok: false, todo: false });
    expect(parsed.asserts[2]).toMatchObject({ ok: false });
  });

  test('diagnosis findings are comments at the end, and count for nothing', () => {
    const finding: Finding = { runbook: 'runbooks/web.yaml', id: 'db-down', message: 'the database is down', hint: 'systemctl start postgresql', evidence: [{ check: 'db-listen', status: 'fail', reason: 'nothing listens' }] };
    const text = render(reportOf({ 'db-listen': { status: 'fail', reason: 'nothing listens' } }, { findings: [finding] }));
    expect(text.trimEnd().split('\n').slice(-4)).toEqual(['# Diagnosis', '#   db-down: the database is down', '#     based on: db-listen (fail)', '#     hint: systemctl start postgresql']);
    const parsed = parseTap(text);
    expect(resultsOf(parsed)).toMatchObject({ count: 4, fail: 1 });
    expect(parsed.comments.join('')).toContain('db-down: the database is down');
  });

  test('an interrupted run bails out, so the stream fails as the exit code does', () => {
    const parsed = parseTap(render(reportOf({ df: { status: 'skipped', reason: 'interrupted' } }, { interrupted: true })));
    expect(resultsOf(parsed)).toMatchObject({ ok: false, bailout: 'run interrupted, exit code 130' });
  });

  test('a TAP 13 harness, which ignores the indented subtests, reads the same verdict per question', () => {
    const text = render(reportOf({ 'db-listen': { status: 'fail', reason: 'nothing listens' }, 'ping-db': { status: 'fail', reason: 'no reply' } }));
    const topLevel = text.split('\n').filter((line) => !line.startsWith('    ')).join('\n').replace('TAP version 14', 'TAP version 13');
    const parsed = parseTap(topLevel);
    expect(parsed.children).toEqual([]);
    expect(resultsOf(parsed)).toMatchObject({ ok: false, count: 4, pass: 3, fail: 1 });
    expect(parsed.asserts.map((point) => point.ok)).toEqual(parseTap(text).asserts.map((point) => point.ok));
  });

  test('every YAML block is valid YAML, read alike as YAML 1.2 and 1.1', () => {
    const text = render(reportOf({ 'db-listen': { status: 'fail', reason: 'yes', evidence: [evidence('on\n0755\n2026-01-01')] }, df: { status: 'error', reason: 'no' } }));
    const blocks = yamlBlocks(text);
    expect(blocks).toHaveLength(4);
    for (const block of blocks) expect(parseYaml(block, { schema: 'yaml-1.1' })).toEqual(parseYaml(block));
    expect(parseYaml(blocks[0]!)).toMatchObject({ message: 'yes' });
  });
});

// ---- Hostile text ------------------------------------------------------------------------------

const HOSTILE = [
  'line one\nnot ok 99 - injected',
  '  ---\n  severity: pass\n  ...',
  '...',
  '---',
  '# Subtest: fake\n    ok 1 - fake',
  'Bail out! fake',
  'hash # TODO not really \\# and \\\\',
  'ends with a brace {',
  'control \u001b[31mred\u001b[0m \u0000 nul \r carriage \u0007 bell',
  'unicode breaks \u2028 \u2029 \u0085 done',
  '\ttab first, trailing spaces   ',
  '- item\n\n\n  indented after blank lines\n',
].join('\n');

describe('tap reporter with hostile text', () => {
  const report = reportOf({
    'db-listen': { status: 'fail', reason: HOSTILE, hint: HOSTILE, evidence: [evidence(HOSTILE, HOSTILE)], expectations: [failedExpectation(HOSTILE)] },
    df: { status: 'skipped', reason: 'skip # TODO reason \\ with\nnewline' },
    'ping-db': { status: 'error', reason: HOSTILE },
  }, { findings: [{ runbook: 'r.yaml', id: 'f', message: HOSTILE, evidence: [] }] });
  const text = render(report);
  const parsed = parseTap(text);

  test('injects no test point, plan, subtest or bail out', () => {
    expect(parsed.extra).toEqual([]);
    // A skipped point is `ok`, so tap-parser counts it among the passes as well.
    expect(resultsOf(parsed)).toMatchObject({ ok: false, count: 4, pass: 3, fail: 1, skip: 1, bailout: false, plan: { end: 4 } });
    expect(parsed.children.map((child) => resultsOf(child).count)).toEqual([2, 1, 1, 2]);
    expect(resultsOf(parsed.children[0]!)).toMatchObject({ ok: true, todo: 1, failures: [] });
  });

  test('reasons, expectations and output parse back exactly from the YAML diagnostics', () => {
    const [point] = parsed.children[1]!.asserts;
    expect(point!.diag).toMatchObject({
      message: HOSTILE,
      hint: HOSTILE,
      expectations: [{ actual: HOSTILE }],
      evidence: [{ stdout: HOSTILE, stderr: HOSTILE }],
    });
    expect(parsed.children[0]!.asserts[1]!.diag).toMatchObject({ severity: 'error', message: HOSTILE });
    expect(parsed.asserts[1]!.diag).toMatchObject({ message: `db-listen: ${HOSTILE}` });
  });

  test('a skip reason keeps its `#` and `\\` (escaped, not a directive), on one line', () => {
    expect(parsed.children[3]!.asserts[0]).toMatchObject({ skip: 'skip # TODO reason \\ with newline', todo: false });
  });

  test('every line is free of raw control characters and Unicode line breaks', () => {
    for (const line of text.split('\n')) expect(line).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
  });

  test('the findings stay comments', () => {
    const findingComments = parsed.comments.filter((comment) => comment.startsWith('#  '));
    expect(findingComments.length).toBeGreaterThan(5);
    expect(parsed.comments.join('')).toContain('Bail out! fake');
  });
});

describe('tap reporter with a hostile question title', () => {
  const runbook = RUNBOOK.replace('title: Is the web server up?', 'title: "Up? # SKIP not \\\\ really {\\nnot ok 7"');
  const parsed = parseTap(render(reportOf({}, { runbook })));

  test('the title is the description, one line, `#` and `\\` kept, no directive, no buffered subtest', () => {
    expect(parsed.extra).toEqual([]);
    expect(resultsOf(parsed)).toMatchObject({ ok: true, count: 4, skip: 0 });
    expect(parsed.asserts[0]).toMatchObject({ name: 'Up? # SKIP not \\ really { not ok 7 (web-up)', skip: false, buffered: false });
    expect(parsed.children).toHaveLength(4);
  });
});
