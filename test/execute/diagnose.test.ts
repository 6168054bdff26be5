// Diagnosis rules over what a run observed: which findings hold, what they say, what they rest on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeMissingTools, diagnose } from '../../src/execute/diagnose.js';
import type { CheckRun } from '../../src/execute/run-check.js';
import type { MatchValue } from '../../src/model/matcher.js';
import type { Status } from '../../src/model/outcome.js';
import { loadRunbookText } from '../../src/runbook/load.js';
import { ROOT } from '../helpers/run-cli.js';

const RUNBOOK = `version: 1
title: t
vars:
  port: 3306
hosts:
  client: local
  server: local
questions:
  - id: q
    title: Q
    checks:
      - { id: ping-server, on: client, run: ping, informational: true }
      - { id: tcp-server, on: client, run: nc }
      - { id: listen, on: server, run: lsof }
diagnosis:
  - id: icmp-filtered
    when:
      all:
        - { check: ping-server, status: fail }
        - { check: tcp-server, status: pass }
    finding: ping to the server fails but TCP answers on \${vars.port}
  - id: loopback
    when: { check: listen, field: stdout, matches: { contains: '127.0.0.1:' } }
    finding: 'listens on \${fields.listen.stdout} only'
    hint: set bind-address
  - id: tools
    when: { tool_missing: true }
    finding: 'missing: \${tools.missing}'
  - id: not-listening
    when: { not: { check: listen, status: [pass, skipped] } }
    finding: listen did not pass
`;

const runbook = loadRunbookText('t.yaml', RUNBOOK).runbook!;

const run = (id: string, status: Status, fields: Record<string, MatchValue> = {}, missingTools: { tool: string; host: string }[] = []): CheckRun => ({
  result: {
    id, question: 'q', kind: 'command', host: 'h', target: 'local', status, durationMs: 1, evidence: [], expectations: [],
    captures: {}, observed: {}, missingTools, informational: false, notes: [], startedAt: '2026-01-01T00:00:00.000Z', location: { file: 't.yaml', line: 1, col: 1 }, ...(status === 'pass' ? {} : { reason: `${id} ${status}` }),
  },
  fields,
  captures: {},
});

const ids = (runs: CheckRun[]) => diagnose(runbook, runs).map((finding) => finding.id);

describe('diagnose', () => {
  test('no finding when everything is as expected', () => {
    expect(ids([run('ping-server', 'pass'), run('tcp-server', 'pass'), run('listen', 'pass', { stdout: '*:3306' })])).toEqual([]);
  });

  test('a rule over statuses: ping fails, TCP answers', () => {
    const [finding] = diagnose(runbook, [run('ping-server', 'fail'), run('tcp-server', 'pass'), run('listen', 'pass', { stdout: '*:3306' })]);
    expect(finding).toEqual({
      runbook: 't.yaml',
      id: 'icmp-filtered',
      message: 'ping to the server fails but TCP answers on 3306',
      evidence: [{ check: 'ping-server', status: 'fail', reason: 'ping-server fail' }, { check: 'tcp-server', status: 'pass' }],
    });
  });

  test('both failing is not "ICMP filtered"', () => {
    expect(ids([run('ping-server', 'fail'), run('tcp-server', 'fail'), run('listen', 'pass', { stdout: '' })])).toEqual([]);
  });

  test('a rule over an observed field, with the value in the sentence and the hint', () => {
    const findings = diagnose(runbook, [run('ping-server', 'pass'), run('tcp-server', 'pass'), run('listen', 'pass', { stdout: '127.0.0.1:3306\n' })]);
    expect(findings).toEqual([expect.objectContaining({ id: 'loopback', message: 'listens on 127.0.0.1:3306 only', hint: 'set bind-address' })]);
  });

  test('a skipped check has no value: field conditions on it are false', () => {
    expect(ids([run('ping-server', 'pass'), run('tcp-server', 'pass'), run('listen', 'skipped', { stdout: '127.0.0.1:3306' })])).toEqual([]);
  });

  test('not, over a status list', () => {
    expect(ids([run('ping-server', 'pass'), run('tcp-server', 'pass'), run('listen', 'error')])).toEqual(['not-listening']);
  });

  test('missing tools are gathered from every check, per host', () => {
    const runs = [
      run('ping-server', 'pass', {}, [{ tool: 'nc', host: 'client' }]),
      run('tcp-server', 'pass', {}, [{ tool: 'nmap', host: 'client' }, { tool: 'nc', host: 'client' }]),
      run('listen', 'pass', { stdout: '*:3306' }, [{ tool: 'lsof', host: 'server' }]),
    ];
    expect(describeMissingTools(runs)).toBe('nc, nmap on client; lsof on server');
    const [finding] = diagnose(runbook, runs);
    expect(finding).toMatchObject({ id: 'tools', message: 'missing: nc, nmap on client; lsof on server' });
    expect(finding!.evidence.map((item) => item.check)).toEqual(['ping-server', 'tcp-server', 'listen']);
  });
});

