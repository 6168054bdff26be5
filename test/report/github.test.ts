// The GitHub reporter: workflow commands read back the way the runner reads them, and the Markdown
// step summary, both with hostile text in every field a runbook or a command's output can fill.
import { describe, expect, test } from 'vitest';
import type { Evidence } from '../../src/model/outcome.js';
import type { Finding, RunReport } from '../../src/model/report.js';
import { githubReporter } from '../../src/report/github.js';
import { evidence, RUNBOOK, reportOf } from '../helpers/report-fixture.js';

// ---- Reports: a real runbook, loaded, with outcomes given per check (test/helpers/report-fixture.ts)

const finding = (id: string, message = 'the database is down'): Finding => ({
  runbook: 'runbooks/web.yaml',
  id,
  message,
  hint: 'systemctl start postgresql',
  evidence: [{ check: 'db-listen', status: 'fail', reason: 'nothing listens' }],
});

// ---- Workflow commands, read as the runner reads them ------------------------------------------

interface WorkflowCommand {
  readonly name: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly message: string;
}

/**
 * The runner's reading (actions/runner, src/Runner.Common/ActionCommand.cs, TryParseV2): the name up
 * to the first space, properties split on `,` then on the first `=`, the message after the second
 * `::`; each unescaped with `%25` last, so an escaped `%0A` stays the text `%0A`.
 */
const unescapeData = (text: string): string => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (text: string): string =>
  text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

const parseCommand = (line: string): WorkflowCommand => {
  expect(line.startsWith('::')).toBe(true);
  const end = line.indexOf('::', 2);
  expect(end).toBeGreaterThan(2);
  const info = line.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  const pairs = space < 0 ? [] : info.slice(space + 1).split(',').filter((pair) => pair !== '');
  const properties = Object.fromEntries(
    pairs.map((pair) => {
      const equals = pair.indexOf('=');
      return [pair.slice(0, equals), unescapeProperty(pair.slice(equals + 1))];
    }),
  );
  return { name, properties, message: unescapeData(line.slice(end + 2)) };
};

const commandsOf = (report: RunReport): WorkflowCommand[] => {
  const text = githubReporter.render(report, { colors: false });
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map(parseCommand);
};

