// The shipped web-service and dns-resolution runbooks, like the MySQL one, are integration tests:
// in every scenario of the lab (nginx on db in front of an upstream; dnsmasq on db as app's
// resolver), `runbook run` gives the exit code, each question's status and exactly the findings
// that are true, asked from app over SSH.
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DnsScenario, WebScenario } from '../lab/faults.js';
import { describeLab } from '../lab/describe-lab.js';
import { startLab, type Lab } from '../lab/lab.js';
import { runCli } from '../helpers/run-cli.js';

interface Expected {
  readonly exitCode: number;
  readonly questions: Readonly<Record<string, string>>;
  readonly findings: readonly string[];
}

const WEB_HEALTHY = { 'process-running': 'pass', 'port-listening': 'pass', 'http-answers': 'pass', certificate: 'pass', 'disk-space': 'pass' };

const WEB: Readonly<Record<WebScenario, Expected>> = {
  'web-healthy': { exitCode: 0, questions: WEB_HEALTHY, findings: [] },
  'nginx-down': {
    exitCode: 1,
    questions: { ...WEB_HEALTHY, 'process-running': 'fail', 'port-listening': 'skipped', 'http-answers': 'fail', certificate: 'skipped' },
    findings: ['service-down'],
  },
  'nginx-bind-localhost': { exitCode: 1, questions: { ...WEB_HEALTHY, 'http-answers': 'fail', certificate: 'skipped' }, findings: ['listens-elsewhere'] },
  'nginx-wrong-port': { exitCode: 1, questions: { ...WEB_HEALTHY, 'port-listening': 'fail', 'http-answers': 'fail', certificate: 'skipped' }, findings: ['wrong-port'] },
  'upstream-down': { exitCode: 1, questions: { ...WEB_HEALTHY, 'http-answers': 'fail' }, findings: ['bad-gateway'] },
  'cert-expired': { exitCode: 1, questions: { ...WEB_HEALTHY, 'http-answers': 'fail', certificate: 'fail' }, findings: ['certificate-expired'] },
  'web-port-filtered': { exitCode: 1, questions: { ...WEB_HEALTHY, 'http-answers': 'fail', certificate: 'skipped' }, findings: ['port-filtered'] },
  'web-port-rejected': { exitCode: 1, questions: { ...WEB_HEALTHY, 'http-answers': 'fail', certificate: 'skipped' }, findings: ['port-rejected'] },
};

const DNS_HEALTHY = { 'resolver-configured': 'pass', 'resolver-answers': 'pass', 'name-resolves': 'pass', 'right-address': 'pass' };
const NOT_RESOLVED = { 'name-resolves': 'fail', 'right-address': 'skipped' };

const DNS: Readonly<Record<DnsScenario, Expected>> = {
  'dns-healthy': { exitCode: 0, questions: DNS_HEALTHY, findings: [] },
  'resolver-down': { exitCode: 1, questions: { ...DNS_HEALTHY, 'resolver-answers': 'fail', ...NOT_RESOLVED }, findings: ['resolver-down'] },
  'resolver-filtered': { exitCode: 1, questions: { ...DNS_HEALTHY, 'resolver-answers': 'fail', ...NOT_RESOLVED }, findings: ['resolver-filtered'] },
  'resolver-servfail': { exitCode: 1, questions: { ...DNS_HEALTHY, 'resolver-answers': 'fail', ...NOT_RESOLVED }, findings: ['resolver-servfail'] },
  'resolver-refuses': { exitCode: 1, questions: { ...DNS_HEALTHY, 'resolver-answers': 'fail', ...NOT_RESOLVED }, findings: ['resolver-refuses'] },
  'name-missing': { exitCode: 1, questions: { ...DNS_HEALTHY, ...NOT_RESOLVED }, findings: ['name-missing'] },
  'wrong-address': { exitCode: 1, questions: { ...DNS_HEALTHY, 'right-address': 'fail' }, findings: ['wrong-address'] },
  'dns-not-asked': { exitCode: 1, questions: { ...DNS_HEALTHY, ...NOT_RESOLVED }, findings: ['dns-not-asked'] },
};

