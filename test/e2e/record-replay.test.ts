// Record and replay through the CLI: `run --record DIR` keeps what each check saw (masked), `run
// --replay DIR` gives the same report with no host asked and says so in every reporter, an attempt
// with no recording is an error naming it, and a recording no attempt used is listed.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inlineFiles, startCli, validateReport } from '../helpers/run-cli.js';
import { reportWithoutTimings } from '../helpers/report-timings.js';
import { RECORDED_RUNBOOK as RUNBOOK, SECRET } from '../helpers/recorded-runbook.js';

const run = async (dir: string, args: string[], env: Record<string, string> = {}) => {
  const result = await startCli(dir, args, env);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
};

const recorded = async () => {
  const dir = inlineFiles({ 'book.yaml': RUNBOOK });
  const live = await run(dir, ['run', 'book.yaml', '--record', 'rec', '--reporter', 'json', '--quiet'], { RUNBOOK_VAR_token: SECRET });
  return { dir, live };
};

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)).map((name) => `${entry.name}/${name}`) : [entry.name]));

describe('run --record DIR', () => {
  test('writes one file per check and host beside recording.yaml, with every secret masked', async () => {
    const { dir, live } = await recorded();
    expect(live.exitCode, live.stderr).toBe(1);
    const rec = join(dir, 'rec');
    expect(filesUnder(rec).sort()).toEqual(['book/answer@local.yaml', 'book/say@local.yaml', 'book/shout@local.yaml', 'recording.yaml']);
    const all = filesUnder(rec).map((name) => readFileSync(join(rec, name), 'utf8')).join('\n');
    expect(all).not.toContain(SECRET);
    const say = readFileSync(join(rec, 'book/say@local.yaml'), 'utf8');
    expect(say).toContain('run: echo "hello token=***"; echo to-stderr >&2; echo ran >> ran.log');
    expect(say).toMatch(/stdout: \|\n\s+hello token=\*\*\*\n/);
    expect(say).toContain('stderr: |');
    expect(readFileSync(join(rec, 'book/answer@local.yaml'), 'utf8')).toContain('exit_code: 3');
    const meta = readFileSync(join(rec, 'recording.yaml'), 'utf8');
    expect(meta).toContain('secrets:\n  - token');
    expect(meta).toContain('path: ../book.yaml');
  });

  test('a stream\'s step is masked as a command line is: a secret in a URL is *** in the recording, and the replay still finds it', async () => {
    const book = `version: 1
title: A token in a URL
vars:
  token: { secret: true }
hosts:
  here: local
questions:
  - id: api
    title: Does the API answer?
    checks:
      - id: health
        on: here
        http: { url: "http://127.0.0.1:1/health?token=\${vars.token}", timeout: 2s }
`;
    const dir = inlineFiles({ 'book.yaml': book });
    const live = await run(dir, ['run', 'book.yaml', '--record', 'rec', '--quiet'], { RUNBOOK_VAR_token: SECRET });
    expect(live.exitCode, live.stderr).toBe(1);
    const health = readFileSync(join(dir, 'rec/book/health@local.yaml'), 'utf8');
    expect(health).not.toContain(SECRET);
    expect(health).toContain('step: HTTP GET http://127.0.0.1:1/health?token=*** over ssh -W (a socket when local)');
    const replay = await run(dir, ['run', 'book.yaml', '--replay', 'rec', '--reporter', 'json', '--quiet']);
    expect(replay.exitCode).toBe(1);
    const [check] = (JSON.parse(replay.stdout) as { questions: { checks: { status: string; observed: { state: string } }[] }[] }).questions[0]!.checks;
    expect(check).toMatchObject({ status: 'fail', observed: { state: 'refused' } });
  });

  test('refuses, before anything runs, a directory holding other files, or a file', async () => {
    const dir = inlineFiles({ 'book.yaml': RUNBOOK, 'busy/notes.txt': 'mine', 'plain': 'x' });
    const busy = await run(dir, ['run', 'book.yaml', '--record', 'busy']);
    expect(busy.exitCode).toBe(2);
    expect(busy.stderr).toContain('--record busy: the directory holds other files and no recording (recording.yaml); give a new or empty directory, or one a recording was made in [RB_RECORDING]');
    expect(readFileSync(join(dir, 'busy/notes.txt'), 'utf8')).toBe('mine');
    const file = await run(dir, ['run', 'book.yaml', '--record', 'plain']);
    expect(file.exitCode).toBe(2);
    expect(file.stderr).toContain('--record plain: it is a file, not a directory');
    const under = await run(dir, ['run', 'book.yaml', '--record', 'plain/sub']);
    expect(under.exitCode).toBe(2);
    expect(under.stderr).toBe(`--record plain/sub: ${join(dir, 'plain')} is a file, so the directory cannot be made; give a directory under an existing directory [RB_RECORDING]\n`);
    expect(readdirSync(dir).sort()).toEqual(['book.yaml', 'busy', 'plain']);
    const both = await run(dir, ['run', 'book.yaml', '--record', 'a', '--replay', 'b']);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toMatch(/--record.*cannot be used with.*--replay/);
  });

  // `b/c` and `b_c` once shared a file, the later answer replacing the earlier; a 300-character
  // inventory name made the whole recording fail (ENAMETOOLONG) and left `.book.PID.new` behind.
  test('every host of an inventory gets its own answer file, however it is named, and replays', async () => {
    const long = 'a'.repeat(300);
    const dir = inlineFiles({
      'book.yaml': 'version: 1\ntitle: Named hosts\nhosts:\n  web: {}\nquestions:\n  - id: q\n    title: q\n    checks:\n      - { id: say, on: web, run: "echo hi from $$" }\n',
      'hosts.ini': `[web]\n${long} ansible_connection=local\nb/c ansible_connection=local\nb_c ansible_connection=local\n`,
    });
    const live = await run(dir, ['run', 'book.yaml', '--inventory', 'hosts.ini', '--record', 'rec', '--reporter', 'json', '--quiet']);
    expect([live.exitCode, live.stderr]).toEqual([0, '']);
    const files = filesUnder(join(dir, 'rec')).sort();
    expect(files).toHaveLength(4);
    expect(files).toContain('book/say@b_c.yaml');
    expect(files.filter((name) => name.includes('~'))).toHaveLength(2);
    for (const name of files) expect(basename(name).length).toBeLessThan(255);
    const replay = await run(dir, ['run', 'book.yaml', '--inventory', 'hosts.ini', '--replay', 'rec', '--reporter', 'json', '--quiet']);
    expect(replay.exitCode, replay.stderr).toBe(0);
    type Report = { questions: { checks: { hostName: string; evidence: { stdout: { text: string } }[] }[] }[] };
    const outputs = (text: string) => (JSON.parse(text) as Report).questions[0]!.checks.map((check) => [check.hostName, check.evidence[0]!.stdout.text]).sort();
    expect(outputs(replay.stdout)).toEqual(outputs(live.stdout));
    expect(new Set(outputs(live.stdout).map(([, stdout]) => stdout)).size, 'three processes answered').toBe(3);
  });

  test('recording again replaces the answers and keeps an expect.yaml', async () => {
    const { dir } = await recorded();
    writeFileSync(join(dir, 'rec/expect.yaml'), 'exit_code: 1\nquestions: {}\n');
    const again = await run(dir, ['run', 'book.yaml', '--record', 'rec', '--quiet'], { RUNBOOK_VAR_token: SECRET });
    expect(again.exitCode).toBe(1);
    expect(filesUnder(join(dir, 'rec')).sort()).toEqual(['book/answer@local.yaml', 'book/say@local.yaml', 'book/shout@local.yaml', 'expect.yaml', 'recording.yaml']);
  });
});