describe('github reporter: workflow commands', () => {
  test('a passing run is one notice: the counts and the exit code', () => {
    const commands = commandsOf(reportOf({}));
    expect(commands).toEqual([
      { name: 'notice', properties: { title: 'runbook: pass, exit code 0' }, message: '4 questions: 4 pass, 0 fail, 0 error, 0 skipped; 6 checks: 6 pass, 0 fail, 0 error, 0 skipped' },
    ]);
  });

  test('a failed check is an error at its line in the runbook, with reason, host, hint and evidence', () => {
    const report = reportOf({ 'db-listen': { status: 'fail', reason: 'stdout expected to contain ":5432", got "127.0.0.1:5432"', hint: 'bind to 0.0.0.0', evidence: [evidence('LISTEN 0 128 127.0.0.1:5432')] } });
    const [error, summary] = commandsOf(report);
    const { location } = report.questions[1]!.checks[0]!;
    expect(error).toEqual({
      name: 'error',
      properties: { file: 'runbooks/web.yaml', line: String(location.line), col: String(location.col), title: 'db-listen failed: Does the database listen?' },
      message: [
        'stdout expected to contain ":5432", got "127.0.0.1:5432"',
        'on db (admin@10.0.0.5)',
        'hint: bind to 0.0.0.0',
        '$ ss -ltn',
        'exit 1 (general error) after 12 ms on db (admin@10.0.0.5)',
        'stdout:',
        '  LISTEN 0 128 127.0.0.1:5432',
      ].join('\n'),
    });
    expect(location.line).toBeGreaterThan(1);
    expect(summary).toMatchObject({ name: 'notice', properties: { title: 'runbook: fail, exit code 1' } });
  });

  test('a check that could not check is an error too: its gate fails', () => {
    const [error, summary] = commandsOf(reportOf({ df: { status: 'error', reason: 'timed out after 5s on server' } }));
    expect(error).toMatchObject({ name: 'error', properties: { title: 'df could not check: Is there disk space?' } });
    expect(error!.message.split('\n')[0]).toBe('timed out after 5s on server');
    expect(summary!.properties.title).toBe('runbook: error, exit code 3');
  });

  test('an informational check that does not decide is a warning; alone in its question, an error', () => {
    const commands = commandsOf(reportOf({ 'ping-db': { status: 'fail', reason: 'no reply' }, 'ping-only': { status: 'error', reason: 'ping not installed' } }));
    expect(commands.map(({ name, properties }) => [name, properties.title])).toEqual([
      ['warning', 'ping-db failed (informational): Is the web server up?'],
      ['error', 'ping-only could not check (informational): Is ICMP allowed?'],
      ['notice', 'runbook: error, exit code 3'],
    ]);
  });

  test('skipped and passed checks are not annotated', () => {
    const commands = commandsOf(reportOf({ df: { status: 'skipped', reason: 'dependency failed' } }));
    expect(commands.map((command) => command.name)).toEqual(['notice']);
  });

  test('each diagnosis finding is a notice on its runbook; the run summary comes last', () => {
    const commands = commandsOf(reportOf({ 'db-listen': { status: 'fail', reason: 'nothing listens' } }, { findings: [finding('db-down')] }));
    expect(commands.map((command) => command.name)).toEqual(['error', 'notice', 'notice']);
    expect(commands[1]).toEqual({
      name: 'notice',
      properties: { file: 'runbooks/web.yaml', title: 'Diagnosis: db-down' },
      message: 'the database is down\nhint: systemctl start postgresql\nbased on: db-listen (fail)',
    });
    expect(commands[2]!.properties.title).toBe('runbook: fail, exit code 1');
  });

  test('past GitHub\'s 10 notices a step, the findings left out are counted in the summary, which stays shown', () => {
    const findings = Array.from({ length: 12 }, (_, index) => finding(`finding-${index}`));
    const commands = commandsOf(reportOf({ 'db-listen': { status: 'fail', reason: 'nothing listens' } }, { findings }));
    const notices = commands.filter((command) => command.name === 'notice');
    expect(notices).toHaveLength(10);
    expect(notices.at(-1)!.message).toContain('3 more diagnosis findings: all are in the log and the step summary');
  });
});

// ---- Hostile text ------------------------------------------------------------------------------

const HOSTILE = [
  '::error file=evil.yaml,line=1::injected',
  'percent %25 %0A %0D %3A %2C 100%',
  'comma, colon: double:: end',
  'crlf\r\nnext',
  'lone cr\rand',
  '<script>alert(1)</script> | pipe | `code` ``fence`` &amp; &lt;',
  '[link](javascript:alert(1)) **bold** _em_ ~~strike~~ \\ backslash',
  '# heading\n---\n- list\n> quote',
  'control \u001b[31mred\u001b[0m \u0000 nul',
].join('\n');

/**
 * The test runbook with the hostile text as a question's title, but what a runbook cannot hold (a
 * NUL, a carriage return, an ESC: refused where they are written): the reasons, hints and evidence
 * carry all of it.
 */
const withHostileTitle = (): string =>
  // eslint-disable-next-line no-control-regex
  RUNBOOK.replace('title: Does the database listen?', `title: ${JSON.stringify(HOSTILE.replace(/\$/g, '').replace(/[\0\r\u001b]/g, ''))}`);

