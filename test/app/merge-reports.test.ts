// `merge-reports` on reports built by hand: shards of a fleet joined give the verdict one run over
// all the hosts gives, `require:` counts the hosts of every shard, what every shard ran is kept once,
// findings are joined, the exit code is the whole run's, and every wrong set of inputs is refused
// with one line per problem naming the file.
import { describe, expect, test } from 'vitest';
import { mergeReports, type ReportFile } from '../../src/app/merge-reports.js';
import { formatDiagnostic, InputError } from '../../src/errors/diagnostic.js';
import { countStatuses, exitCodeFor, questionVerdict, worstStatus } from '../../src/execute/verdict.js';
import type { Status } from '../../src/model/outcome.js';
import type { CheckResult, Finding, QuestionResult, RunReport } from '../../src/model/report.js';
import { checkResultWith } from '../helpers/check-result.js';
import { describeFleet } from '../../src/model/host-address.js';

const START = '2026-03-01T10:00:00.000Z';

/** `START` plus some seconds. */
const at = (seconds: number): string => new Date(Date.parse(START) + seconds * 1000).toISOString();

interface CheckSpec {
  readonly status?: Status;
  readonly reason?: string;
  /** On the fleet role `web`; without it, on the single host `db`. */
  readonly hostName?: string;
  readonly startedAt?: string;
}

const checkResult = (id: string, { status = 'pass', reason, hostName, startedAt = START }: CheckSpec = {}): CheckResult =>
  checkResultWith({
    id,
    question: 'q',
    host: hostName ? 'web' : 'db',
    target: hostName ? `root@${hostName}` : 'admin@db1',
    ...(hostName ? { hostName } : {}),
    status,
    ...(status === 'pass' ? {} : { reason: reason ?? `${id} did not pass` }),
    durationMs: 5,
    startedAt,
    location: { file: 'web.yaml', line: 10, col: 9 },
  });

/** Check `id` on each of `hosts`, passing unless `outcomes` says otherwise for that host. */
const onHosts = (id: string, hosts: readonly string[], outcomes: Readonly<Record<string, Omit<CheckSpec, 'hostName'>>> = {}): CheckResult[] =>
  hosts.map((hostName) => checkResult(id, { hostName, ...outcomes[hostName] }));

const hostNames = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, index) => `web${String(from + index).padStart(2, '0')}`);

interface QuestionSpec {
  readonly runbook?: string;
  readonly require?: string;
  readonly severity?: 'warning';
  readonly hint?: string;
}

/** A question as a run reports it: its verdict over the checks it has. */
const question = (id: string, checks: readonly CheckResult[], { runbook = 'web.yaml', require, severity, hint }: QuestionSpec = {}): QuestionResult => {
  const verdict = questionVerdict(checks, require);
  return {
    runbook,
    id,
    title: `Question ${id}?`,
    status: verdict.status,
    ...(severity ? { severity } : {}),
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    ...(verdict.status !== 'pass' && hint ? { hint } : {}),
    ...(verdict.hosts ? { hosts: verdict.hosts, require: require ?? 'all' } : {}),
    checks,
  };
};

interface ReportSpec {
  readonly shard?: { index: number; total: number };
  readonly diagnosis?: Finding[];
  readonly startedAt?: string;
  readonly durationMs?: number;
  readonly interrupted?: boolean;
  /** The run's runbooks, which every shard lists, hosts in it or not; by default those of its questions. */
  readonly runbooks?: readonly string[];
}

const gating = (questions: readonly QuestionResult[]): Status[] => questions.filter((one) => one.severity !== 'warning').map((one) => one.status);

