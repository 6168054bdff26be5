// The machine formats on fleets: JUnit and TAP carry every host as its own test, named by the host
// (JUnit still valid against junit-10.xsd, TAP read back by tap-parser); GitHub groups the hosts
// whose check ended alike into one annotation, and counts hosts in its step summary; the HTML page
// counts hosts per question and names the host of every check row.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { parseHTML } from 'linkedom';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunReport } from '../../src/model/report.js';
import { githubReporter } from '../../src/report/github.js';
import { htmlReporter } from '../../src/report/html.js';
import { junitReporter } from '../../src/report/junit.js';
import { tapReporter } from '../../src/report/tap.js';
import { fleetFinding, fleetReport, namesOf, outcomesOf } from '../helpers/fleet-report.js';
import { parseTap } from '../helpers/tap.js';

const SCREEN = { colors: false };

/** 31 hosts refused (one in six from web001) and 2 timed out, of 200. */
const REFUSED = namesOf(Array.from({ length: 31 }, (_, k) => 1 + 6 * k));
const TIMED_OUT = namesOf([50, 120]);
const REPORT = fleetReport({ hosts: 200, outcomes: { ...outcomesOf(REFUSED, 'refused'), ...outcomesOf(TIMED_OUT, 'timeout') }, findings: [fleetFinding(REFUSED)] });

const ALL_NAMES = namesOf(Array.from({ length: 200 }, (_, k) => k + 1));

// ---- JUnit: validated by xmllint against the schema CI servers use, read back by an XML parser ----

const XSD = fileURLToPath(new URL('../fixtures/junit/junit-10.xsd', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'runbook-fleet-junit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A missing xmllint fails the test, never passes it. */
const xmllint = (xml: string): { status: number | null; messages: string } => {
  const file = join(scratch, 'report.xml');
  writeFileSync(file, xml);
  const result = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  if (result.error) throw new Error(`xmllint could not run (Debian package libxml2-utils): ${result.error.message}`);
  return { status: result.status, messages: result.stderr };
};

interface Testcase {
  readonly name: string;
  readonly failure?: { readonly message: string };
  readonly error?: { readonly message: string };
  readonly 'system-out': string;
}
interface Testsuite {
  readonly id: string;
  readonly tests: string;
  readonly failures: string;
  readonly errors: string;
  readonly testcase: Testcase[];
  readonly 'system-out': string;
}

const suitesOf = (xml: string): Testsuite[] => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, parseTagValue: false, isArray: (name) => name === 'testsuite' || name === 'testcase' });
  return (parser.parse(xml) as { testsuites: { testsuite: Testsuite[] } }).testsuites.testsuite;
};

describe('junit on a fleet', () => {
  const xml = junitReporter.render(REPORT, SCREEN);
  const [question, diagnosis] = suitesOf(xml);

  test('is valid against junit-10.xsd', () => {
    const { status, messages } = xmllint(xml);
    expect(messages).toMatch(/validates/);
    expect(status, messages).toBe(0);
  });

  test('every host is a testcase of its own, named by the host, each name unique', () => {
    const names = question!.testcase.map((testcase) => testcase.name);
    expect(names).toHaveLength(200);
    expect(new Set(names).size).toBe(200);
    expect(names.slice(0, 2)).toEqual(['port-open on web001 (root@10.201.0.1:22)', 'port-open on web002 (root@10.201.0.2:22)']);
    expect(question).toMatchObject({ id: 'web-up', tests: '200', failures: '31', errors: '2' });
  });

  test("a failing host's testcase carries its own reason and evidence, and says which role it is of", () => {
    const web007 = question!.testcase.find((testcase) => testcase.name.startsWith('port-open on web007 '))!;
    expect(web007.failure?.message).toBe('connection to 10.201.0.7 port 80 refused');
    expect(web007['system-out']).toMatch(/^port-open \(command\) on web007 \(root@10\.201\.0\.7:22\) of web: fail\n/);
    expect(web007['system-out']).toContain('$ nc -z -w 2 10.201.0.7 80');
    const web050 = question!.testcase.find((testcase) => testcase.name.startsWith('port-open on web050 '))!;
    expect(web050.error?.message).toBe('timed out after 5 s waiting for web050 (root@10.201.0.50:22)');
  });

  test("the question's suite counts its hosts; the finding names every host it holds on", () => {
    expect(question!['system-out']).toContain('\nhosts: 167/200 pass (require all); 31 fail, 2 error, 0 skipped\n');
    expect(diagnosis!.testcase[0]!['system-out']).toContain(`\non 31 hosts: ${REFUSED.join(', ')}\n`);
    expect(diagnosis!.testcase[0]!['system-out']).toContain('\n  port-open on web001: fail: connection refused');
  });
});

