// The human reporter on fleets: a question over 200 hosts reads as a handful of lines, the hosts
// whose check ended alike grouped with one host's evidence as the example; --verbose lists every
// host; findings name their hosts; and a report of single hosts reads exactly as it always has.
import { describe, expect, test } from 'vitest';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { humanReporter } from '../../src/report/human.js';
import { HOST_PLACEHOLDER, groupHosts, withoutHostNames } from '../../src/report/host-groups.js';
import { fleetFinding, fleetReport, hostCheck, namesOf, outcomesOf, type HostOutcome } from '../helpers/fleet-report.js';
import { evidence, reportOf } from '../helpers/report-fixture.js';

const render = (report: RunReport, verbose = false): string => humanReporter.render(report, { colors: false, verbose });

/** 31 hosts refused, one in six from web001: a scattered fault, as a bad deploy to some hosts leaves. */
const REFUSED = namesOf(Array.from({ length: 31 }, (_, k) => 1 + 6 * k));
const TIMED_OUT = namesOf([50, 120]);

const twoHundred = (extra: Readonly<Record<string, HostOutcome>> = {}): RunReport =>
  fleetReport({ hosts: 200, outcomes: { ...outcomesOf(REFUSED, 'refused'), ...outcomesOf(TIMED_OUT, 'timeout'), ...extra } });

/** The question's lines only: between the runbook's header and the blank line after its questions. */
const questionBlock = (text: string): string[] => text.split('\n').slice(1, text.split('\n').indexOf(''));

/** Gives these hosts' checks another reason, for a second group of the same check and status. */
const withReason = (report: RunReport, hosts: readonly string[], reason: (check: CheckResult) => string): RunReport => ({
  ...report,
  questions: report.questions.map((question) => ({
    ...question,
    checks: question.checks.map((check) => (hosts.includes(check.hostName ?? '') ? { ...check, reason: reason(check) } : check)),
  })),
});

describe('a question over 200 hosts', () => {
  test('31 refused and 2 timed out read as two groups, each with its first host as the example', () => {
    const text = render(twoHundred());
    expect(text).toBe(
      [
        'Web fleet  (runbooks/fleet.yaml)',
        'FAIL  web-up  Does every web host answer?  167/200 hosts pass (require all)',
        '    FAIL  port-open on 31 hosts (web001, web007, web013, web019, web025, web031, web037, web043, web049, web055, web061, web067, web073, web079, web085, web091, web097, web103, web109, web115, … and 11 more): connection to HOST port 80 refused',
        '          e.g. web001:',
        '            $ nc -z -w 2 10.201.0.1 80',
        '            exit 1 (general error) after 12 ms on web (root@10.201.0.1:22)',
        '            stderr:',
        '              nc: connect to 10.201.0.1 port 80 (tcp) failed: Connection refused',
        '            hint: start nginx: systemctl start nginx',
        '    ERROR port-open on 2 hosts (web050, web120): timed out after 5 s waiting for HOST',
        '          e.g. web050:',
        '            $ nc -z -w 2 10.201.0.50 80',
        '            no exit code after 5000 ms on web (root@10.201.0.50:22)',
        '    hint: the load balancer drops a host that does not answer on :80',
        '',
        '1 question: 0 pass, 1 fail, 0 error, 0 skipped; 200 checks: 167 pass, 31 fail, 2 error, 0 skipped; 6.5 s',
        'Result: FAIL, exit code 1',
        '',
      ].join('\n'),
    );
    expect(text.split('\n').length).toBeLessThan(40);
  });

  test('--verbose lists every host on its own line: passes in one line each, the others with their evidence', () => {
    const text = render(twoHundred(), true);
    const hostLines = text.split('\n').filter((line) => /^ {4}(PASS |FAIL |ERROR) port-open on web\d{3} \(root@10\.201\.\d+\.\d+:22\)/.test(line));
    expect(hostLines).toHaveLength(200);
    expect(new Set(hostLines.map((line) => /web\d{3}/.exec(line)?.[0])).size).toBe(200);
    expect(questionBlock(text).slice(0, 9)).toEqual([
      'FAIL  web-up  Does every web host answer?  167/200 hosts pass (require all)',
      '    FAIL  port-open on web001 (root@10.201.0.1:22): connection to 10.201.0.1 port 80 refused',
      '          $ nc -z -w 2 10.201.0.1 80',
      '          exit 1 (general error) after 12 ms on web (root@10.201.0.1:22)',
      '          stderr:',
      '            nc: connect to 10.201.0.1 port 80 (tcp) failed: Connection refused',
      '          hint: start nginx: systemctl start nginx',
      '    PASS  port-open on web002 (root@10.201.0.2:22)',
      '    PASS  port-open on web003 (root@10.201.0.3:22)',
    ]);
    expect(text).not.toMatch(/ on \d+ hosts/);
  });

  test('a question whose hosts all pass is one line, with its count', () => {
    expect(questionBlock(render(fleetReport({ hosts: 200 })))).toEqual(['PASS  web-up  Does every web host answer?  200/200 hosts pass (require all)']);
  });

  test('a question that passes by its require: still lists the hosts that did not', () => {
    const report = fleetReport({ hosts: 50, require: '90%', outcomes: outcomesOf(namesOf([3, 4]), 'refused') });
    expect(questionBlock(render(report)).slice(0, 3)).toEqual([
      'PASS  web-up  Does every web host answer?  48/50 hosts pass (require at least 90%)',
      '    FAIL  port-open on 2 hosts (web003, web004): connection to HOST port 80 refused',
      '          e.g. web003:',
    ]);
  });
});