/** A report as `runbook run` writes it, with a summary of each runbook of the run. */
const report = (questions: readonly QuestionResult[], { shard, diagnosis = [], startedAt = START, durationMs = 1000, interrupted = false, runbooks }: ReportSpec = {}): RunReport => ({
  reportVersion: 1,
  tool: { name: 'runbook', version: '0.1.0' },
  startedAt,
  durationMs,
  status: worstStatus(gating(questions)),
  exitCode: exitCodeFor(gating(questions), interrupted),
  interrupted,
  ...(shard ? { shard } : {}),
  summary: { questions: countStatuses(questions.map((one) => one.status)), checks: countStatuses(questions.flatMap((one) => one.checks.map((check) => check.status))) },
  runbooks: (runbooks ?? [...new Set(questions.map((one) => one.runbook))]).map((file) => ({
    file,
    title: `Runbook ${file}`,
    status: worstStatus(gating(questions.filter((one) => one.runbook === file))),
    vars: { port: 80 },
    // As a run describes its fleet: the hosts it ran on, which a merge gives of every shard's.
    hosts: { web: describeFleet([...new Set(questions.flatMap((one) => one.checks).flatMap((check) => check.hostName ?? []))]), db: 'admin@db1' },
  })),
  questions,
  diagnosis,
});

/** Shards 1/n..n/n of the reports, in the order given, as files shard-1.json... */
const shards = (reports: readonly RunReport[]): ReportFile[] =>
  reports.map((one, index) => ({ file: `shard-${index + 1}.json`, report: { ...one, shard: { index: index + 1, total: reports.length } } }));

describe('merging the shards of a fleet run', () => {
  const failing = { web04: { status: 'fail' as const, reason: 'port closed' }, web08: { status: 'error' as const, reason: 'timeout' } };
  const dbUp = (startedAt: string) => question('db-up', [checkResult('db-ping', { startedAt })]);
  const webServes = (hosts: readonly string[]) => question('web-serves', [...onHosts('pid', hosts), ...onHosts('port', hosts, failing)], { require: '80%', hint: 'restart nginx' });
  const shardHosts = [['web02', 'web05', 'web08'], ['web01', 'web04', 'web07', 'web09'], ['web03', 'web06']];

  test('three shards give the verdict, checks and counts of one run over all the hosts', () => {
    const whole = report([dbUp(START), webServes(hostNames(1, 9))]);
    // Every shard ran the database check its web checks wait for, at its own time.
    const parts = shardHosts.map((hosts, index) => report([dbUp(at(index)), webServes(hosts)]));
    const merged = mergeReports(shards(parts));
    expect(merged.questions).toEqual(whole.questions);
    expect(merged.questions[1]).toMatchObject({
      status: 'fail',
      hosts: { total: 9, pass: 7, fail: 1, error: 1, skipped: 0 },
      reason: '7/9 hosts pass (require at least 80%); fail: web04 (port: port closed); error: web08 (port: timeout)',
      hint: 'restart nginx',
      require: '80%',
    });
    expect([merged.status, merged.exitCode, merged.summary]).toEqual([whole.status, whole.exitCode, whole.summary]);
    expect(merged.runbooks).toEqual(whole.runbooks);
  });

  test('a check every shard ran (a dependency they all wait for) is kept once, from the first report', () => {
    const parts = shardHosts.map((hosts, index) => report([dbUp(at(10 - index)), webServes(hosts)]));
    const merged = mergeReports(shards(parts));
    expect(merged.questions[0]!.checks).toEqual([checkResult('db-ping', { startedAt: at(10) })]);
    expect(merged.summary.checks.total).toBe(1 + 9 * 2);
  });

  test('the merged report names its shards in order, and spans from the first start to the last end', () => {
    const parts = [
      { file: 'c.json', report: report([dbUp(START)], { shard: { index: 3, total: 3 }, startedAt: at(2), durationMs: 5000 }) },
      { file: 'a.json', report: report([dbUp(START)], { shard: { index: 1, total: 3 }, startedAt: at(0), durationMs: 1000 }) },
      { file: 'b.json', report: report([dbUp(START)], { shard: { index: 2, total: 3 }, startedAt: at(1), durationMs: 1500 }) },
    ];
    const merged = mergeReports(parts);
    expect(merged.mergedShards).toEqual([{ index: 1, total: 3 }, { index: 2, total: 3 }, { index: 3, total: 3 }]);
    expect(merged).not.toHaveProperty('shard');
    expect([merged.startedAt, merged.durationMs, merged.reportVersion, merged.tool]).toEqual([START, 7000, 1, { name: 'runbook', version: '0.1.0' }]);
  });
});