// ---- TAP: read back by node-tap's own parser, strict ----------------------------------------------

describe('tap on a fleet', () => {
  const parsed = parseTap(tapReporter.render(REPORT, SCREEN));
  const hosts = parsed.children[0]!;

  test('one test point per host in the question\'s subtest, each naming its host', () => {
    expect(parsed.results).toMatchObject({ ok: false, count: 1, fail: 1 });
    expect(hosts.results).toMatchObject({ ok: false, count: 200, pass: 167, fail: 33 });
    const names = hosts.asserts.map((point) => point.name);
    expect(names).toEqual(ALL_NAMES.map((name, index) => `port-open on ${name} (root@10.201.0.${index + 1}:22)`));
  });

  test("a failing host's diagnostics name the host and its role; the question's count its hosts", () => {
    expect(hosts.asserts[6]!.diag).toMatchObject({ severity: 'fail', message: 'connection to 10.201.0.7 port 80 refused', host: 'web', target: 'root@10.201.0.7:22', hostName: 'web007' });
    expect(parsed.asserts[0]!.diag).toMatchObject({ hosts: { total: 200, pass: 167, fail: 31, error: 2, skipped: 0 }, require: 'all' });
  });

  test('the finding names every host it holds on', () => {
    expect(parsed.comments).toContain(`#     on 31 hosts: ${REFUSED.join(', ')}\n`);
    expect(parsed.comments).toContain('#     based on: port-open on web001 (fail)\n');
  });
});

// ---- GitHub: workflow commands, grouped; the step summary ---------------------------------------

interface WorkflowCommand {
  readonly name: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly message: string;
}

/** As the runner reads a workflow command (see test/report/github.test.ts for the reference). */
const parseCommand = (line: string): WorkflowCommand => {
  const end = line.indexOf('::', 2);
  const info = line.slice(2, end);
  const space = info.indexOf(' ');
  const pairs = space < 0 ? [] : info.slice(space + 1).split(',');
  const unescape = (text: string): string => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const properties = Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), unescape(pair.slice(pair.indexOf('=') + 1))]));
  return { name: space < 0 ? info : info.slice(0, space), properties, message: unescape(line.slice(end + 2)) };
};

const commandsOf = (report: RunReport): WorkflowCommand[] => githubReporter.render(report, SCREEN).trimEnd().split('\n').map(parseCommand);