describe('groups', () => {
  test('a group of one host reads as a check of its own, naming the host, with its evidence', () => {
    expect(questionBlock(render(fleetReport({ hosts: 10, outcomes: { web004: 'refused' } })))).toEqual([
      'FAIL  web-up  Does every web host answer?  9/10 hosts pass (require all)',
      '    FAIL  port-open on web004 (root@10.201.0.4:22): connection to 10.201.0.4 port 80 refused',
      '          $ nc -z -w 2 10.201.0.4 80',
      '          exit 1 (general error) after 12 ms on web (root@10.201.0.4:22)',
      '          stderr:',
      '            nc: connect to 10.201.0.4 port 80 (tcp) failed: Connection refused',
      '          hint: start nginx: systemctl start nginx',
      '    hint: the load balancer drops a host that does not answer on :80',
    ]);
  });

  test('fail, error, skipped, then retried passes; within a status the larger group first, then the first seen', () => {
    const outcomes = {
      ...outcomesOf(namesOf([1, 2]), 'skipped'),
      ...outcomesOf(namesOf([3, 4, 5]), 'timeout'),
      ...outcomesOf(namesOf([6, 7, 8, 9, 10]), 'refused'),
      ...outcomesOf(namesOf([11, 12]), 'retried'),
    };
    // web006 and web007 refused on port 443 instead: a second, smaller failing group seen first.
    const report = withReason(fleetReport({ hosts: 20, outcomes }), namesOf([6, 7]), (check) => `connection to ${check.target.replace(/^root@|:22$/g, '')} port 443 refused`);
    const heads = questionBlock(render(report)).filter((line) => /^ {4}\S/.test(line));
    expect(heads).toEqual([
      '    FAIL  port-open on 3 hosts (web008, web009, web010): connection to HOST port 80 refused',
      '    FAIL  port-open on 2 hosts (web006, web007): connection to HOST port 443 refused',
      '    ERROR port-open on 3 hosts (web003, web004, web005): timed out after 5 s waiting for HOST',
      '    SKIP  port-open on 2 hosts (web001, web002): dependency "ssh-up" failed',
      '    PASS  port-open on 2 hosts (web011, web012): passed on attempt 2 of 3',
      '    hint: the load balancer drops a host that does not answer on :80',
    ]);
  });

  test('skipped and retried groups have no example: a skip has no evidence, a pass needs none', () => {
    const text = render(fleetReport({ hosts: 5, outcomes: { ...outcomesOf(namesOf([1, 2]), 'skipped'), ...outcomesOf(namesOf([3, 4]), 'retried') } }));
    expect(questionBlock(text)).toEqual([
      'SKIP  web-up  Does every web host answer?  3/5 hosts pass (require all)',
      '    SKIP  port-open on 2 hosts (web001, web002): dependency "ssh-up" failed',
      '    PASS  port-open on 2 hosts (web003, web004): passed on attempt 2 of 3',
      '    hint: the load balancer drops a host that does not answer on :80',
    ]);
  });

  test('twenty host names are listed; past twenty the rest are counted', () => {
    const headOf = (failing: number): string =>
      questionBlock(render(fleetReport({ hosts: 30, outcomes: outcomesOf(namesOf(Array.from({ length: failing }, (_, k) => k + 1)), 'refused') })))[1]!;
    expect(headOf(20)).toBe(`    FAIL  port-open on 20 hosts (${namesOf(Array.from({ length: 20 }, (_, k) => k + 1)).join(', ')}): connection to HOST port 80 refused`);
    expect(headOf(21)).toBe(`    FAIL  port-open on 21 hosts (${namesOf(Array.from({ length: 20 }, (_, k) => k + 1)).join(', ')}, … and 1 more): connection to HOST port 80 refused`);
  });

  test('hosts group by check, status and reason: the same words with other numbers are another group', () => {
    const checks = [hostCheck(1, 'refused'), hostCheck(2, 'refused'), hostCheck(3, 'timeout'), { ...hostCheck(4, 'refused'), reason: 'connection to 10.201.0.4 port 8080 refused' }];
    expect(groupHosts(checks).map((group) => [group.checks.map((check) => check.hostName), group.statement])).toEqual([
      [['web001', 'web002'], 'connection to HOST port 80 refused'],
      [['web004'], 'connection to HOST port 8080 refused'],
      [['web003'], 'timed out after 5 s waiting for HOST'],
    ]);
  });

  test('a reason that names the host before saying what happened (the transport\'s) reads as what happened, once for the group', () => {
    const unreachable = (n: number): CheckResult => ({ ...hostCheck(n, 'timeout'), status: 'error', reason: `web00${n} (root@10.201.0.${n}:22): host unreachable` });
    expect(groupHosts([unreachable(1), unreachable(2)]).map((group) => [group.checks.length, group.statement])).toEqual([[2, 'host unreachable']]);
  });
});

