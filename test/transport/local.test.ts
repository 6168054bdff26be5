// The local transport against real processes: exit codes, both streams, timeouts that end the whole
// process tree, interruption, stop(), the output limit, and waiting for readiness.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { LocalTransport } from '../../src/transport/local/transport.js';
import { runCommand } from '../../src/transport/types.js';
import { closedPort } from '../helpers/closed-port.js';
import { canFreeze, frozenCgroup, liveState } from '../helpers/frozen-cgroup.js';
import { FIXTURE_BIN } from '../helpers/run-cli.js';

const transport = new LocalTransport();
const run = (script: string, timeoutMs = 10_000, signal?: AbortSignal) =>
  runCommand(transport, { script: `PATH=${FIXTURE_BIN}:$PATH; ${script}`, timeoutMs, ...(signal ? { signal } : {}) });

const waitUntil = async (condition: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
};

describe('local transport', () => {
  test.each([0, 1, 2, 42, 127])('reports exit code %i and both streams', async (code) => {
    const outcome = await run(`exit-with ${code}`);
    expect(outcome).toMatchObject({ exitCode: code, signal: null, stdout: `out: exiting with ${code}\n`, stderr: `err: exiting with ${code}\n` });
    expect(outcome.termination).toBeUndefined();
    expect(outcome.transportError).toBeUndefined();
  });

  test('a missing command is exit 127 from the shell, with its message', async () => {
    // An explicit PATH: an inherited entry this user cannot read makes dash say "Permission denied".
    const outcome = await runCommand(transport, { script: 'PATH=/usr/bin:/bin; no-such-command-anywhere', timeoutMs: 10_000 });
    expect(outcome.exitCode).toBe(127);
    expect(outcome.stderr).toMatch(/not found/);
  });

  test('runs with LC_ALL=C so tools print the same words everywhere', async () => {
    expect((await run('echo "$LC_ALL"')).stdout).toBe('C\n');
  });

  test('a timeout ends the command and every process it started', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'runbook-tree-')), 'pids');
    const started = performance.now();
    const outcome = await run(`spawn-tree ${pidFile}`, 800);
    expect(outcome.termination).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(4000);
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(3);
    expect(await waitUntil(() => pids.every((pid) => liveState(pid) === undefined), 3000)).toBe(true);
  });

  test('aborting ends the command with termination "canceled"', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const outcome = await run('sleep 30', 10_000, controller.signal);
    expect(outcome.termination).toBe('canceled');
    expect(outcome.durationMs).toBeLessThan(3000);
  });

  test('an already aborted signal never lets the command run long', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await run('sleep 30', 10_000, controller.signal);
    expect(outcome.termination).toBe('canceled');
  });

  test('output beyond 16 MiB stops the command instead of buffering it', async () => {
    const outcome = await run('flood 40');
    expect(outcome.termination).toBe('output-limit');
    expect(outcome.stdout.length).toBe(16 * 1024 * 1024);
  });

  test('large output under the limit arrives whole', async () => {
    const outcome = await run('flood 3');
    expect(outcome.termination).toBeUndefined();
    expect(outcome.stdout.length).toBe(3 * 1024 * 1024);
  });

  test('waitForOutput resolves when the command says it is ready, and stop() ends it', async () => {
    const running = transport.start({ script: `PATH=${FIXTURE_BIN}:$PATH; ready-later 30`, timeoutMs: 10_000 });
    expect(await running.waitForOutput('stderr', /listening on/, 5000)).toBe(true);
    await running.stop();
    const outcome = await running.result;
    expect(outcome.termination).toBe('stopped');
    expect(outcome.stderr).toContain('listening on lo');
  });

  test('waitForOutput works with a global regex, which keeps state between tests', async () => {
    const running = transport.start({ script: 'echo ready; sleep 5', timeoutMs: 10_000 });
    expect(await running.waitForOutput('stdout', /ready/g, 5000)).toBe(true);
    expect(await running.waitForOutput('stdout', /ready/g, 5000)).toBe(true);
    await running.stop();
  });

  test('waitForOutput gives up with false when the command ends without saying it', async () => {
    const running = transport.start({ script: 'echo done', timeoutMs: 5000 });
    expect(await running.waitForOutput('stderr', /listening/, 5000)).toBe(false);
    expect((await running.result).exitCode).toBe(0);
  });

  test('waitForOutput gives up with false after its own timeout', async () => {
    const running = transport.start({ script: 'sleep 5', timeoutMs: 10_000 });
    const started = performance.now();
    expect(await running.waitForOutput('stdout', /never/, 300)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
    await running.stop();
  });

  test('close() stops every running command', async () => {
    const own = new LocalTransport();
    const first = own.start({ script: 'sleep 30', timeoutMs: 60_000 });
    const second = own.start({ script: 'sleep 30', timeoutMs: 60_000 });
    await own.close();
    expect((await first.result).termination).toBe('stopped');
    expect((await second.result).termination).toBe('stopped');
  });

  test('what the command leaves in its group is gone when its outcome comes, a TERM-deaf one too; its exit code stands', async () => {
    // Neither holds the output, so nothing but the transport's own wait keeps the outcome back.
    const outcome = await run("nohup sleep 30 >/dev/null 2>&1 & echo $!; (trap '' TERM; exec sleep 31) >/dev/null 2>&1 & echo $!; exit 5");
    const pids = outcome.stdout.trim().split('\n').map(Number);
    expect(outcome.exitCode).toBe(5);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(liveState(pid), `pid ${pid}`).toBeUndefined();
  });

  test('become without a usable sudo is a transport error, never a verdict', async () => {
    const outcome = await runCommand(transport, { script: 'true', timeoutMs: 5000, become: true });
    if (outcome.exitCode === 0) return; // root with a working sudo: nothing to refuse here
    expect(outcome.transportError?.code).toMatch(/^(SUDO|SPAWN)$/);
  });

  test('stdin: the command reads the request\'s input, then its end; without one, its end at once', async () => {
    expect((await runCommand(transport, { script: 'IFS= read -r line; echo "got [$line]"; cat', timeoutMs: 5000, stdin: 'first\nrest\n' })).stdout).toBe('got [first]\nrest\n');
    expect((await runCommand(transport, { script: 'cat; echo end', timeoutMs: 5000 })).stdout).toBe('end\n');
  });

  test('a held command starts on its release, with its input; never released, stopped or aborted while held, it never starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-held-'));
    let release!: (go: boolean) => void;
    const held = transport.start({ script: `touch ${dir}/ran; cat`, timeoutMs: 5000, stdin: 'in', heldUntil: new Promise((resolve) => (release = resolve)) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    release(true);
    expect(await held.result).toMatchObject({ exitCode: 0, stdout: 'in' });
    expect(existsSync(join(dir, 'ran'))).toBe(true);

    const never = new Promise<boolean>(() => undefined);
    const aborted = new AbortController();
    const stopped = transport.start({ script: `touch ${dir}/stopped`, timeoutMs: 5000, heldUntil: never });
    const canceled = transport.start({ script: `touch ${dir}/canceled`, timeoutMs: 5000, heldUntil: never, signal: aborted.signal });
    const refused = transport.start({ script: `touch ${dir}/refused`, timeoutMs: 5000, heldUntil: Promise.resolve(false) });
    await stopped.stop();
    aborted.abort();
    for (const command of [stopped, canceled, refused]) expect(await command.result).toEqual({ exitCode: null, signal: null, stdout: '', stderr: '', durationMs: 0, termination: 'withheld' });
    expect(await stopped.waitForOutput('stdout', /./, 10)).toBe(false);
    expect(['stopped', 'canceled', 'refused'].filter((name) => existsSync(join(dir, name)))).toEqual([]);
  });

  test('a held command\'s timeout counts from its request: released late, it has what is left', async () => {
    let release!: (go: boolean) => void;
    const held = transport.start({ script: 'sleep 5', timeoutMs: 600, heldUntil: new Promise((resolve) => (release = resolve)) });
    await new Promise((resolve) => setTimeout(resolve, 400));
    release(true);
    const outcome = await held.result;
    expect(outcome.termination).toBe('timeout');
    expect(outcome.durationMs).toBeLessThan(400);
  });
});