describe('github reporter: hostile text', () => {
  const runbook = withHostileTitle();
  const report = reportOf(
    { 'db-listen': { status: 'fail', reason: HOSTILE, hint: HOSTILE, evidence: [evidence(HOSTILE, HOSTILE)] }, 'ping-db': { status: 'fail', reason: HOSTILE } },
    { runbook, file: 'dir, with:colons/web%0A.yaml', findings: [{ ...finding('evil'), message: HOSTILE, hint: HOSTILE }] },
  );
  const title = report.questions[1]!.title;
  const text = githubReporter.render(report, { colors: false });

  test('every command stays one line: no text starts a command of its own', () => {
    expect(text.split('\n').filter((line) => line !== '')).toHaveLength(4);
    for (const line of text.split('\n').filter((candidate) => candidate !== '')) expect(line).toMatch(/^::(error|warning|notice) /);
    expect(text).not.toContain('\r');
  });

  test('titles, files and messages read back exactly, `::`, `%`, `,`, `:` and line breaks included', () => {
    expect(title).toContain('::error');
    const [warning, error, notice] = commandsOf(report);
    expect(warning).toMatchObject({ name: 'warning', properties: { file: 'dir, with:colons/web%0A.yaml' } });
    expect(warning!.message.startsWith(`${HOSTILE}\non db (admin@10.0.0.5)`)).toBe(true);
    expect(error!.properties).toMatchObject({ file: 'dir, with:colons/web%0A.yaml', title: `db-listen failed: ${title}` });
    expect(error!.message).toContain(`${HOSTILE}\non db (admin@10.0.0.5)\nhint: ${HOSTILE}\n$ ss -ltn`);
    expect(notice).toMatchObject({ properties: { title: 'Diagnosis: evil' } });
    expect(notice!.message.startsWith(`${HOSTILE}\nhint: ${HOSTILE}\n`)).toBe(true);
  });
});

// ---- The step summary --------------------------------------------------------------------------

/** The cells of a table row, split where GitHub splits them: at `|` not escaped by a backslash. */
const cellsOf = (row: string): string[] => row.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim());

const tableRows = (markdown: string): string[] => markdown.split('\n').filter((line) => line.startsWith('|')).slice(2);

/** The Markdown outside `<pre>` blocks: the part GitHub reads as Markdown. */
const outsidePre = (markdown: string): string => markdown.replace(/<pre>[\s\S]*?<\/pre>/g, '');