describe('require: over the hosts of every shard', () => {
  const webServes = (hosts: readonly string[], failing: readonly string[]) =>
    question('web-serves', onHosts('port', hosts, Object.fromEntries(failing.map((host) => [host, { status: 'fail' as const, reason: 'port closed' }]))), { require: '90%', hint: 'restart nginx' });

  test('10/10 and 8/10 are 18/20: 90% pass, though the second shard alone fails', () => {
    const second = webServes(hostNames(11, 20), ['web12', 'web17']);
    expect(second.status).toBe('fail');
    const merged = mergeReports(shards([report([webServes(hostNames(1, 10), [])]), report([second])]));
    expect(merged.questions[0]).toMatchObject({ status: 'pass', hosts: { total: 20, pass: 18, fail: 2 }, require: '90%' });
    expect(merged.questions[0]).not.toHaveProperty('reason');
    expect(merged.questions[0]).not.toHaveProperty('hint');
    expect([merged.status, merged.exitCode]).toEqual(['pass', 0]);
  });

  test('17/20 fails, with the hint of the shard that had it', () => {
    const merged = mergeReports(shards([report([webServes(hostNames(1, 10), [])]), report([webServes(hostNames(11, 20), ['web11', 'web12', 'web13'])])]));
    expect(merged.questions[0]).toMatchObject({
      status: 'fail',
      reason: '17/20 hosts pass (require at least 90%); fail: web11 (port: port closed), web12 (port: port closed), web13 (port: port closed)',
      hint: 'restart nginx',
    });
    expect([merged.status, merged.exitCode]).toEqual(['fail', 1]);
  });
});

describe('findings', () => {
  const finding = (message: string, hosts?: string[]): Finding => ({
    runbook: 'web.yaml',
    id: message.startsWith('nginx') ? 'nginx-down' : 'db-slow',
    message,
    evidence: [{ check: 'pid', status: 'fail', reason: 'no nginx', ...(hosts ? { hostName: hosts[0]! } : {}) }],
    ...(hosts ? { hosts } : {}),
  });
  const web = (hosts: readonly string[]) => question('web-serves', onHosts('pid', hosts));

  test('joined, not judged again: equal findings are one, on the hosts of every shard, with the first one\'s evidence', () => {
    const first = report([web(['web01', 'web04'])], { diagnosis: [finding('nginx does not run', ['web04']), finding('the database is slow')] });
    const second = report([web(['web02', 'web08'])], { diagnosis: [finding('nginx does not run', ['web08', 'web04']), finding('nginx crashed', ['web02']), finding('the database is slow')] });
    expect(mergeReports(shards([first, second])).diagnosis).toEqual([
      finding('nginx does not run', ['web04', 'web08']),
      finding('nginx crashed', ['web02']),
      finding('the database is slow'),
    ]);
  });
});