describe('github on a fleet', () => {
  test('hosts whose check ended alike are one annotation, naming how many and the first of them', () => {
    const commands = commandsOf(REPORT);
    expect(commands.map((command) => [command.name, command.properties.title])).toEqual([
      ['error', 'port-open failed on 31 hosts: Does every web host answer?'],
      ['error', 'port-open could not check on 2 hosts: Does every web host answer?'],
      ['notice', 'Diagnosis: nginx-down'],
      ['notice', 'runbook: fail, exit code 1'],
    ]);
    expect(commands[0]!.message.split('\n').slice(0, 4)).toEqual([
      'connection to HOST port 80 refused',
      `on 31 hosts: ${REFUSED.slice(0, 20).join(', ')}, … and 11 more`,
      'e.g. web001 (root@10.201.0.1:22): connection to 10.201.0.1 port 80 refused',
      'exit_code expected 0, got 1',
    ]);
    expect(commands[1]!.message.split('\n').slice(0, 2)).toEqual(['timed out after 5 s waiting for HOST', 'on 2 hosts: web050, web120']);
  });

  test('200 hosts failing alike stay within the annotations GitHub shows', () => {
    const report = fleetReport({ hosts: 200, outcomes: outcomesOf(ALL_NAMES, 'refused') });
    const errors = commandsOf(report).filter((command) => command.name === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.properties.title).toBe('port-open failed on 200 hosts: Does every web host answer?');
  });

  test('a host failing alone is annotated as any check, naming the host', () => {
    const [error] = commandsOf(fleetReport({ hosts: 10, outcomes: { web004: 'refused' } }));
    expect(error!.properties.title).toBe('port-open failed: Does every web host answer?');
    expect(error!.message.split('\n').slice(0, 3)).toEqual(['connection to 10.201.0.4 port 80 refused', 'exit_code expected 0, got 1', 'on web004 (root@10.201.0.4:22)']);
  });

  test('the step summary counts hosts for the question, and groups the hosts that did not pass', () => {
    const summary = githubReporter.stepSummary(REPORT).split('\n');
    expect(summary).toContain('| ❌ fail | Does every web host answer? (web-up) | 167/200 hosts |');
    expect(summary).toContain(`❌ **port-open** on 31 hosts (${REFUSED.slice(0, 20).join(', ')}, … and 11 more): connection to HOST port 80 refused`);
    expect(summary).toContain('⚠️ **port-open** on 2 hosts (web050, web120): timed out after 5 s waiting for HOST');
    expect(summary).toContain('<details><summary>Evidence of web001 (root@10.201.0.1:22)</summary>');
    expect(summary).toContain(`  - On 31 hosts: ${REFUSED.join(', ')}`);
    expect(summary.filter((line) => line.startsWith('<details>'))).toHaveLength(2);
  });
});

// ---- HTML: the host count per question, the host in every check row, still self-contained ----------

interface PageElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

describe('html on a fleet', () => {
  const page = htmlReporter.render(REPORT, SCREEN);
  const { document } = parseHTML(page) as unknown as { document: PageElement };
  const rows = [...document.querySelectorAll('details.check')];

  test('the question says how many of its hosts passed', () => {
    const tag = document.querySelector('section.question h3 [data-hosts-total]');
    expect(tag?.textContent).toBe('167/200 hosts pass (require all)');
    expect(tag?.getAttribute('data-hosts-pass')).toBe('167');
  });

  test('every host has its check row, named by the host', () => {
    expect(rows.map((row) => row.getAttribute('data-host'))).toEqual(ALL_NAMES);
    expect(rows[6]!.querySelector('.where')?.textContent).toBe('web007 (root@10.201.0.7:22)');
    expect(rows[6]!.querySelector('dl.facts dd')?.textContent).toBe('web007 root@10.201.0.7:22 of web');
  });

  test("the finding names every host, and links its evidence to that host's row", () => {
    expect(document.querySelector('article.finding .finding-hosts')?.textContent).toBe(REFUSED.join(', '));
    // Resting on web007's check, not on the first host's:
    const later = parseHTML(htmlReporter.render({ ...REPORT, diagnosis: [fleetFinding(REFUSED.slice(1))] }, SCREEN)) as unknown as { document: PageElement };
    const link = later.document.querySelector('article.finding ul.rests-on a');
    expect(link?.getAttribute('href')).toBe(`#${rows[6]!.getAttribute('id')}`);
    expect(link?.textContent).toBe('port-open on web007');
  });

  test('stays self-contained: the same Content-Security-Policy, no script, nothing fetched', () => {
    const policy = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content');
    expect(policy).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'");
    expect(page).not.toMatch(/<script|<link|src=|url\(/i);
  });
});
