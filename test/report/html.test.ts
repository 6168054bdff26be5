// The HTML reporter: the page parsed back (linkedom) for its structure, its timeline's numbers, its
// self-containment and its escaping of hostile text; then rendered by headless Chromium, which must
// draw it (a screenshot) and, with hostile text in every field, find nothing to run or fetch.
import { execa } from 'execa';
import { parseHTML } from 'linkedom';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { htmlReporter } from '../../src/report/html.js';
import { allChecks, commandEvidence, excerpt, incidentReport, INCIDENT_TIMES, retimed, RUN_STARTED_AT, withCheck } from '../fixtures/html/reports.js';
import { reportOf } from '../helpers/report-fixture.js';

/** The little of the DOM these tests touch (tsconfig has no DOM lib: src/ runs in Node). */
interface PageElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly attributes: Iterable<{ readonly name: string; readonly value: string }>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

interface Page {
  readonly text: string;
  readonly document: PageElement & { readonly title: string };
}

const render = (report: RunReport): Page => {
  const text = htmlReporter.render(report, { colors: false });
  return { text, document: parseHTML(text).document };
};

const all = (root: PageElement, selector: string): PageElement[] => [...root.querySelectorAll(selector)];

const one = (root: PageElement, selector: string): PageElement => {
  const found = root.querySelector(selector);
  if (!found) throw new Error(`nothing matches ${selector}`);
  return found;
};

const text = (root: PageElement, selector: string): string => one(root, selector).textContent ?? '';

/** `left:12.5%;width:3%` -> { left: 12.5, width: 3 } */
const percentages = (style: string | null): Record<string, number> =>
  Object.fromEntries([...(style ?? '').matchAll(/([a-z-]+):\s*([\d.]+)%/g)].map(([, name = '', value = '']) => [name, Number(value)]));

