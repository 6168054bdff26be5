// The host-side wrapper and kill script, run here through a real shell that leads its own session,
// as sshd's login shell does: the marker carries the right group, the output after it is the
// command's byte for byte, and the kill script ends a whole group, TERM-deaf members included.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { killCommand, wrapCommand } from '../../src/transport/ssh/remote-command.js';
import { MarkerFilter } from '../../src/transport/ssh/marker-filter.js';
import { canFreeze, frozenCgroup, liveState } from '../helpers/frozen-cgroup.js';

interface Ran {
  pid: number;
  stdout: Buffer;
  stderr: Buffer;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `setsid bash -c COMMAND`: like sshd, a session leader whose shell runs the command line. */
function runAsLoginShell(command: string, onStdout?: (chunk: Buffer) => void, stdin?: string): Promise<Ran> {
  const child = spawn('setsid', ['bash', '-c', command], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(stdin ?? '');
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => { out.push(chunk); onStdout?.(chunk); });
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({
    pid: child.pid ?? 0, stdout: Buffer.concat(out), stderr: Buffer.concat(err), code, signal,
  })));
}

/** A copy of sleep under `name`: the kernel names its process so, in /proc/PID/stat's (comm) field. */
const leftoverNamed = (name: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'rb-comm-')), name);
  copyFileSync('/bin/sleep', path);
  return path;
};

const quoted = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

function strip(marker: string, data: Buffer): { rest: string; pgid: string | undefined } {
  let pgid: string | undefined;
  const rest = new MarkerFilter(marker, (value) => (pgid = value)).push(data).toString('utf8');
  return { rest, pgid };
}

