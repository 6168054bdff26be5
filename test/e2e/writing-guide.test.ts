// The README's "Writing a runbook" walks a newcomer through two shipped runbooks: web-service.yaml
// and dns-and-time.yaml. This drives both through the built CLI, for real: the web service against
// a real HTTP(S) server on 127.0.0.1 started here (its certificates made by the real openssl), and
// dns-and-time against this machine, whose verdicts are worked out here from /proc,
// /etc/resolv.conf and PATH. It also keeps the README honest: its YAML excerpts are the shipped
// files' text, and its plan excerpt is what plan prints.
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, onTestFinished, test } from 'vitest';
import { parse } from 'yaml';
import type { CheckResult, RunReport } from '../../src/model/report.js';
import { makeCertificates } from '../helpers/certificates.js';
import { closedPort } from '../helpers/closed-port.js';
import { ROOT, runCli, validateReport } from '../helpers/run-cli.js';
import { startServer, type Server } from '../helpers/web-server.js';

const shipped = (name: string): string => readFileSync(join(ROOT, 'runbooks', name), 'utf8');

const check = (report: RunReport, id: string): CheckResult => {
  const found = report.questions.flatMap((question) => question.checks).find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no check ${id} in the report`);
  return found;
};

const questionStatuses = (report: RunReport): Record<string, string> =>
  Object.fromEntries(report.questions.map((question) => [question.id, question.status]));

const findings = (report: RunReport): string[] => report.diagnosis.map((finding) => finding.id);

/** The run's JSON report, checked against the published schema. */
const run = async (args: readonly string[], env: Record<string, string> = {}, files: Record<string, string> = {}): Promise<{ exitCode: number; report: RunReport; stdout: string }> => {
  const result = await runCli(files, ['run', ...args, '--reporter', 'json'], env);
  expect(result.report, `no JSON report; stderr: ${result.stderr}`).toBeDefined();
  expect(validateReport(result.report), JSON.stringify(validateReport.errors)).toBe(true);
  return { exitCode: result.exitCode, report: result.report!, stdout: result.stdout };
};

const onPath = (tool: string, path = process.env.PATH ?? ''): boolean =>
  path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

/**
 * A PATH on which `tools` are not installed and everything else of this machine's PATH is: a
 * directory of links to every other program. What a host without curl (or chronyc) looks like.
 */
const pathWithout = (...tools: string[]): string => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-path-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const linked = new Set<string>();
  for (const from of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    let entries: string[];
    try {
      entries = readdirSync(from);
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (tools.includes(entry) || linked.has(entry)) continue;
      linked.add(entry);
      symlinkSync(join(from, entry), join(dir, entry));
    }
  }
  for (const tool of tools) expect(onPath(tool, dir), `${tool} still on the PATH`).toBe(false);
  expect(onPath('sh', dir) && onPath('bash', dir) && onPath('ps', dir), 'the rest of PATH is there').toBe(true);
  return dir;
};

describe('web-service.yaml against a real HTTP server on 127.0.0.1', () => {
  /** --var for the server, each given once: `more` (name=value) replaces a default of the test's. */
  const varsFor = (server: Server, ...more: string[]): string[] => {
    const values = new Map([['process', server.name], ['port', String(server.port)], ['docroot', tmpdir()]]);
    for (const pair of more) values.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
    return [...values].flatMap(([name, value]) => ['--var', `${name}=${value}`]);
  };

  test('passes while the server answers: its pid, its socket, its 200, the disk; no https, so no certificate question', async () => {
    const server = await startServer();
    const { exitCode, report } = await run(['web-service.yaml', ...varsFor(server)]);
    expect(exitCode).toBe(0);
    // The certificate question does not apply to plain http: the run passes all the same.
    expect(report.status).toBe('pass');
    expect(report.runbooks[0]!.status).toBe('pass');
    expect(questionStatuses(report)).toEqual({ 'process-running': 'pass', 'port-listening': 'pass', 'http-answers': 'pass', certificate: 'skipped', 'disk-space': 'pass' });
    expect(check(report, 'web-process').captures).toEqual({ pid: String(server.pid) });
    expect(check(report, 'web-listens').observed).toMatchObject({ addresses: `127.0.0.1:${String(server.port)}`, pids: String(server.pid), scope: 'loopback' });
    expect(check(report, 'http-get')).toMatchObject({ host: 'client', captures: { http_status: '200' }, observed: { state: 'answered', status: 200 } });
    expect(check(report, 'tls-certificate').reason).toBe('its when does not hold: { var: scheme, matches: { equals: https } }');
    expect(check(report, 'docroot-exists').observed.state).toBe('directory');
    expect(check(report, 'docroot-usage').captures.used_percent).toMatch(/^\d+$/);
    expect(report.diagnosis).toEqual([]);
  });

  test('without curl on the host the http check still answers (runbook\'s own client), and no tool is missing', async () => {
    const server = await startServer();
    const PATH = pathWithout('curl');
    const ok = await run(['web-service.yaml', ...varsFor(server)], { PATH });
    expect(ok.exitCode).toBe(0);
    expect(check(ok.report, 'http-get')).toMatchObject({ status: 'pass', captures: { http_status: '200' }, observed: { tool: 'socket' }, missingTools: [] });
    expect(ok.report.questions.flatMap((question) => question.checks).filter((c) => c.missingTools.length > 0)).toEqual([]);
    const broken = await run(['web-service.yaml', ...varsFor(server, 'path=/broken')], { PATH });
    expect(check(broken.report, 'http-get')).toMatchObject({ status: 'fail', reason: 'status expected to be less than 400, got 503', observed: { tool: 'socket' }, missingTools: [] });
  });

  test('an error page fails the HTTP question, and the diagnosis names it http-error', async () => {
    const server = await startServer();
    const { exitCode, report } = await run(['web-service.yaml', ...varsFor(server, 'path=/broken')]);
    expect(exitCode).toBe(1);
    expect(questionStatuses(report)).toEqual({ 'process-running': 'pass', 'port-listening': 'pass', 'http-answers': 'fail', certificate: 'skipped', 'disk-space': 'pass' });
    expect(report.questions.find((question) => question.id === 'http-answers')!.reason).toBe('http-get: status expected to be less than 400, got 503');
    expect(findings(report)).toEqual(['http-error']);
    expect(report.diagnosis[0]!.message).toBe(`port ${String(server.port)} accepts connections, but GET /broken answers "503": the server is up and the request fails inside it`);
  });

  test('https asked of a plain HTTP port: https-to-http-port names the scheme, and no certificate finding', async () => {
    const server = await startServer();
    const { exitCode, report } = await run(['web-service.yaml', ...varsFor(server, 'scheme=https', 'name=localhost')]);
    expect(exitCode).toBe(1);
    expect(check(report, 'http-get').observed).toMatchObject({ state: 'tls-error', error: expect.stringContaining('wrong version number') as unknown });
    expect(check(report, 'tls-certificate').observed).toMatchObject({ state: 'handshake-failed' });
    expect(findings(report)).toEqual(['https-to-http-port']);
  });

  test('a 502 is the upstream\'s fault: bad-gateway, and not http-error', async () => {
    const server = await startServer();
    const { exitCode, report } = await run(['web-service.yaml', ...varsFor(server, 'path=/bad-gateway')]);
    expect(exitCode).toBe(1);
    expect(check(report, 'http-get')).toMatchObject({ status: 'fail', reason: 'status expected to be less than 400, got 502', captures: { http_status: '502' } });
    // What the error page said is in the transcript, not only in the JSON's body field.
    expect(check(report, 'http-get').evidence[0]!.stdout.text).toMatch(/^GET \/bad-gateway: 502 in \d+ ms, 3 bytes: "ok"$/m);
    expect(findings(report)).toEqual(['bad-gateway']);
    expect(report.diagnosis[0]!.message).toBe('the web server answers 502: it is up, and the application behind it (its upstream) does not answer it');
  });

  test('asked on an address where the server does not listen, the client is refused: listens-elsewhere names where it does', async () => {
    // 127.0.0.2 is this machine too, but a server bound to 127.0.0.1 refuses it.
    const server = await startServer();
    const { exitCode, report } = await run(['web-service.yaml', ...varsFor(server, 'address=127.0.0.2')]);
    expect(exitCode).toBe(1);
    expect(questionStatuses(report)).toEqual({ 'process-running': 'pass', 'port-listening': 'pass', 'http-answers': 'fail', certificate: 'skipped', 'disk-space': 'pass' });
    expect(check(report, 'port-open').reason).toBe('state expected to equal "open", got "refused"');
    expect(findings(report)).toEqual(['listens-elsewhere']);
    expect(report.diagnosis[0]!.message).toBe(`${server.name} runs, but 127.0.0.2:${String(server.port)} refuses the client: it listens only on 127.0.0.1:${String(server.port)}`);
  });

  test('asked on a port the server does not listen on: wrong-port names where it does, and not listens-elsewhere', async () => {
    const server = await startServer();
    const port = await closedPort();
    const { exitCode, report } = await run(['web-service.yaml', ...varsFor(server, `port=${String(port)}`)]);
    expect(exitCode).toBe(1);
    expect(questionStatuses(report)).toEqual({ 'process-running': 'pass', 'port-listening': 'fail', 'http-answers': 'fail', certificate: 'skipped', 'disk-space': 'pass' });
    expect(check(report, 'web-ports')).toMatchObject({ status: 'pass', informational: true, observed: { ports: String(server.port) } });
    expect(findings(report)).toEqual(['wrong-port']);
    expect(report.diagnosis[0]!.message).toBe(`${server.name} (pid ${String(server.pid)}) listens on 127.0.0.1:${String(server.port)}, not on port ${String(port)}`);
  });

  test('a server process that listens on no port at all: listens-nowhere, never a sentence that breaks off', async () => {
    // Under 15 characters: the kernel keeps no more of a process's name.
    const name = `wgi-${String(process.pid % 100_000)}`;
    const idle = execa('node', ['-e', `process.title = ${JSON.stringify(name)}; setInterval(() => {}, 60_000)`], { reject: false });
    try {
      await expect.poll(async () => (await execa('pgrep', ['-x', name], { reject: false })).exitCode).toBe(0);
      const port = await closedPort();
      const { report } = await run(['web-service.yaml', '--var', `process=${name}`, '--var', `port=${String(port)}`, '--var', `docroot=${tmpdir()}`]);
      expect(findings(report)).toEqual(['listens-nowhere']);
      expect(report.diagnosis[0]!.message).toBe(`${name} (pid ${String(idle.pid)}) runs but listens on no TCP port: it is still starting, or it could not bind its port`);
    } finally {
      process.kill(idle.pid!, 'SIGTERM');
      await idle;
    }
  });

  test('once the server is stopped: process and HTTP fail, the listener is skipped, and the finding is service-down', async () => {
    const server = await startServer();
    await server.stop();
    const { exitCode, report } = await run(['web-service.yaml', ...varsFor(server)]);
    expect(exitCode).toBe(1);
    expect(questionStatuses(report)).toEqual({ 'process-running': 'fail', 'port-listening': 'skipped', 'http-answers': 'fail', certificate: 'skipped', 'disk-space': 'pass' });
    expect(check(report, 'web-process').reason).toBe('count expected to be at least 1, got 0');
    expect(check(report, 'web-listens').reason).toBe('dependency "web-process" failed');
    expect(check(report, 'port-open').reason).toBe('state expected to equal "open", got "refused"');
    expect(check(report, 'http-get').reason).toBe('dependency "port-open" failed');
    expect(check(report, 'tls-certificate').reason).toBe('dependency "port-open" failed');
    expect(findings(report)).toEqual(['service-down']);
    expect(report.diagnosis[0]!.message).toBe(`no ${server.name} process runs and nothing accepts connections on 127.0.0.1:${String(server.port)}: the web service is down`);
  });

  test('the disk limit comes from a variable: --vars-file, RUNBOOK_VAR_ and --var, in that order of strength', async () => {
    const server = await startServer();
    const files = { 'here.yaml': `process: ${server.name}\nport: ${String(server.port)}\ndocroot: ${tmpdir()}\n` };
    const fromEnv = await run(['web-service.yaml', '--vars-file', 'here.yaml'], { RUNBOOK_VAR_max_used_percent: '0' }, files);
    expect(fromEnv.exitCode).toBe(1);
    expect(questionStatuses(fromEnv.report)).toEqual({ 'process-running': 'pass', 'port-listening': 'pass', 'http-answers': 'pass', certificate: 'skipped', 'disk-space': 'fail' });
    const used = check(fromEnv.report, 'docroot-usage').evidence[0]!.stdout.text.trim();
    expect(used).toMatch(/^\d+$/);
    expect(check(fromEnv.report, 'docroot-usage').reason).toBe(`stdout expected to be less than 0, got ${used}`);
    expect(check(fromEnv.report, 'docroot-usage').hint).toBe(`the filesystem of ${tmpdir()} is at or over 0% used: du -xh --max-depth 2 ${tmpdir()} | sort -h shows what holds it`);
    const fromVar = await run(['web-service.yaml', '--vars-file', 'here.yaml', '--var', 'max_used_percent=101'], { RUNBOOK_VAR_max_used_percent: '0' }, files);
    expect(fromVar.exitCode).toBe(0);
    const fromFlag = await run(['web-service.yaml', ...varsFor(server, 'max_used_percent=0')]);
    expect(check(fromFlag.report, 'docroot-usage').status).toBe('fail');
  });

  test('a document root that is not there fails the disk question before df runs', async () => {
    const server = await startServer();
    const { exitCode, report } = await run(['web-service.yaml', ...varsFor(server, 'docroot=/nonexistent/www')]);
    expect(exitCode).toBe(1);
    expect(check(report, 'docroot-exists')).toMatchObject({
      status: 'fail',
      reason: 'state expected to equal "directory", got "missing"',
      hint: '/nonexistent/www is not a directory on this host; set docroot to the server\'s document root',
    });
    expect(check(report, 'docroot-usage').status).toBe('skipped');
  });

  test('a limit that is no number is refused before anything runs', async () => {
    const result = await runCli({}, ['validate', 'web-service.yaml', '--var', 'max_used_percent=lots']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/web-service\.yaml:\d+:\d+: questions\[4\]\.checks\[1\]\.expect\.stdout\[1\]\.lt must be a number, got "lots" \[RB_MATCHER\]/);
  });
});

describe('web-service.yaml with scheme=https: the certificate question (certificates from the real openssl)', () => {
  /** A CA of the test's own and certificates it signed for web.test and 127.0.0.1; an HTTPS server serving `served`. */
  const httpsService = async (served: 'valid' | 'expired') => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-guide-certs-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const certificates = makeCertificates(dir, 'web.test');
    const server = await startServer({ keyFile: certificates.keyFile, certFile: certificates.files[served] });
    const args = ['web-service.yaml', '--var', `process=${server.name}`, '--var', `port=${String(server.port)}`, '--var', `docroot=${tmpdir()}`, '--var', 'scheme=https', '--var', 'name=web.test'];
    return { args, port: server.port, trustingTheCa: { NODE_EXTRA_CA_CERTS: certificates.caFile } };
  };

  test('a valid certificate from a CA given in NODE_EXTRA_CA_CERTS passes; min_days_left is the renewal gate', async () => {
    const { args, trustingTheCa } = await httpsService('valid');
    const valid = await run(args, trustingTheCa);
    expect(valid.exitCode).toBe(0);
    expect(questionStatuses(valid.report)).toEqual({ 'process-running': 'pass', 'port-listening': 'pass', 'http-answers': 'pass', certificate: 'pass', 'disk-space': 'pass' });
    expect(check(valid.report, 'http-get').observed).toMatchObject({ state: 'answered', status: 200, tls_state: 'valid' });
    const daysLeft = check(valid.report, 'tls-certificate').observed.days_left;
    expect(daysLeft).toBeGreaterThanOrEqual(88);
    const gated = await run([...args, '--var', `min_days_left=${String(Number(daysLeft) + 1)}`], trustingTheCa);
    expect(gated.exitCode).toBe(1);
    expect(check(gated.report, 'tls-certificate')).toMatchObject({ status: 'fail', reason: `days_left expected to be at least ${String(Number(daysLeft) + 1)}, got ${String(daysLeft)}` });
    expect(findings(gated.report)).toEqual(['certificate-unfit']);
  });

  test('without the CA the certificate is untrusted, and http refuses to ask: certificate-unfit, not an HTTP finding', async () => {
    const { args } = await httpsService('valid');
    const { exitCode, report } = await run(args);
    expect(exitCode).toBe(1);
    expect(check(report, 'http-get')).toMatchObject({ status: 'fail', reason: 'state expected to equal "answered", got "tls-error"', observed: { tls_state: 'untrusted' } });
    expect(check(report, 'tls-certificate')).toMatchObject({ status: 'fail', observed: { state: 'untrusted', trust_error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
    expect(findings(report)).toEqual(['certificate-unfit']);
    expect(report.diagnosis[0]!.message).toMatch(/^the certificate served on 127\.0\.0\.1:\d+ for web\.test is untrusted, with \d+ days left$/);
  });

  test('an expired certificate: certificate-expired, naming the date', async () => {
    const { args, port, trustingTheCa } = await httpsService('expired');
    const { exitCode, report } = await run(args, trustingTheCa);
    expect(exitCode).toBe(1);
    expect(questionStatuses(report)).toMatchObject({ 'http-answers': 'fail', certificate: 'fail' });
    const notAfter = check(report, 'tls-certificate').observed.not_after;
    expect(check(report, 'tls-certificate')).toMatchObject({ reason: 'state expected to equal "valid", got "expired"' });
    expect(findings(report)).toEqual(['certificate-expired']);
    expect(notAfter).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(report.diagnosis[0]!.message).toBe(`the certificate served on 127.0.0.1:${String(port)} expired on ${String(notAfter)}: clients refuse the connection`);
  });
});

/** Whether a process whose kernel name or argv[0] matches `pattern` whole runs on this machine, as `process:` decides. */
const processRuns = (pattern: string): boolean => {
  const whole = new RegExp(`^(?:${pattern})$`);
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).some((pid) => {
    try {
      if (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.startsWith('Z')) return false;
      const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
      return whole.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()) || (argv0 !== '' && whole.test(basename(argv0)));
    } catch {
      return false;
    }
  });
};

describe('dns-and-time.yaml on this machine', () => {
  const defaults = (parse(shipped('dns-and-time.yaml')) as { vars: Record<string, string> }).vars;

  test('each question gives the verdict this machine calls for; a missing chronyc is an error, not a fail', async () => {
    const hasNameserver = existsSync(defaults.resolv_conf!) && /^\s*nameserver\s+\S+/m.test(readFileSync(defaults.resolv_conf!, 'utf8'));
    const daemon = processRuns(defaults.time_daemons!);
    const { exitCode, report } = await run(['dns-and-time.yaml']);
    const statuses = questionStatuses(report);

    expect(statuses['nameserver-configured']).toBe(hasNameserver ? 'pass' : 'fail');
    expect(statuses['name-resolves']).toBe('pass');
    expect(check(report, 'resolve-name')).toMatchObject({ kind: 'dns', observed: { state: 'resolved', tool: 'getent' } });
    expect(check(report, 'resolve-name').captures.address).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(statuses['time-daemon']).toBe(daemon ? 'pass' : 'fail');
    if (!daemon) {
      expect(report.questions.find((question) => question.id === 'clock-synchronised')).toMatchObject({ status: 'skipped', reason: 'ntp-synchronized: dependency "time-daemon" failed' });
    } else if (!onPath('timedatectl')) {
      expect(check(report, 'ntp-synchronized')).toMatchObject({ status: 'error', missingTools: [{ tool: 'timedatectl', host: 'this' }] });
    } else {
      expect(['pass', 'fail']).toContain(statuses['clock-synchronised']);
    }

    const chrony = check(report, 'chrony-tracking');
    expect(chrony.informational).toBe(true);
    if (onPath('chronyc')) {
      expect(chrony.missingTools).toEqual([]);
    } else {
      expect(chrony).toMatchObject({ status: 'error', reason: 'chronyc not installed on this: the pipeline ran without it (exit 0); stderr says so', missingTools: [{ tool: 'chronyc', host: 'this' }] });
    }

    const worst = Object.values(statuses);
    expect(exitCode).toBe(worst.includes('fail') ? 1 : worst.includes('error') ? 3 : 0);
    expect(findings(report).includes('no-time-daemon')).toBe(!daemon);
    expect(findings(report).includes('tool-missing')).toBe(report.questions.some((question) => question.checks.some((c) => c.missingTools.length > 0)));
  });

  test('a resolv.conf without a nameserver fails that question, with the hint naming the file', async () => {
    const { report } = await run(['dns-and-time.yaml', '--var', 'resolv_conf=resolv.conf'], {}, { 'resolv.conf': 'search example.org\noptions ndots:1\n' });
    expect(report.questions.find((question) => question.id === 'nameserver-configured')).toMatchObject({
      status: 'fail',
      reason: 'nameserver: exit_code expected to equal 0, got 1',
      hint: 'without a nameserver only /etc/hosts answers; fix the DHCP or network configuration that writes resolv.conf',
    });
    expect(questionStatuses(report)['name-resolves']).toBe('pass');
  });

  test('where a time daemon runs but timedatectl and chronyc are not installed: errors naming them, exit 3, never a fail', async () => {
    // A stand-in for the daemon (any process of that name will do for `process:`), and a host
    // whose PATH lacks both tools: the clock question cannot be answered, and says why.
    const daemon = await startServer();
    const PATH = pathWithout('timedatectl', 'chronyc');
    const files = { 'resolv.conf': 'nameserver 127.0.0.1\n' };
    const { exitCode, report } = await run(['dns-and-time.yaml', '--var', `time_daemons=${daemon.name}`, '--var', 'resolv_conf=resolv.conf'], { PATH }, files);
    expect(exitCode).toBe(3);
    expect(questionStatuses(report)).toEqual({ 'nameserver-configured': 'pass', 'name-resolves': 'pass', 'time-daemon': 'pass', 'clock-synchronised': 'error' });
    expect(check(report, 'nameserver').captures).toEqual({ nameserver: '127.0.0.1' });
    expect(check(report, 'ntp-synchronized')).toMatchObject({ status: 'error', reason: 'command not found (exit 127): /bin/sh: 1: timedatectl: not found', missingTools: [{ tool: 'timedatectl', host: 'this' }] });
    expect(check(report, 'chrony-tracking')).toMatchObject({ status: 'error', informational: true, missingTools: [{ tool: 'chronyc', host: 'this' }] });
    expect(report.summary.checks.fail).toBe(0);
    expect(findings(report)).toEqual(['tool-missing']);
    expect(report.diagnosis[0]!.message).toMatch(/^a tool is not installed, so its check could not ask: (timedatectl, chronyc|chronyc, timedatectl) on this$/);
  });
});

/** The text of the README's "Writing a runbook" section. */
const guide = (): string => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Writing a runbook\n');
  expect(start, 'README has a "## Writing a runbook" section').toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
};

const blocks = (text: string, language: string): string[] =>
  [...text.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1]!);

describe('the README walk-through shows the shipped files and real output', () => {
  test('every YAML excerpt is the text of web-service.yaml, dns-and-time.yaml or web-host.yaml (a vars file sets only declared variables)', () => {
    const files = [shipped('web-service.yaml'), shipped('dns-and-time.yaml'), shipped('web-host.yaml')];
    const declared = Object.keys((parse(files[0]!) as { vars: object }).vars);
    const isVarsFile = (value: unknown): boolean =>
      typeof value === 'object' && value !== null && !Array.isArray(value) && Object.entries(value).every(([name, set]) => declared.includes(name) && typeof set !== 'object');
    const excerpts = blocks(guide(), 'yaml').filter((yaml) => !isVarsFile(parse(yaml)));
    expect(excerpts.length).toBeGreaterThanOrEqual(5);
    for (const excerpt of excerpts) expect(files.some((file) => file.includes(excerpt)), `not in a shipped runbook:\n${excerpt}`).toBe(true);
  });

  test('the plan excerpt is what `runbook plan web-service.yaml --var port=8080` prints', async () => {
    const excerpt = blocks(guide(), 'text').find((block) => /^ {2}\d+\. \S+ \[/m.test(block));
    expect(excerpt, 'a plan excerpt in the guide').toBeDefined();
    const plan = await runCli({}, ['plan', 'web-service.yaml', '--var', 'port=8080']);
    expect(plan.exitCode).toBe(0);
    const lines = plan.stdout.split('\n').map((line) => line.trimEnd());
    const shown = excerpt!.split('\n').filter((text) => text.trim() !== '' && text !== '...' && !text.startsWith('$ runbook '));
    expect(shown.length).toBeGreaterThanOrEqual(5);
    for (const line of shown) expect(lines, line).toContain(line.trimEnd());
  });

  test('both runbooks validate, as the guide says', async () => {
    const result = await runCli({}, ['validate', 'web-service.yaml', 'dns-and-time.yaml']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/web-service\.yaml: valid \(5 questions, 8 checks\)\n.*dns-and-time\.yaml: valid \(4 questions, 5 checks\)\n$/);
  });
});