describe('local transport: TCP streams from this machine', () => {
  const listen = async () => {
    const server = createServer((socket) => {
      socket.on('error', () => undefined); // the client may hang up first
      socket.end('hello\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as { port: number }).port };
  };

  test('an open port gives a stream that speaks, and says how it was opened', async () => {
    const { server, port } = await listen();
    const opening = await transport.openStream({ host: '127.0.0.1', port, timeoutMs: 2000 });
    if (!('stream' in opening)) throw new Error(JSON.stringify(opening));
    expect(opening.via).toBe(`socket to 127.0.0.1:${port}`);
    const said = await new Promise<string>((resolve) => opening.stream.once('data', (data: Buffer) => resolve(data.toString())));
    expect(said).toBe('hello\n');
    opening.stream.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  test('a closed port is refused at once', async () => {
    const port = await closedPort();
    const opening = await transport.openStream({ host: '127.0.0.1', port, timeoutMs: 2000 });
    expect(opening).toMatchObject({ failure: 'refused', message: expect.stringContaining('ECONNREFUSED') });
    expect(opening.durationMs).toBeLessThan(1000);
  });

  test('a name that does not resolve is unresolved, not refused', async () => {
    const opening = await transport.openStream({ host: 'no-such-host.invalid', port: 3306, timeoutMs: 2000 });
    expect(opening).toMatchObject({ failure: 'unresolved' });
  });

  test('an interruption ends the wait for a connection', async () => {
    const abort = new AbortController();
    abort.abort();
    const opening = await transport.openStream({ host: '127.0.0.1', port: 9, timeoutMs: 2000, signal: abort.signal });
    expect(opening).toMatchObject({ failure: 'other', message: 'interrupted before the connection opened' });
  });

  test('close() destroys the streams still open', async () => {
    const { server, port } = await listen();
    const own = new LocalTransport();
    const opening = await own.openStream({ host: '127.0.0.1', port, timeoutMs: 2000 });
    if (!('stream' in opening)) throw new Error(JSON.stringify(opening));
    await own.close();
    expect(opening.stream.destroyed).toBe(true);
    await new Promise((resolve) => server.close(resolve));
  });
});

describe.skipIf(!canFreeze)(`local transport: a leftover the kernel holds a moment after KILL${canFreeze ? '' : ' [skipped: needs root and the cgroup v1 freezer]'}`, () => {
  test('is gone when the outcome comes (KILLed 0.2 s after the command, thawed 0.4 s after)', async () => {
    const cgroup = frozenCgroup();
    cgroup.thawAfterFrozen(400);
    const outcome = await run(`sleep 30 >/dev/null 2>&1 & echo $!; ${cgroup.freeze}; exit 5`);
    const pid = Number(outcome.stdout.trim());
    try {
      expect(outcome.exitCode).toBe(5);
      expect(liveState(pid), `pid ${pid}`).toBeUndefined();
    } finally {
      await cgroup.release(pid);
    }
  }, 20_000);
});