describe('the exit code of the whole run', () => {
  const web = (hosts: readonly string[], status: Status = 'pass') => question('web-serves', onHosts('port', hosts, Object.fromEntries(hosts.map((host) => [host, { status }]))));
  const expiry = (hosts: readonly string[], status: Status) => question('cert-expiry', onHosts('cert', hosts, Object.fromEntries(hosts.map((host) => [host, { status }]))), { severity: 'warning' });

  test('one shard that fails fails the merge: exit 1', () => {
    const merged = mergeReports(shards([report([web(['web01'])]), report([web(['web02'], 'fail')]), report([web(['web03'])])]));
    expect([merged.status, merged.exitCode, merged.runbooks[0]!.status]).toEqual(['fail', 1, 'fail']);
  });

  test('a question of severity warning that fails does not: exit 0, and it is still reported as failed', () => {
    const merged = mergeReports(shards([report([web(['web01']), expiry(['web01'], 'pass')]), report([web(['web02']), expiry(['web02'], 'fail')])]));
    expect([merged.status, merged.exitCode, merged.runbooks[0]!.status]).toEqual(['pass', 0, 'pass']);
    expect(merged.questions[1]).toMatchObject({ id: 'cert-expiry', status: 'fail', severity: 'warning' });
    expect(merged.summary.questions).toMatchObject({ pass: 1, fail: 1 });
  });

  test('a check that could not check: exit 3; a shard interrupted: 130', () => {
    expect(mergeReports(shards([report([web(['web01'])]), report([web(['web02'], 'error')])])).exitCode).toBe(3);
    const interrupted = mergeReports(shards([report([web(['web01'])]), report([web(['web02'], 'skipped')], { interrupted: true })]));
    expect([interrupted.interrupted, interrupted.exitCode]).toEqual([true, 130]);
  });

  test('one whole run, or one earlier merge, merges alone as it is: its report for other reporters', () => {
    const whole = report([web(['web01', 'web02']), expiry(['web01', 'web02'], 'fail')]);
    expect(mergeReports([{ file: 'run.json', report: whole }])).toEqual(whole);
    const merged = mergeReports(shards([report([web(['web01'])]), report([web(['web02'])])]));
    expect(mergeReports([{ file: 'merged.json', report: merged }])).toEqual(merged);
  });
});

describe('order', () => {
  test('questions and checks first seen in a later shard go after what they follow there; hosts as people number them', () => {
    // Every shard lists the run's runbooks; db.yaml has hosts in the second one only.
    const first = report([question('a', onHosts('x', ['web10'])), question('c', onHosts('z', ['web10']))], { runbooks: ['web.yaml', 'db.yaml'] });
    const second = report([
      question('a', [...onHosts('x', ['web9']), ...onHosts('y', ['web9'])]),
      question('b', onHosts('x2', ['web9'])),
      question('c', onHosts('z', ['web9'])),
      question('other', onHosts('w', ['web9']), { runbook: 'db.yaml' }),
    ], { runbooks: ['web.yaml', 'db.yaml'] });
    const merged = mergeReports(shards([first, second]));
    expect(merged.questions.map((one) => [one.runbook, one.id, one.checks.map((check) => `${check.id}@${check.hostName}`)])).toEqual([
      ['web.yaml', 'a', ['x@web9', 'x@web10', 'y@web9']],
      ['web.yaml', 'b', ['x2@web9']],
      ['web.yaml', 'c', ['z@web9', 'z@web10']],
      ['db.yaml', 'other', ['w@web9']],
    ]);
    expect(merged.runbooks.map((runbook) => runbook.file)).toEqual(['web.yaml', 'db.yaml']);
  });
});