describeLab('the shipped web-service and dns-resolution runbooks tell the truth in every scenario (lab)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ waitMs: 180_000 });
  });
  afterAll(async () => {
    await lab?.down();
  });

  const runIn = async (scenario: WebScenario | DnsScenario, args: readonly string[], expected: Expected) => {
    await lab.setScenario(scenario);
    // The lab's CA, trusted as an operator trusts a private CA: through Node's NODE_EXTRA_CA_CERTS.
    const environment = { NODE_EXTRA_CA_CERTS: join(dirname(lab.sshConfigPath), 'certs', 'ca.pem') };
    const started = performance.now();
    const result = await runCli({}, ['run', ...args, '--reporter', 'json', '--ssh-config', lab.sshConfigPath], environment);
    const elapsedMs = performance.now() - started;
    const report = result.report!;
    expect(report, result.stderr).toBeDefined();
    const explain = JSON.stringify(report.questions.flatMap((q) => q.checks.map((c) => [c.id, c.status, c.reason])), null, 1);
    expect(Object.fromEntries(report.questions.map((question) => [question.id, question.status])), explain).toEqual(expected.questions);
    expect(report.diagnosis.map((finding) => finding.id), explain).toEqual(expected.findings);
    expect(result.exitCode).toBe(expected.exitCode);
    // Bounded by the connect and DNS timeouts: a silent port or resolver never hangs a run.
    expect(elapsedMs).toBeLessThan(15_000);
    return report;
  };

  describe('web-service.yaml: nginx on db in front of an upstream, asked from app over https', () => {
    const args = ['web-service.yaml', '--host', 'web=db', '--host', 'client=app', '--var', 'scheme=https', '--var', 'port=443',
      '--var', 'address=10.200.0.82', '--var', 'name=web.lab', '--var', 'docroot=/tmp'];
    test.each(Object.entries(WEB))('%s', async (scenario, expected) => {
      const report = await runIn(scenario as WebScenario, args, expected);
      const findings = report.diagnosis.map((finding) => finding.message).join('\n');
      if (scenario === 'nginx-bind-localhost') expect(findings).toMatch(/listens only on 127\.0\.0\.1:443/);
      if (scenario === 'web-port-rejected') expect(findings).toMatch(/^nginx listens on 0\.0\.0\.0:443, where the client connects, yet 10\.200\.0\.82:443 turns the client away \(refused\)/);
      if (scenario === 'nginx-wrong-port') expect(findings).toMatch(/^nginx \(pid \d+\) listens on 0\.0\.0\.0:8081, 0\.0\.0\.0:8443, not on port 443$/);
      if (scenario === 'upstream-down') expect(findings).toMatch(/answers 502/);
      if (scenario === 'cert-expired') expect(findings).toMatch(/expired on 20\d\d-/);
    });
  });

  // The operator's own mistake, against the real nginx: the scheme that the port does not speak.
  test.each([
    ['http to its https port 443', ['--var', 'scheme=http', '--var', 'port=443'], 'http-to-https-port', /port 443 speaks HTTPS, and the client asked it in plain HTTP/, 'skipped'],
    ['https to its plain http port 80', ['--var', 'scheme=https', '--var', 'port=80'], 'https-to-http-port', /port 80 speaks plain HTTP, and the client asked it with TLS/, 'fail'],
  ] as const)('web-healthy, asked with %s: the scheme is named, not a server error or a certificate', async (_name, scheme, finding, message, certificate) => {
    const args = ['web-service.yaml', '--host', 'web=db', '--host', 'client=app', ...scheme, '--var', 'address=10.200.0.82', '--var', 'name=web.lab', '--var', 'docroot=/tmp'];
    const report = await runIn('web-healthy', args, { exitCode: 1, questions: { ...WEB_HEALTHY, 'http-answers': 'fail', certificate }, findings: [finding] });
    expect(report.diagnosis[0]!.message).toMatch(message);
  });

  test('tls where sshd will not forward: openssl on app tells a dropped connection (filtered) as the forward does', async () => {
    await lab.setScenario('web-port-filtered');
    const checks = ['app', 'app-noforward'].map((role) => `      - { id: tls-from-${role}, on: ${role}, tls: { host: 10.200.0.82, port: 443, name: web.lab, timeout: 1s } }`);
    const runbook = `version: 1\ntitle: t\nhosts:\n  app: app\n  app-noforward: app-noforward\nquestions:\n  - id: q\n    title: q\n    checks:\n${checks.join('\n')}\n`;
    const result = await runCli({ 'r.yaml': runbook }, ['run', 'r.yaml', '--reporter', 'json', '--ssh-config', lab.sshConfigPath]);
    const [forwarded, openssl] = result.report!.questions[0]!.checks;
    expect(forwarded).toMatchObject({ status: 'fail', observed: { state: 'filtered', tool: 'ssh-forward' } });
    expect(openssl, JSON.stringify(openssl)).toMatchObject({ status: 'fail', observed: { state: 'filtered', error: 'no connection before the timeout', tool: 'openssl' } });
    expect(result.exitCode).toBe(1);
  });

  describe('dns-resolution.yaml: app whose resolver is dnsmasq on db', () => {
    const args = ['dns-resolution.yaml', '--host', 'client=app', '--var', 'name=web.lab', '--var', 'expected_address=10.200.0.82'];
    test.each(Object.entries(DNS))('%s', async (scenario, expected) => {
      const report = await runIn(scenario as DnsScenario, args, expected);
      if (scenario === 'wrong-address') expect(report.diagnosis[0]!.message).toMatch(/^web\.lab resolves to 10\.200\.0\.99, not 10\.200\.0\.82/);
      if (scenario === 'resolver-servfail') expect(report.diagnosis[0]!.message).toMatch(/^the nameserver 10\.200\.0\.82 answers this host, but SERVFAIL for web\.lab/);
      if (scenario === 'resolver-refuses') expect(report.diagnosis[0]!.message).toMatch(/^the nameserver 10\.200\.0\.82 answers this host, but REFUSED for web\.lab/);
      if (scenario === 'dns-not-asked') expect(report.diagnosis[0]!.message).toMatch(/^the nameserver 10\.200\.0\.82 resolves web\.lab to 10\.200\.0\.82, but programs on this host do not get it: .*\("files"\), which/);
    });
  });
});