describe('wrapper', () => {
  test('reports the command\'s own group, apart from the login shell, then the output exactly as printed', async () => {
    const script = `printf 'noise-free\\n\\tü "q" '"'"'s'"'"' \\\\n no newline at end'; printf 'e1\\ne2' >&2; exit 7`;
    const wrapped = wrapCommand(script, { become: false, timeoutMs: 5000 });
    const ran = await runAsLoginShell(`echo login-shell-noise; echo noise >&2; ${wrapped.command}`);
    const stdout = strip(wrapped.marker, ran.stdout);
    expect(stdout.rest).toBe('noise-free\n\tü "q" \'s\' \\n no newline at end');
    expect(strip(wrapped.marker, ran.stderr).rest).toBe('e1\ne2');
    expect(Number(stdout.pgid)).not.toBe(ran.pid);
    expect(ran.code).toBe(7);
  });

  test('the group it reports is the one the script runs in, and the script sees no arguments', async () => {
    const wrapped = wrapCommand('read -r _ _ _ _ g _ </proc/$$/stat; echo "$g $# $0"', { become: false, timeoutMs: 5000 });
    const stdout = strip(wrapped.marker, (await runAsLoginShell(wrapped.command)).stdout);
    expect(stdout.rest).toBe(`${stdout.pgid} 0 /bin/sh\n`);
  });

  test('the login shell becomes /bin/sh, which waits for the command (its parent is timeout)', async () => {
    // The command's shell -> timeout ($PPID) -> the waiting shell: timeout's parent, by its stat.
    const wrapped = wrapCommand('read -r _ _ _ waiting _ </proc/$PPID/stat; echo "$waiting"; readlink -f /proc/$waiting/exe', { become: false, timeoutMs: 5000 });
    const ran = await runAsLoginShell(wrapped.command);
    const [waiting, program] = strip(wrapped.marker, ran.stdout).rest.trim().split('\n');
    expect(Number(waiting)).toBe(ran.pid);
    expect(program).toBe(realpathSync('/bin/sh'));
  });

  test('the command reads the channel\'s input, not /dev/null', async () => {
    const wrapped = wrapCommand('read -r line; echo "got $line"', { become: false, timeoutMs: 5000 });
    expect(strip(wrapped.marker, (await runAsLoginShell(wrapped.command, undefined, 'the secret\n')).stdout).rest).toBe('got the secret\n');
  });

  test('a command killed by a signal dies of that signal, through timeout and the waiting shell', async () => {
    const ran = await runAsLoginShell(wrapCommand('kill -SEGV $$', { become: false, timeoutMs: 5000 }).command);
    expect(ran.signal).toBe('SIGSEGV');
  });

  test.each(['exit 143', 'sh -c "exit 143"', 'true; (exit 143)'])('an exit code above 128 stays an exit code: %s', async (script) => {
    const ran = await runAsLoginShell(wrapCommand(script, { become: false, timeoutMs: 5000 }).command);
    expect({ code: ran.code, signal: ran.signal }).toEqual({ code: 143, signal: null });
  });

  test('what the command leaves in its group (nohup x &) is ended when it exits, a TERM-deaf one too; its exit code stands', async () => {
    const script = "nohup sleep 30 >/dev/null 2>&1 & echo $!; (trap '' TERM; exec sleep 31) >/dev/null 2>&1 & echo $!; exit 5";
    const wrapped = wrapCommand(script, { become: false, timeoutMs: 60_000 });
    const started = Date.now();
    const ran = await runAsLoginShell(wrapped.command);
    const pids = strip(wrapped.marker, ran.stdout).rest.trim().split('\n').map(Number);
    expect(ran.code).toBe(5);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(liveState(pid), `pid ${pid}`).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('a leftover whose name holds spaces and parentheses is found and ended too', async () => {
    const named = leftoverNamed('rb (left) x');
    const wrapped = wrapCommand(`nohup ${quoted(named)} 30 >/dev/null 2>&1 & echo $!`, { become: false, timeoutMs: 60_000 });
    const ran = await runAsLoginShell(wrapped.command);
    const pid = Number(strip(wrapped.marker, ran.stdout).rest.trim());
    try {
      expect(ran.code).toBe(0);
      expect(liveState(pid), `pid ${pid}`).toBeUndefined();
    } finally {
      if (liveState(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  test('a leftover that holds the output does not hold the command open', async () => {
    const wrapped = wrapCommand('sleep 30 & echo started', { become: false, timeoutMs: 60_000 });
    const started = Date.now();
    const ran = await runAsLoginShell(wrapped.command);
    expect(strip(wrapped.marker, ran.stdout).rest).toBe('started\n');
    expect(ran.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test('LC_ALL=C, as the local transport runs commands', async () => {
    const wrapped = wrapCommand('echo "$LC_ALL"', { become: false, timeoutMs: 5000 });
    expect(strip(wrapped.marker, (await runAsLoginShell(wrapped.command)).stdout).rest).toBe('C\n');
  });

  test('the host-side bound ends a command our kill never reached (timeout + 5 s slack)', async () => {
    const started = Date.now();
    const ran = await runAsLoginShell(wrapCommand('sleep 30', { become: false, timeoutMs: 100 }).command);
    expect(ran.code).toBe(124);
    expect(Date.now() - started).toBeLessThan(7000);
  }, 10_000);
});

describe('kill script', () => {
  test('TERM ends the group at once; a TERM-deaf member is KILLed after the grace period', async () => {
    const wrapped = wrapCommand("trap '' TERM; sleep 30 & sleep 31 & wait", { become: false, timeoutMs: 60_000 });
    let killed: Promise<Ran> | undefined;
    const filter = new MarkerFilter(wrapped.marker, (pgid) => {
      killed = runAsLoginShell(killCommand([Number(pgid)], false));
    });
    const started = Date.now();
    const ran = await runAsLoginShell(wrapped.command, (chunk) => filter.push(chunk));
    expect(ran.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    // After the 2 s grace, never the sleeps' 30 s: a loaded CI machine took 5 s once.
    expect(Date.now() - started).toBeLessThan(12_000);
    expect((await killed)?.code).toBe(0);
  }, 20_000);

  test('a TERM-deaf member whose name holds spaces and parentheses is KILLed too', async () => {
    const named = leftoverNamed('rb (deaf) x');
    // A group of its own holding only it, TERM ignored across its exec.
    const deaf = spawn('setsid', ['sh', '-c', `trap '' TERM; exec ${quoted(named)} 30`], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(liveState(deaf.pid!)).toBeDefined();
      expect((await runAsLoginShell(killCommand([deaf.pid!], false))).code).toBe(0);
      expect(liveState(deaf.pid!)).toBeUndefined();
    } finally {
      deaf.kill('SIGKILL');
    }
  }, 20_000);

  test('a group that is already gone is not an error', async () => {
    expect((await runAsLoginShell(killCommand([999_999], false))).code).toBe(0);
  });
});

describe.skipIf(!canFreeze)(`a member the kernel holds a moment after KILL${canFreeze ? '' : ' [skipped: needs root and the cgroup v1 freezer]'}`, () => {
  test('is gone before the wrapper exits (the wrapper KILLs it 0.2 s after the command, it is thawed 0.4 s after)', async () => {
    const cgroup = frozenCgroup();
    cgroup.thawAfterFrozen(400);
    const wrapped = wrapCommand(`sleep 30 >/dev/null 2>&1 & echo $!; ${cgroup.freeze}; exit 5`, { become: false, timeoutMs: 60_000 });
    const ran = await runAsLoginShell(wrapped.command);
    const pid = Number(strip(wrapped.marker, ran.stdout).rest.trim());
    try {
      expect(ran.code).toBe(5);
      expect(liveState(pid), `pid ${pid}`).toBeUndefined();
    } finally {
      await cgroup.release(pid);
    }
  }, 20_000);

  test('is gone before the kill script exits (it KILLs at once when told `now`, the member is thawed 0.4 s after)', async () => {
    const cgroup = frozenCgroup();
    const wrapped = wrapCommand(`sleep 30 >/dev/null 2>&1 & echo $!; ${cgroup.freeze}; wait`, { become: false, timeoutMs: 60_000 });
    let pgid = 0;
    let pid = 0;
    const filter = new MarkerFilter(wrapped.marker, (value) => (pgid = Number(value)));
    const running = runAsLoginShell(wrapped.command, (chunk) => {
      const printed = filter.push(chunk).toString('utf8').trim();
      if (printed) pid = Number(printed);
    });
    try {
      while (!pid || liveState(pid) !== 'D') await new Promise((resolve) => setTimeout(resolve, 20));
      setTimeout(() => cgroup.thaw(), 400);
      expect((await runAsLoginShell(killCommand([pgid], false, true))).code).toBe(0);
      expect(liveState(pid), `pid ${pid}`).toBeUndefined();
      await running;
    } finally {
      await cgroup.release(pid);
    }
  }, 20_000);
});