describe('inputs that do not make one run: every problem, one line each, naming the file', () => {
  const problemsOf = (inputs: readonly ReportFile[]): string[] => {
    try {
      mergeReports(inputs);
    } catch (error) {
      if (error instanceof InputError) return error.diagnostics.map(formatDiagnostic);
      throw error;
    }
    throw new Error('the inputs were merged');
  };
  const part = (file: string, shard?: { index: number; total: number }): ReportFile => ({ file, report: report([question('q', onHosts('x', ['web01']))], shard ? { shard } : {}) });

  test.each<[string, ReportFile[], string[]]>([
    ['no report', [], ['no report to merge; give the JSON reports of runbook run --shard i/n --reporter json:FILE [RB_USAGE]']],
    ['shards of different runs', [part('a.json', { index: 1, total: 3 }), part('b.json', { index: 2, total: 4 }), part('c.json', { index: 3, total: 3 })], [
      'a.json is shard 1/3, b.json is shard 2/4; merge the shards of one run [RB_USAGE]',
    ]],
    ['the same shard twice', [part('a.json', { index: 1, total: 3 }), part('b.json', { index: 2, total: 3 }), part('c.json', { index: 2, total: 3 }), part('d.json', { index: 3, total: 3 })], [
      "b.json and c.json are both shard 2/3; merge each shard's report once [RB_USAGE]",
    ]],
    ['a missing shard', [part('a.json', { index: 1, total: 3 }), part('c.json', { index: 3, total: 3 })], ["shard 2/3 is missing: merge every shard's report [RB_USAGE]"]],
    ['two missing shards', [part('b.json', { index: 2, total: 3 })], ["shard 1/3 is missing: merge every shard's report [RB_USAGE]", "shard 3/3 is missing: merge every shard's report [RB_USAGE]"]],
    ['all but the last of many shards', [part('a.json', { index: 1, total: 5 }), part('c.json', { index: 3, total: 5 }), part('e.json', { index: 5, total: 5 })], [
      "shard 2/5 is missing: merge every shard's report [RB_USAGE]",
      "shard 4/5 is missing: merge every shard's report [RB_USAGE]",
    ]],
    // Each run of missing shards is one line, found from the shards given: it once listed every
    // number up to the total, and a total of 2^53 ended as an internal error.
    ['shard 1 of 2^53 - 1', [part('a.json', { index: 1, total: Number.MAX_SAFE_INTEGER })], [
      "shards 2/9007199254740991 to 9007199254740991/9007199254740991 are missing (9007199254740990): merge every shard's report [RB_USAGE]",
    ]],
    ['shards at both ends of ten', [part('c.json', { index: 3, total: 10 }), part('d.json', { index: 4, total: 10 }), part('j.json', { index: 9, total: 10 })], [
      "shards 1/10 to 2/10 are missing (2): merge every shard's report [RB_USAGE]",
      "shards 5/10 to 8/10 are missing (4): merge every shard's report [RB_USAGE]",
      "shard 10/10 is missing: merge every shard's report [RB_USAGE]",
    ]],
    ['a shard that cannot be', [part('a.json', { index: 1, total: 3 }), part('x.json', { index: 4, total: 3 })], ['x.json is shard 4/3: there is no such shard [RB_USAGE]']],
    ['a whole run among shards', [part('a.json', { index: 1, total: 2 }), part('b.json', { index: 2, total: 2 }), part('run.json')], [
      'run.json is a whole run (made without --shard): it merges with no other report; merge the reports of one runbook run --shard i/n, one per shard [RB_USAGE]',
    ]],
    ['two whole runs', [part('a.json'), part('b.json')], [
      'a.json is a whole run (made without --shard): it merges with no other report; merge the reports of one runbook run --shard i/n, one per shard [RB_USAGE]',
      'b.json is a whole run (made without --shard): it merges with no other report; merge the reports of one runbook run --shard i/n, one per shard [RB_USAGE]',
    ]],
  ])('%s', (_, inputs, messages) => {
    expect(problemsOf(inputs)).toEqual(messages);
  });

  test('an earlier merge among shards, a report of another version and a start that is no date, all at once', () => {
    const merged = mergeReports([part('a.json', { index: 1, total: 2 }), part('b.json', { index: 2, total: 2 })]);
    const newer = { ...part('b.json', { index: 2, total: 2 }).report, reportVersion: 2 } as unknown as RunReport;
    const undated = { ...part('a.json', { index: 1, total: 2 }).report, startedAt: 'yesterday' };
    expect(problemsOf([{ file: 'a.json', report: undated }, { file: 'b.json', report: newer }, { file: 'all.json', report: merged }])).toEqual([
      'b.json: report version 2, but this runbook merges version 1; make every report with the runbook that merges them [RB_USAGE]',
      'all.json is a merge of shards 1/2, 2/2: it merges with no other report; merge the reports of one runbook run --shard i/n, one per shard [RB_USAGE]',
      'a.json: startedAt "yesterday" is not a date [RB_USAGE]',
    ]);
  });
});