describe('the shipped runbook never contradicts its evidence', () => {
  const shipped = loadRunbookText('mysql-connectivity.yaml', readFileSync(join(ROOT, 'runbooks/mysql-connectivity.yaml'), 'utf8')).runbook!;

  test('no process by that name, but the client\'s TCP connect opens: not "service-down" (connections are not refused)', () => {
    const runs = [run('db-process', 'fail', { count: 0 }), run('client-connect', 'pass', { state: 'open' })];
    expect(diagnose(shipped, runs).map((finding) => finding.id)).toEqual([]);
    const refused = [run('db-process', 'fail', { count: 0 }), run('client-connect', 'fail', { state: 'refused' })];
    expect(diagnose(shipped, refused).map((finding) => finding.id)).toEqual(['service-down']);
  });

  test('loopback only, but the client connects anyway (a proxy, a NAT): not "bound-to-loopback"', () => {
    const runs = [run('pid-listens', 'fail', { scope: 'loopback' }), run('client-connect', 'pass', { state: 'open' })];
    expect(diagnose(shipped, runs).map((finding) => finding.id)).toEqual([]);
  });

  test('refused where it listens, and nmap says filtered (an ICMP reject): port-rejected, never port-filtered\'s "no answer at all"; bound elsewhere, bound-elsewhere', () => {
    const listens = run('pid-listens', 'pass', { scope: 'any', addresses: '0.0.0.0:3306', count: 1 });
    const reach = run('tcp-reach-server', 'pass', { state: 'open' });
    const rejected = diagnose(shipped, [listens, reach, run('client-connect', 'fail', { state: 'refused' }), run('client-scan', 'fail', { state: 'filtered' })]);
    expect(rejected.map((finding) => finding.id)).toEqual(['port-rejected']);
    expect(rejected[0]!.message).toMatch(/^the database listens on 0\.0\.0\.0:3306 and the client reaches the server, yet its connection to port 3306 is turned away \(refused\)/);
    const dropped = diagnose(shipped, [listens, reach, run('client-connect', 'fail', { state: 'filtered' }), run('client-scan', 'fail', { state: 'filtered' })]);
    expect(dropped.map((finding) => finding.id)).toEqual(['port-filtered']);
    // Bound to another address of the server: the kernel refuses, no firewall is to blame.
    const elsewhere = run('pid-listens', 'pass', { scope: 'specific', addresses: '10.0.0.9:3306', count: 1 });
    expect(diagnose(shipped, [elsewhere, reach, run('client-connect', 'fail', { state: 'refused' })]).map((finding) => finding.id)).toEqual(['bound-elsewhere']);
    const onItsOwn = run('pid-listens', 'pass', { scope: 'specific', addresses: '10.200.0.82:3306', count: 1 });
    expect(diagnose(shipped, [onItsOwn, reach, run('client-connect', 'fail', { state: 'refused' })]).map((finding) => finding.id)).toEqual(['port-rejected']);
  });

  test('a hung server: the finding carries the process state when the server could be read, and says so when not', () => {
    const hung = run('client-query', 'fail', { state: 'no-greeting', greeting_ms: 2001 });
    const [withProcess] = diagnose(shipped, [hung, run('db-process', 'pass', { names: 'mysqld', pids: '68', states: 'T (stopped)' })]);
    expect(withProcess!.message).toMatch(/nothing in 2001 ms.*mysqld pid 68 is in state T \(stopped\)$/s);
    const [withoutProcess] = diagnose(shipped, [hung, run('db-process', 'error')]);
    expect(withoutProcess!.message).toMatch(/is in state \(not observed\)$/);
  });

  test('a field of several lines is quoted as a list, and an empty one as (none): a finding never breaks off mid-sentence', () => {
    const refused = run('client-connect', 'fail', { state: 'refused' });
    const both = diagnose(shipped, [run('pid-listens', 'fail', { scope: 'loopback', addresses: '127.0.0.1:3306\n[::1]:3306\n' }), refused]);
    expect(both[0]!.message).toMatch(/^the database listens on 127\.0\.0\.1:3306, \[::1\]:3306 only: local connections work/);
    const none = diagnose(shipped, [run('pid-listens', 'fail', { scope: 'loopback', addresses: ' ' }), refused]);
    expect(none[0]!.message).toMatch(/^the database listens on \(none\) only:/);
  });

  test.each([
    [1045, 'access-denied'], [1698, 'access-denied'], [1040, 'too-many-connections'], [1226, 'user-connection-limit'], [1203, 'user-connection-limit'],
    [4151, 'account-locked'], [1862, 'password-expired'], [1049, 'database-missing'], [1251, undefined],
  ])('login refused with %i: %s', (code, id) => {
    const findings = diagnose(shipped, [run('client-query', 'fail', { state: 'login-refused', phase: 'login', error_code: code, error: 'the words' })]);
    expect(findings.map((finding) => finding.id)).toEqual(id ? [id] : []);
  });

  test('at the query: an expired password is not a failed query; a stalled query is blocked only when the server showed a lock', () => {
    const atQuery = (fields: Record<string, unknown>) => diagnose(shipped, [run('client-query', 'fail', { phase: 'query', error: 'the words', waiting: '', ...fields })]).map((finding) => finding.id);
    expect(atQuery({ state: 'server-error', error_code: 1820 })).toEqual(['password-expired']);
    expect(atQuery({ state: 'server-error', error_code: 1146 })).toEqual(['query-failed']);
    expect(atQuery({ state: 'query-timeout', error_code: null, waiting: 'Waiting for table metadata lock' })).toEqual(['query-blocked']);
    expect(atQuery({ state: 'query-timeout', error_code: null, waiting: 'Sending data' })).toEqual(['query-slow']);
    // Not asked (the mariadb client's path, or no time left): neither blocked nor slow, and it says why.
    const [unasked, ...more] = diagnose(shipped, [run('client-query', 'fail', { state: 'query-timeout', phase: 'query', error: 'the client got no answer within 12 s', waiting: '' })]);
    expect(more).toEqual([]);
    expect(unasked!.id).toBe('query-unanswered');
    expect(unasked!.message).toMatch(/^the app logs in, but its query does not return: the client got no answer within 12 s\. What the server was doing could not be asked/);
  });
});

describe('the shipped dns-resolution runbook names what the nameserver answered', () => {
  const shipped = loadRunbookText('dns-resolution.yaml', readFileSync(join(ROOT, 'runbooks/dns-resolution.yaml'), 'utf8')).runbook!;
  const asked = (state: string) => diagnose(shipped, [run('ask-nameserver', 'fail', { state }), run('resolve-name', 'fail', { state: 'not-found' })]).map((finding) => finding.id);

  test.each([
    ['servfail', 'resolver-servfail'], ['refused', 'resolver-refuses'], ['nxdomain', 'name-missing'], ['timeout', 'resolver-filtered'],
    ['connection-refused', 'resolver-down'], ['formerr', undefined],
  ])('%s: %s, and nothing else', (state, id) => {
    expect(asked(state)).toEqual(id ? [id] : []);
  });
});
