// A RunReport built from a real runbook, loaded and assembled, with each check's outcome given by id:
// shared by the reporter tests (test/report/) so that they all render the same run the same way.
import { assembleReport } from '../../src/execute/assemble.js';
import { checkResult } from '../../src/execute/check-result.js';
import { describeHost } from '../../src/model/host-address.js';
import type { Evidence, ExpectationResult, Status } from '../../src/model/outcome.js';
import type { Finding, RunReport } from '../../src/model/report.js';
import { loadRunbookText } from '../../src/runbook/load.js';

export const RUNBOOK = `version: 1
title: Web service
hosts:
  server: local
  db: admin@10.0.0.5
questions:
  - id: web-up
    title: Is the web server up?
    checks:
      - { id: http-ok, on: server, run: curl -sf http://localhost/ }
      - { id: ping-db, on: db, run: ping -c1 db, informational: true }
  - id: db-port
    title: Does the database listen?
    hint: start the database
    checks:
      - { id: db-listen, on: db, run: ss -ltn }
  - id: icmp
    title: Is ICMP allowed?
    checks:
      - { id: ping-only, on: db, run: ping -c1 db, informational: true }
  - id: disk
    title: Is there disk space?
    checks:
      - { id: df, on: server, run: df -h }
      - { id: mounts, on: server, run: mount }
`;

/** What one check came to; a check left out of the outcomes passes. */
export interface Outcome {
  readonly status: Status;
  readonly reason?: string;
  readonly hint?: string;
  readonly evidence?: readonly Evidence[];
  readonly expectations?: readonly ExpectationResult[];
}

/** The evidence of `ss -ltn` on db; exit code 1 is read as 'general error'. */
export const evidence = (stdout: string, stderr = '', exitCode: number | null = 1): Evidence => ({
  host: 'db (admin@10.0.0.5)',
  command: 'ss -ltn',
  exitCode,
  ...(exitCode === 1 ? { exitMeaning: 'general error' } : {}),
  durationMs: 12,
  stdout: { text: stdout, totalLines: stdout.split('\n').length, totalBytes: stdout.length, truncated: false },
  stderr: { text: stderr, totalLines: stderr.split('\n').length, totalBytes: stderr.length, truncated: false },
});

export interface ReportOptions {
  readonly findings?: Finding[];
  /** The runbook's text, RUNBOOK unless given. */
  readonly runbook?: string;
  /** The runbook's file name, 'runbooks/web.yaml' unless given. */
  readonly file?: string;
  readonly interrupted?: boolean;
}

export const reportOf = (outcomes: Readonly<Record<string, Outcome>>, options: ReportOptions = {}): RunReport => {
  const { runbook } = loadRunbookText(options.file ?? 'runbooks/web.yaml', options.runbook ?? RUNBOOK);
  if (!runbook) throw new Error('the test runbook does not load');
  const results = runbook.questions.flatMap((question) =>
    question.checks.map((check) => {
      const { status, reason, hint, evidence: seen = [], expectations = [] } = outcomes[check.id] ?? { status: 'pass' };
      const result = checkResult(check, { target: describeHost(runbook.hosts[check.on]!.members[0]!) }, { status, ...(reason !== undefined ? { reason } : {}) }, {
        durationMs: 5, evidence: seen, expectations, captures: {}, observed: {}, missingTools: [], notes: [], startedAt: '2026-01-01T00:00:00.000Z',
        ...(hint !== undefined ? { hint } : {}),
      });
      // As given, even where checkResult would escape control characters: each reporter must hold
      // against any text on its own (tap.test.ts's hostile reasons), whatever reaches it in a run.
      return { ...result, expectations, ...(reason !== undefined ? { reason } : {}), ...(hint !== undefined ? { hint } : {}) };
    }),
  );
  const meta = { tool: { name: 'runbook', version: '0.0.0' }, startedAt: new Date(0), durationMs: 1234, interrupted: options.interrupted ?? false };
  return assembleReport([{ runbook, results, findings: options.findings ?? [] }], meta);
};