describe('run --replay DIR', () => {
  test('gives the recorded run\'s report, byte for byte apart from timings, with no secret given', async () => {
    const { dir, live } = await recorded();
    const replay = await run(dir, ['run', 'book.yaml', '--replay', 'rec', '--reporter', 'json', '--quiet']);
    expect(replay.exitCode, replay.stderr).toBe(live.exitCode);
    expect(reportWithoutTimings(replay.stdout)).toBe(reportWithoutTimings(live.stdout));
    const report = JSON.parse(replay.stdout) as { replay: { from: string; unused: unknown[] }; diagnosis: { id: string }[] };
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.replay).toMatchObject({ from: 'rec', unused: [] });
    expect(report.diagnosis.map((finding) => finding.id)).toEqual(['wrong-answer']);
  });

  // A recording keeps what hosts printed as it was: a runbook may not hold a NUL, an ESC or a bidi
  // override, but a recording of output holding them is no runbook (it failed to replay with a NUL).
  test('a recording of output holding a NUL, terminal controls and a bidi override replays the same report', async () => {
    const hostile = String.raw`printf 'a\000b \033]0;owned\007 \342\200\256KO\n'; printf 'err \000 \302\233\n' >&2; exit 3`;
    const dir = inlineFiles({ 'noisy.yaml': `version: 1\ntitle: noisy\nhosts: {here: local}\nquestions:\n  - id: q\n    title: Q\n    checks:\n      - { id: noisy, on: here, run: ${JSON.stringify(hostile)}, capture: { v: 'b (.*)' } }\n` });
    const live = await run(dir, ['run', 'noisy.yaml', '--record', 'rec', '--reporter', 'json', '--quiet']);
    expect(live.exitCode, live.stderr).toBe(1);
    const replay = await run(dir, ['run', 'noisy.yaml', '--replay', 'rec', '--reporter', 'json', '--quiet']);
    expect(replay.exitCode, replay.stderr).toBe(1);
    expect(reportWithoutTimings(replay.stdout)).toBe(reportWithoutTimings(live.stdout));
    expect(replay.stdout).toContain(String.raw`err \\x00 \\x9b`);
  });

  test('runs no command: the check that appends to ran.log passes and the log keeps the recorded run\'s line only', async () => {
    const { dir } = await recorded();
    expect(readFileSync(join(dir, 'ran.log'), 'utf8')).toBe('ran\n');
    const replay = await run(dir, ['run', 'book.yaml', '--replay', 'rec', '--quiet']);
    expect(replay.exitCode).toBe(1);
    expect(replay.stdout).toMatch(/PASS +greet/);
    expect(readFileSync(join(dir, 'ran.log'), 'utf8')).toBe('ran\n');
  });

  test('every reporter says it is a replay', async () => {
    const { dir } = await recorded();
    const args = ['run', 'book.yaml', '--replay', 'rec', '--quiet', '--reporter', 'human', '--reporter', 'junit:r.xml', '--reporter', 'tap:r.tap', '--reporter', 'github:r.gh', '--reporter', 'html:r.html'];
    const replay = await run(dir, args);
    const sentence = 'REPLAY: answered from the recording in rec (recorded ';
    expect(replay.stdout.split('\n')[0]).toContain(sentence);
    expect(replay.stdout).toContain('Result: FAIL (replayed), exit code 1');
    expect(readFileSync(join(dir, 'r.xml'), 'utf8')).toMatch(/<testsuites name="runbook REPLAY: answered from the recording in rec/);
    expect(readFileSync(join(dir, 'r.tap'), 'utf8')).toContain(`# ${sentence}`);
    expect(readFileSync(join(dir, 'r.gh'), 'utf8')).toContain('title=runbook%3A fail (replayed%2C no host asked)%2C exit code 1');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('<title>REPLAY · FAIL');
    expect(html).toContain(`<p class="replay" id="replay"><strong>${sentence}`);
  });

  test('an attempt with no recording is an error that names it; a recording nobody asked for is listed', async () => {
    const { dir } = await recorded();
    const replay = await run(dir, ['run', 'book.yaml', '--replay', 'rec', '--var', 'word=bye', '--quiet']);
    expect(replay.exitCode).toBe(1);
    expect(replay.stdout).toContain('ERROR say on here (local): local: the recording holds no answer to `echo "bye token=***"; echo to-stderr >&2; echo ran >> ran.log` on here for check say');
    expect(replay.stdout).toContain('SKIP  shout on here (local): dependency "say" could not be checked');
    expect(replay.stdout).toContain('not asked in this replay: `echo "hello token=***"; echo to-stderr >&2; echo ran >> ran.log` of check say on local');
    expect(replay.stdout).not.toMatch(/PASS +greet/);
  });

  test('a missing or broken recording is one line per problem, at its line, exit 2', async () => {
    const { dir } = await recorded();
    const missing = await run(dir, ['run', 'book.yaml', '--replay', 'nowhere']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe('nowhere: no recording here (recording.yaml is missing); make one with runbook run RUNBOOK --record DIR [RB_RECORDING]\n');
    const answers = join(dir, 'rec/book/answer@local.yaml');
    writeFileSync(answers, readFileSync(answers, 'utf8').replace('exit_code: 3', 'exit_code: three').replace(/termination: \w+\n/, ''));
    mkdirSync(join(dir, 'rec/book'), { recursive: true });
    writeFileSync(join(dir, 'rec/book/zz@local.yaml'), 'check: zz\nhost: local\nattempts: [\n');
    const broken = await run(dir, ['run', 'book.yaml', '--replay', 'rec']);
    expect(broken.exitCode).toBe(2);
    const lines = broken.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^rec\/book\/answer@local\.yaml:\d+:\d+: attempts\[0\]\.exit_code must be an exit code from 0 to 255, or null; record again .* \[RB_RECORDING\]$/);
    expect(lines.some((line) => /^rec\/book\/zz@local\.yaml:\d+:\d+: .*\[RB_RECORDING\]$/.test(line))).toBe(true);
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });

  test('a recording in another format, or with an exit code no process can have, is one line each at its place, exit 2', async () => {
    const { dir } = await recorded();
    const meta = join(dir, 'rec/recording.yaml');
    const original = readFileSync(meta, 'utf8');
    // A whole number other than 1 was refused with no line at all: exit 2 and an empty stderr.
    writeFileSync(meta, original.replace('format: 1', 'format: 2'));
    const newer = await run(dir, ['run', 'book.yaml', '--replay', 'rec']);
    expect(newer.exitCode).toBe(2);
    expect(newer.stderr).toMatch(/^rec\/recording\.yaml:3:9: this recording is in format 2, made by runbook \S+; this version of runbook reads format 1; replay it with the version that made it, or record again with this one \[RB_RECORDING\]\n$/);
    // Hand-edited: no time and no tool are refused nowhere, and the replay's sentence leaves the time out.
    writeFileSync(meta, original.replace(/^recorded_at: .*$/m, 'recorded_at: ""').replace(/^tool: .*$/m, 'tool: ""'));
    const untimed = await run(dir, ['run', 'book.yaml', '--replay', 'rec', '--quiet']);
    expect(untimed.exitCode, untimed.stderr).toBe(1);
    expect(untimed.stdout).toContain('REPLAY: answered from the recording in rec; no host was asked');
    writeFileSync(meta, original);
    const answers = join(dir, 'rec/book/answer@local.yaml');
    writeFileSync(answers, readFileSync(answers, 'utf8').replace('exit_code: 3', 'exit_code: 1e300'));
    const huge = await run(dir, ['run', 'book.yaml', '--replay', 'rec']);
    expect(huge.exitCode).toBe(2);
    expect(huge.stderr).toMatch(/^rec\/book\/answer@local\.yaml:\d+:\d+: attempts\[0\]\.exit_code must be an exit code from 0 to 255, or null; .*\[RB_RECORDING\]\n$/);
    writeFileSync(join(dir, 'rec/expect.yaml'), 'exit_code: 256\nquestions: {}\nfindings: []\n');
    const expected = await run(dir, ['test', 'rec', '--runbook', 'book.yaml']);
    expect(expected.exitCode).toBe(2);
    expect(expected.stderr).toMatch(/^rec\/expect\.yaml:1:12: exit_code must be an exit code from 0 to 255; .*\[RB_RECORDING\]\n$/);
  });
});