describe("a host's own names in a reason", () => {
  const on = (hostName: string, target: string): CheckResult => ({ ...hostCheck(1), hostName, target });

  test.each([
    ['web1', 'root@10.0.0.1:22', 'web1 refused; web10 answered', `${HOST_PLACEHOLDER} refused; web10 answered`],
    ['web1', 'root@10.0.0.1:22', 'no route to 10.0.0.1, tried 10.0.0.12', 'no route to HOST, tried 10.0.0.12'],
    ['web1', 'root@10.0.0.1:22', 'ssh root@10.0.0.1:22: refused by web1.', 'ssh HOST: refused by HOST.'],
    ['db6', 'admin@[fe80::6]:2222', 'ssh admin@[fe80::6]:2222 timed out; fe80::6 is down', 'ssh HOST timed out; HOST is down'],
    ['web1', 'web1.example.com', 'web1.example.com has no A record', 'HOST has no A record'],
  ])('%s at %s: %j reads %j', (hostName, target, reason, expected) => {
    expect(withoutHostNames(reason, on(hostName, target))).toBe(expected);
  });
});

describe('findings', () => {
  const diagnosis = (hosts: readonly string[]): string[] => {
    const text = render(fleetReport({ hosts: 50, outcomes: outcomesOf(hosts, 'refused'), findings: [fleetFinding(hosts)] }));
    const lines = text.split('\n');
    return lines.slice(lines.indexOf('Diagnosis'), lines.indexOf('Diagnosis') + 4);
  };

  test('a finding about a fleet names the hosts it holds on', () => {
    expect(diagnosis(['web007', 'web031', 'web040'])).toEqual([
      'Diagnosis',
      '- nginx-down (3 hosts: web007, web031, web040): nginx does not listen on :80',
      '    based on: port-open on web007 (fail)',
      '    hint: systemctl start nginx',
    ]);
  });

  test('one host, and past ten hosts the rest as "…"', () => {
    expect(diagnosis(['web007'])[1]).toBe('- nginx-down (1 host: web007): nginx does not listen on :80');
    const twelve = namesOf(Array.from({ length: 12 }, (_, k) => k + 1));
    expect(diagnosis(twelve)[1]).toBe(`- nginx-down (12 hosts: ${twelve.slice(0, 10).join(', ')}, …): nginx does not listen on :80`);
  });
});