describe('github reporter: step summary', () => {
  test('a heading with the verdict, and a table with one row per question: status, title, checks passed', () => {
    const markdown = githubReporter.stepSummary(reportOf({ 'ping-db': { status: 'fail', reason: 'no reply' }, 'db-listen': { status: 'fail', reason: 'nothing listens' }, df: { status: 'skipped', reason: 'later' } }));
    expect(markdown.split('\n')[0]).toBe('## ❌ runbook: FAIL, exit code 1');
    expect(markdown).toContain('| Status | Question | Checks passed |');
    expect(tableRows(markdown).map(cellsOf)).toEqual([
      ['✅ pass', 'Is the web server up? (web-up)', '1/2'],
      ['❌ fail', 'Does the database listen? (db-port)', '0/1'],
      ['✅ pass', 'Is ICMP allowed? (icmp)', '1/1'],
      ['⏭️ skipped', 'Is there disk space? (disk)', '1/2'],
    ]);
    expect(markdown.endsWith('\n')).toBe(true);
  });

  test('each question that did not pass: its checks that did not, with reason, host, hint and evidence in <details>', () => {
    const report = reportOf({ 'db-listen': { status: 'fail', reason: 'nothing listens on :5432', hint: 'bind to 0.0.0.0', evidence: [evidence('LISTEN 0 128 127.0.0.1:5432')] }, df: { status: 'skipped', reason: 'later' } });
    const markdown = githubReporter.stepSummary(report);
    const sections = markdown.split('\n').filter((line) => line.startsWith('### '));
    expect(sections).toEqual(['### ❌ FAIL: Does the database listen? (db-port)', '### ⏭️ SKIPPED: Is there disk space? (disk)']);
    expect(markdown).toContain('Hint: start the database');
    expect(markdown).toContain('❌ **db-listen** on db (admin@10.0.0.5): nothing listens on :5432');
    expect(markdown).toContain('Hint: bind to 0.0.0.0');
    expect(markdown).toContain('<details><summary>Evidence</summary>\n\n<pre>$ ss -ltn\nexit 1 (general error) after 12 ms on db (admin@10.0.0.5)\nstdout:\n  LISTEN 0 128 127.0.0.1:5432</pre>\n\n</details>');
    expect(markdown).toContain('⏭️ **df** on server (local): later');
    expect(markdown).not.toContain('http-ok');
  });

  test('the diagnosis findings close it', () => {
    const markdown = githubReporter.stepSummary(reportOf({ 'db-listen': { status: 'fail', reason: 'nothing listens' } }, { findings: [finding('db-down')] }));
    expect(markdown.trimEnd().split('\n').slice(-5)).toEqual(['### Diagnosis', '', '- **db-down**: the database is down', '  - Hint: systemctl start postgresql', '  - Based on: db-listen (fail)']);
  });

  test('an evidence excerpt is short: the first lines, and how many more', () => {
    const long = Array.from({ length: 50 }, (_, index) => `line ${index}`).join('\n');
    const markdown = githubReporter.stepSummary(reportOf({ 'db-listen': { status: 'fail', reason: 'x', evidence: [evidence(long)] } }));
    expect(markdown).toContain('  line 19\n  … 30 more lines</pre>');
    expect(markdown).not.toContain('line 20');
  });

  test('a truncated excerpt counts the lines the command printed, not the lines kept', () => {
    const kept = evidence('first\nsecond');
    const truncated: Evidence = { ...kept, stdout: { ...kept.stdout, totalLines: 5000, truncated: true } };
    const markdown = githubReporter.stepSummary(reportOf({ 'db-listen': { status: 'fail', reason: 'x', evidence: [truncated] } }));
    expect(markdown).toContain('  second\n  … 4998 more lines</pre>');
  });

  describe('with hostile text', () => {
    const runbook = withHostileTitle();
    const report = reportOf(
      { 'db-listen': { status: 'fail', reason: HOSTILE, hint: HOSTILE, evidence: [evidence(HOSTILE, `${HOSTILE}\n</pre></details><script>alert(2)</script>`)] } },
      { runbook, findings: [{ ...finding('evil'), message: HOSTILE, hint: HOSTILE }] },
    );
    const markdown = githubReporter.stepSummary(report);

    test('the table keeps one row per question and three cells a row', () => {
      const rows = tableRows(markdown);
      expect(rows).toHaveLength(report.questions.length);
      for (const row of rows) expect(cellsOf(row)).toHaveLength(3);
      expect(cellsOf(rows[1]!)[1]).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| pipe \\| \\`code\\`');
    });

    test('no raw HTML from the text survives: the only tags are the summary\'s own', () => {
      expect(markdown).not.toMatch(/<script/i);
      const tags = new Set([...markdown.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((match) => match[1]!.toLowerCase()));
      expect([...tags].sort()).toEqual(['br', 'details', 'pre', 'summary']);
      expect(markdown.match(/<pre>/g)).toHaveLength(markdown.match(/<\/pre>/g)!.length);
      expect(markdown).toContain('&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    });

    test('outside <pre>, Markdown punctuation is escaped and no line starts with the text', () => {
      const markdown_ = outsidePre(markdown);
      expect(markdown_).not.toMatch(/(?<!\\)`/);
      expect(markdown_).not.toMatch(/(?<!\\)\[link\]/);
      expect(markdown_).toContain('\\*\\*bold\\*\\* \\_em\\_ \\~\\~strike\\~\\~ \\\\ backslash');
      expect(markdown_).toContain('&amp;amp; &amp;lt;');
      const lineStarts = new Set(markdown_.split('\n').map((line) => line.slice(0, 2)));
      for (const start of ['# ', '--', '> ', '::', '<s']) expect(lineStarts.has(start)).toBe(false);
    });

    test('control characters are shown, not sent', () => {
      expect(markdown).not.toMatch(/[^\P{Cc}\n\t]/u);
      expect(markdown).toContain('control \\\\x1b\\[31mred');
    });
  });
});