describe('html reporter: the page', () => {
  const page = render(incidentReport());

  test('the run: title, verdict, exit code, when it started, how long it took, the counts', () => {
    const header = one(page.document, 'header.run');
    expect(page.document.title).toBe('FAIL: Checkout is down — runbook report');
    expect(text(header, 'h1')).toBe('Checkout is down');
    expect(header.getAttribute('data-status')).toBe('fail');
    expect(text(header, '.verdict .badge')).toBe('✖ FAIL');
    expect(text(header, '.exit-code')).toBe('1');
    expect(text(header, '.verdict')).toContain('2 of 4 questions did not pass');
    expect(one(header, 'time').getAttribute('datetime')).toBe(RUN_STARTED_AT);
    expect(text(header, '.run-duration')).toBe('5.36 s');
    const rows = all(header, 'table.counts tbody tr').map((row) => all(row, 'th, td').map((cell) => cell.textContent));
    expect(rows).toEqual([
      ['questions', '4', '2', '1', '0', '1'],
      ['checks', '7', '4', '1', '1', '1'],
    ]);
    expect(text(header, 'table.runbooks tbody')).toContain('runbooks/checkout.yaml');
  });

  test('one section per question with its verdict, each check with its status; only passing checks fold away', () => {
    const sections = all(page.document, 'section.question');
    expect(sections.map((section) => [section.getAttribute('data-question'), section.getAttribute('data-status'), text(section, 'h3 .badge')])).toEqual([
      ['web-up', 'pass', '✔ PASS'],
      ['db-port', 'fail', '✖ FAIL'],
      ['replication', 'skipped', '⊘ SKIP'],
      ['disk', 'pass', '✔ PASS'],
    ]);
    const checks = all(page.document, 'details.check');
    expect(checks.map((check) => [check.getAttribute('data-check'), check.getAttribute('data-status'), check.hasAttribute('open')])).toEqual([
      ['nginx-running', 'pass', false],
      ['health', 'pass', false],
      ['tls-expiry', 'pass', false],
      ['db-listen', 'fail', true],
      ['pg-ready', 'error', true],
      ['replica-lag', 'skipped', true],
      ['data-disk', 'pass', false],
    ]);
    for (const check of checks) expect(text(check, 'summary .badge')).toMatch(/^(✔ PASS|✖ FAIL|⚠\uFE0E ERROR|⊘ SKIP)$/);
  });

  test('a check shows where it ran, how long, why, the hint, failed expectations, captures, notes and where it is written', () => {
    const failed = one(page.document, 'details[data-check="db-listen"]');
    expect(text(failed, 'summary .where')).toBe('db (admin@10.0.0.5)');
    expect(text(failed, 'summary .took')).toBe('310 ms');
    expect(text(failed, '.summary-reason')).toBe('stdout expected to contain "0.0.0.0:5432", got "State  Recv-Q Send-Q Local Address:Port…"');
    expect(text(failed, '.hint-text')).toBe('PostgreSQL only listens on loopback: set listen_addresses');
    expect(all(failed, 'li.expectation').map((item) => item.textContent)).toEqual(['✖ stdout expected to contain "0.0.0.0:5432", got "State  Recv-Q Send-Q Local Address:Port…"']);
    expect(text(failed, '.expectations .label')).toBe('failed expectations (1 more held)');
    expect(text(failed, 'dl.facts')).toContain('runbooks/checkout.yaml:17:15');
    expect(text(failed, 'dl.facts')).toContain('+14 ms');

    const captured = one(page.document, 'details[data-check="data-disk"]');
    expect(all(captured, '.captures tr').map((row) => all(row, 'th, td').map((cell) => cell.textContent))).toEqual([['used_percent', '63']]);
    expect(text(one(page.document, 'details[data-check="tls-expiry"]'), 'li.note')).toBe('the certificate expires in 79 days');
    expect(text(one(page.document, 'details[data-check="tls-expiry"]'), '.tag')).toBe('informational, does not decide');
    expect(text(one(page.document, 'section[data-question="db-port"]'), '.hint-text')).toBe('check listen_addresses in postgresql.conf');
  });

  test('the evidence: each command with its host, exit code and meaning, duration, and its output in <pre>', () => {
    const [failed, timedOut] = ['db-listen', 'pg-ready'].map((id) => one(page.document, `details[data-check="${id}"] .evidence`));
    expect(text(failed!, '.command code')).toBe('ss -ltn');
    expect(text(failed!, '.ran')).toBe('exit 0 · 40 ms · on db (admin@10.0.0.5)');
    // HTML drops one newline right after <pre>: the reporter writes one so the output keeps its own.
    expect(text(failed!, 'pre.stdout')).toBe(`\n${incidentReport().questions[1]!.checks[0]!.evidence[0]!.stdout.text}`);
    expect(failed!.querySelector('pre.stderr')).toBeNull();
    expect(text(timedOut!, '.ran')).toBe('ended by SIGKILL · 5.00 s · on db (admin@10.0.0.5)');
    expect(text(timedOut!, 'pre.stderr')).toBe('\npg_isready: still waiting for 10.0.0.5:5432');

    const meaning = render(withCheck(incidentReport(), 'db-listen', {
      evidence: [commandEvidence('db', 'false', 1, 'x\n'.repeat(3).trim(), '', { exitMeaning: 'general error', stdout: excerpt('head\ntail', { lines: 900, bytes: 40_960 }) })],
    }));
    const evidence = one(meaning.document, 'details[data-check="db-listen"] .evidence');
    expect(text(evidence, '.exit')).toBe('exit 1 (general error)');
    expect(text(evidence, '.stream-name')).toBe('stdout — an excerpt of 900 lines, 40.0 KiB');
  });

  test('a conversation has no exit code: what was said and the problem', () => {
    const spoken = render(withCheck(incidentReport(), 'pg-ready', {
      evidence: [commandEvidence('db', 'MySQL handshake with 10.0.0.5:3306', null, '> greeting', 'access denied', { conversation: true })],
    }));
    const evidence = one(spoken.document, 'details[data-check="pg-ready"] .evidence');
    expect(text(evidence, '.prompt')).toBe('~');
    expect(evidence.querySelector('.exit')).toBeNull();
    expect(all(evidence, '.stream-name').map((name) => name.textContent)).toEqual(['said', 'problem']);
  });

  test('the findings: message, hint, and the checks each rests on, linked to them', () => {
    const [finding, ...others] = all(page.document, '#diagnosis article.finding');
    expect(others).toEqual([]);
    expect(finding!.getAttribute('data-finding')).toBe('db-bound-to-loopback');
    expect(text(finding!, '.message')).toBe('PostgreSQL listens on 127.0.0.1 only, so the web host cannot reach it');
    expect(text(finding!, '.hint-text')).toBe("set listen_addresses = '*' (or the private address) and restart postgresql");
    const basis = all(finding!, 'ul.rests-on li');
    expect(basis.map((item) => [item.getAttribute('data-check'), text(item, '.badge')])).toEqual([
      ['db-listen', '✖ FAIL'],
      ['pg-ready', '⚠\uFE0E ERROR'],
    ]);
    for (const item of basis) {
      const target = one(item, 'a').getAttribute('href')!.slice(1);
      expect(one(page.document, `[id="${target}"]`).getAttribute('data-check')).toBe(item.getAttribute('data-check'));
    }
    expect(text(render(reportOf({})).document, '#diagnosis')).toContain('No finding');
  });

  test('several runbooks: each titled, its questions under it, anchors unique', () => {
    const second = reportOf({}, { file: 'runbooks/other.yaml' });
    const first = incidentReport();
    const both: RunReport = { ...first, runbooks: [...first.runbooks, ...second.runbooks], questions: [...first.questions, ...second.questions] };
    const { document } = render(both);
    expect(text(document, 'h1')).toBe('Checkout is down · Web service');
    expect(all(document, '.runbook-title').map((title) => title.textContent)).toEqual(['Checkout is down runbooks/checkout.yaml', 'Web service runbooks/other.yaml']);
    const ids = all(document, '[id]').map((element) => element.getAttribute('id'));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('html reporter: the timeline', () => {
  const report = incidentReport();
  const { document } = render(report);

  test('one lane per host, labelled with role and target, one bar per check', () => {
    const lanes = all(document, '.timeline .lane');
    expect(lanes.map((lane) => [lane.getAttribute('data-host'), lane.getAttribute('data-target'), text(lane, '.lane-label strong'), text(lane, '.lane-label code')])).toEqual([
      ['web', 'deploy@web1.prod.example', 'web', 'deploy@web1.prod.example'],
      ['db', 'admin@10.0.0.5', 'db', 'admin@10.0.0.5'],
    ]);
    expect(all(lanes[0]!, '.tl-row').map((row) => row.getAttribute('data-check'))).toEqual(['nginx-running', 'tls-expiry', 'health']);
    expect(all(lanes[1]!, '.tl-row').map((row) => row.getAttribute('data-check'))).toEqual(['db-listen', 'data-disk', 'pg-ready', 'replica-lag']);
    expect(all(document, '.tl-bar')).toHaveLength(allChecks(report).length);
  });

  test('each bar starts at startedAt and is as wide as durationMs, in % of the run', () => {
    const span = Number(one(document, '.timeline').getAttribute('data-span-ms'));
    expect(span).toBe(5360);
    for (const [id, [offset, took]] of Object.entries(INCIDENT_TIMES)) {
      const row = one(document, `.tl-row[data-check="${id}"]`);
      expect([Number(row.getAttribute('data-start-ms')), Number(row.getAttribute('data-duration-ms'))]).toEqual([offset, took]);
      const { left = NaN, width = NaN } = percentages(one(row, '.tl-bar').getAttribute('style'));
      expect(left).toBeCloseTo((offset / span) * 100, 2);
      expect(width).toBeCloseTo((took / span) * 100, 2);
      expect(row.getAttribute('title')).toContain(id);
      expect(text(row, '.tl-label')).toContain(id);
      expect(one(row, '.tl-bar').getAttribute('class')).toContain(`s-${row.getAttribute('data-status')}`);
    }
  });

  test('a crafted run: exact positions, a check past the run widens the axis, a zero-length check is a mark', () => {
    const crafted = retimed(reportOf({ mounts: { status: 'skipped', reason: 'not needed' } }), '2026-01-01T00:00:00.000Z', 1000, {
      'http-ok': [0, 250],
      'ping-db': [250, 500],
      'db-listen': [500, 500],
      'ping-only': [750, 250],
      df: [100, 1000], // ends at 1100 ms, after the run: the axis must reach it
      mounts: [1100, 0],
    });
    const { document: page } = render(crafted);
    expect(one(page, '.timeline').getAttribute('data-span-ms')).toBe('1100');
    const bar = (id: string) => percentages(one(page, `.tl-row[data-check="${id}"] .tl-bar`).getAttribute('style'));
    expect(bar('http-ok')).toEqual({ left: 0, width: 22.727 });
    expect(bar('ping-db')).toEqual({ left: 22.727, width: 45.455 });
    expect(bar('df')).toEqual({ left: 9.091, width: 90.909 });
    expect(bar('mounts')).toEqual({ left: 100, width: 0 });
    // The stylesheet gives every bar a minimum width, so the zero-length one still shows.
    expect(page.querySelector('style')?.textContent).toMatch(/\.tl-bar \{[^}]*min-width: 3px/);
    expect(all(page, '.axis .tick-label').map((tick) => tick.textContent)).toEqual(['0', '200 ms', '400 ms', '600 ms', '800 ms', '1 s']);
    // Labels go where there is room: after an early bar, before a late one, over one that spans the middle.
    const label = (id: string) => one(page, `.tl-row[data-check="${id}"] .tl-label`).getAttribute('style');
    expect([label('http-ok'), label('mounts'), label('df')]).toEqual(['left:calc(22.727% + 6px)', 'right:calc(0% + 6px)', 'left:calc(9.091% + 6px)']);
  });

  test('a run that took no time: a 1 ms axis, every check a mark at 0, no NaN anywhere', () => {
    const instant = retimed(reportOf({}), '2026-01-01T00:00:00.000Z', 0, Object.fromEntries(['http-ok', 'ping-db', 'db-listen', 'ping-only', 'df', 'mounts'].map((id) => [id, [0, 0] as const])));
    const { text: page, document: parsed } = render(instant);
    expect(one(parsed, '.timeline').getAttribute('data-span-ms')).toBe('1');
    expect(all(parsed, '.axis .tick-label').map((tick) => tick.textContent)).toEqual(['0', '1 ms']);
    for (const bar of all(parsed, '.tl-bar')) expect(percentages(bar.getAttribute('style'))).toEqual({ left: 0, width: 0 });
    expect(page).not.toMatch(/NaN|Infinity|undefined/);
  });

  test('a check dated before the run (a skewed clock) starts at 0, never off the axis', () => {
    const skewed = retimed(reportOf({}), '2026-01-01T00:00:01.000Z', 1000, { 'http-ok': [-500, 100] });
    const row = one(render(skewed).document, '.tl-row[data-check="http-ok"]');
    expect(row.getAttribute('data-start-ms')).toBe('0');
    expect(percentages(one(row, '.tl-bar').getAttribute('style')).left).toBe(0);
  });
});

describe('html reporter: self-contained', () => {
  const { text: page, document } = render(incidentReport());

  test('declares UTF-8 and a Content-Security-Policy that forbids every fetch', () => {
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    const policy = one(document, 'meta[http-equiv="Content-Security-Policy"]').getAttribute('content') ?? '';
    expect(policy.split(/;\s*/)).toEqual(expect.arrayContaining(["default-src 'none'", "style-src 'unsafe-inline'", 'img-src data:']));
    expect(policy).not.toMatch(/script-src|connect-src|https?:|\*/);
  });

  test('no script, no link, no external resource, no URL anywhere', () => {
    for (const tag of ['script', 'link', 'img', 'iframe', 'object', 'embed', 'base', 'form', 'svg', 'video', 'audio', 'source']) expect(all(document, tag), tag).toEqual([]);
    expect(all(document, 'style')).toHaveLength(1);
    expect(page).not.toMatch(/https?:|\/\/[a-z]|@import|@font-face|url\(/i);
    const links = all(document, '[href], [src], [srcset], [action], [formaction], [poster], [data]');
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link.getAttribute('href')).toMatch(/^#q\d+(-c\d+)?$/);
  });
});

// ---- Hostile text -----------------------------------------------------------------------------------

const HOSTILE = `</pre></details></section><script>alert("x")</script><img src=x onerror=alert(1)> & &amp; "double" 'single' <!-- ]]> <style>*{display:none}</style>`;
const BENIGN = 'plain words with nothing special in them at all';

/** Every field a runbook, a host or a rule can fill, set to `value`. */
const filledWith = (value: string): RunReport => {
  const base = incidentReport();
  const check = (id: string): CheckResult => allChecks(base).find((candidate) => candidate.id === id)!;
  const stream = (text: string) => excerpt(text, { lines: 3, bytes: 99 });
  const filled = withCheck(base, 'db-listen', {
    reason: value,
    hint: value,
    notes: [value],
    captures: { [value]: value },
    observed: { [value]: value },
    missingTools: [{ tool: value, host: value }],
    expectations: [{ ...check('db-listen').expectations[1]!, message: value }],
    evidence: [commandEvidence(value, value, 1, value, value, { exitMeaning: value, stdout: stream(value), stderr: stream(value) })],
    location: { file: value, line: 1, col: 1 },
    target: value,
    kind: value,
  });
  return {
    ...filled,
    tool: { name: 'runbook', version: value },
    runbooks: filled.runbooks.map((runbook) => ({ ...runbook, title: value, hosts: { [value]: value } })),
    questions: filled.questions.map((question) => ({ ...question, title: value, ...(question.status === 'pass' ? {} : { reason: value, hint: value }) })),
    diagnosis: filled.diagnosis.map((finding) => ({ ...finding, id: value, message: value, hint: value, evidence: finding.evidence.map((item) => ({ ...item, reason: value })) })),
  };
};

/** The page's skeleton: every element's tag and attribute names, in document order. */
const skeleton = (document: PageElement): string[] =>
  all(document, '*').map((element) => `${element.tagName}[${[...element.attributes].map((attribute) => attribute.name).join(',')}]`);

describe('html reporter: hostile text', () => {
  const { document } = render(filledWith(HOSTILE));

  test('changes nothing in the structure: the same elements and attributes as with plain words', () => {
    expect(skeleton(document)).toEqual(skeleton(render(filledWith(BENIGN)).document));
    expect(all(document, 'script')).toEqual([]);
    expect(all(document, 'img')).toEqual([]);
    for (const element of all(document, '*')) for (const { name } of element.attributes) expect(name.startsWith('on'), `${element.tagName}@${name}`).toBe(false);
  });

  test('reads back as the very text it was, in every element and attribute', () => {
    const failed = one(document, 'details[data-check="db-listen"]');
    expect(document.title).toBe(`FAIL: ${HOSTILE} — runbook report`);
    expect(text(document, 'h1')).toBe(HOSTILE);
    expect(text(document, 'section[data-question="db-port"] h3 .title')).toBe(HOSTILE);
    expect(text(document, 'section[data-question="db-port"] > p.reason')).toBe(HOSTILE);
    for (const selector of ['.summary-reason', '.hint-text', 'li.note', '.evidence .command code', '.evidence .on', '.captures td code', '.captures th code', 'li.expectation']) {
      expect(text(failed, selector).replace(/^✖ /, ''), selector).toBe(HOSTILE);
    }
    expect(text(failed, 'pre.stdout')).toBe(`\n${HOSTILE}`);
    expect(text(failed, 'pre.stderr')).toBe(`\n${HOSTILE}`);
    expect(text(failed, '.exit')).toBe(`exit 1 (${HOSTILE})`);
    expect(text(document, 'article.finding .message')).toBe(HOSTILE);
    expect(one(document, 'article.finding').getAttribute('data-finding')).toBe(HOSTILE);
    const row = one(document, '.tl-row[data-check="db-listen"]');
    expect(row.getAttribute('title')).toContain(`— ${HOSTILE}`);
    expect(all(document, '.lane').map((lane) => lane.getAttribute('data-target'))).toContain(HOSTILE);
  });

  test('control characters, a carriage return and bidi overrides are shown, not sent', () => {
    const tricky = 'a\u0000b\u001b[31mc\u0007d\re\u202ef\u0085g\ud800h';
    const { document: page } = render(withCheck(incidentReport(), 'db-listen', { reason: tricky, notes: ['tab\there\nnewline'] }));
    const failed = one(page, 'details[data-check="db-listen"]');
    expect(text(failed, '.summary-reason')).toBe('a\\x00b\\x1b[31mc\\x07d\\re\\u202Ef\\x85g\\uD800h');
    expect(text(failed, 'li.note')).toBe('tab\there\nnewline');
  });
});

// ---- In a browser: headless Chromium --------------------------------------------------------------

const chromiumFound = (await execa('chromium', ['--version'], { reject: false, timeout: 30_000 }).catch(() => ({ exitCode: 1 }))).exitCode === 0;
const onCi = Boolean(process.env['CI']);
if (!chromiumFound && !onCi) process.stderr.write('[html reporter] not rendering in a browser: chromium is not installed (apt-get install chromium)\n');

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', '--disable-crash-reporter', '--disable-extensions', '--enable-logging=stderr', '--v=0'];

/** Chromium in a process group of its own, killed whole afterwards: its helpers must not outlive the test. */
const chromium = async (args: readonly string[]): Promise<{ stdout: string; stderr: string }> => {
  const profile = mkdtempSync(join(tmpdir(), 'runbook-html-chromium-'));
  const browser = execa('chromium', [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args], { timeout: 60_000, detached: true, reject: false, stdin: 'ignore' });
  try {
    const result = await browser;
    expect(result.timedOut, 'chromium timed out').toBe(false);
    return { stdout: String(result.stdout), stderr: String(result.stderr) };
  } finally {
    try {
      if (browser.pid !== undefined) process.kill(-browser.pid, 'SIGKILL');
    } catch {
      // The group is gone already: every helper ended with the browser.
    }
    rmSync(profile, { recursive: true, force: true });
  }
};

/** What the page itself said to the browser's console, or was refused by its policy. */
const consoleLines = (stderr: string): string[] => stderr.split('\n').filter((line) => /:CONSOLE|Content Security Policy/.test(line));

const workDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-html-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

describe.skipIf(!chromiumFound && !onCi)(`html reporter: in headless Chromium${chromiumFound ? '' : ' [skipped: chromium is not installed]'}`, () => {
  test('draws a realistic report: a screenshot that is not blank, and nothing refused or logged', async () => {
    const dir = workDir();
    writeFileSync(join(dir, 'report.html'), htmlReporter.render(incidentReport(), { colors: false }));
    const png = join(dir, 'report.png');
    const { stderr } = await chromium([`--screenshot=${png}`, '--window-size=1280,1600', `file://${join(dir, 'report.html')}`]);
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // A blank 1280x1600 page compresses to a few KB; this one, with text and colour, is far larger.
    expect(statSync(png).size).toBeGreaterThan(60_000);
    expect(consoleLines(stderr)).toEqual([]);
  }, 90_000);

  test('finds nothing to run or fetch in a page full of hostile text', async () => {
    const dir = workDir();
    writeFileSync(join(dir, 'hostile.html'), htmlReporter.render(filledWith(HOSTILE), { colors: false }));
    const { stdout, stderr } = await chromium(['--dump-dom', `file://${join(dir, 'hostile.html')}`]);
    const { document } = parseHTML(stdout) as unknown as { document: PageElement };
    expect(all(document, 'section.question')).toHaveLength(4);
    expect(all(document, 'script, img')).toEqual([]);
    expect(text(document, 'h1')).toBe(HOSTILE);
    expect(consoleLines(stderr)).toEqual([]);
  }, 90_000);
});