test('a shard says that its report holds part of the hosts', () => {
  const lines = render(fleetReport({ hosts: 4, shard: { index: 2, total: 3 } })).split('\n');
  expect(lines.at(-4)).toBe('Shard 2/3: this report holds that part of the hosts; merge-reports joins the parts');
});

describe('single hosts, as before fleets', () => {
  const report = reportOf(
    {
      'http-ok': { status: 'fail', reason: 'exit 7', hint: 'check nginx', evidence: [evidence('a\nb\nc\nd\ne\nf\ng\nh\ni\nj', 'oops')] },
      'ping-db': { status: 'error', reason: 'timeout' },
      'db-listen': { status: 'skipped', reason: 'dependency' },
      'ping-only': { status: 'fail', reason: 'filtered' },
    },
    { findings: [{ runbook: 'runbooks/web.yaml', id: 'db-down', message: 'the database is down', hint: 'start it', evidence: [{ check: 'db-listen', status: 'fail', reason: 'nothing listens' }] }] },
  );
  const TODAY = [
    'Web service  (runbooks/web.yaml)',
    'FAIL  web-up   Is the web server up?',
    '    FAIL  http-ok on server (local): exit 7',
    '          $ ss -ltn',
    '          exit 1 (general error) after 12 ms on db (admin@10.0.0.5)',
    '          stdout:',
    ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((line) => `            ${line}`),
    '            … 2 more lines (see --reporter json)',
    '          stderr:',
    '            oops',
    '          hint: check nginx',
    '    ERROR ping-db (informational) on db (admin@10.0.0.5): timeout',
    'SKIP  db-port  Does the database listen?',
    '    SKIP  db-listen on db (admin@10.0.0.5): dependency',
    'FAIL  icmp     Is ICMP allowed?',
    '    FAIL  ping-only (informational) on db (admin@10.0.0.5): filtered',
    'PASS  disk     Is there disk space?',
    '',
    'Diagnosis',
    '- db-down: the database is down',
    '    based on: db-listen (fail)',
    '    hint: start it',
    '',
    '4 questions: 1 pass, 2 fail, 0 error, 1 skipped; 6 checks: 2 pass, 2 fail, 1 error, 1 skipped; 1.2 s',
    'Result: FAIL, exit code 1',
    '',
  ].join('\n');

  test('read exactly as they did, with or without --verbose', () => {
    expect(render(report)).toBe(TODAY);
    expect(render(report, true)).toBe(TODAY);
  });
});

test('a text that spans lines (a probe script, a hint or a finding written as a YAML block) stands under its first line', () => {
  const script = { ...evidence('1796598822'), command: 'f=/etc/hosts\ndate +%s || exit\nstat -L -c %a -- "$f"' };
  const report = reportOf(
    { 'http-ok': { status: 'fail', reason: 'mode expected to equal "0644", got "0755"', hint: 'chmod 644 /etc/hosts\nthen run again', evidence: [script] } },
    { findings: [{ runbook: 'runbooks/web.yaml', id: 'perms', message: 'the file is open', hint: 'chmod it\nand check who changed it', evidence: [{ check: 'http-ok', status: 'fail' }] }] },
  );
  const lines = render(report).split('\n');
  const at = lines.indexOf('          $ f=/etc/hosts');
  expect(lines.slice(at, at + 3)).toEqual(['          $ f=/etc/hosts', '            date +%s || exit', '            stat -L -c %a -- "$f"']);
  const hint = lines.indexOf('          hint: chmod 644 /etc/hosts');
  expect(lines[hint + 1]).toBe('                then run again');
  const findingHint = lines.indexOf('    hint: chmod it');
  expect(lines[findingHint + 1]).toBe('          and check who changed it');
});
