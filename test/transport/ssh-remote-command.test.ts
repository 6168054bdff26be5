// The host-side wrapper and kill script, run here through a real shell that leads its own session,
// as sshd's login shell does: the marker carries the right group, the output after it is the
// command's byte for byte, and the kill script ends a whole group, TERM-deaf members included.
import { spawn } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { killCommand, wrapCommand } from '../../src/transport/ssh/remote-command.js';
import { MarkerFilter } from '../../src/transport/ssh/marker-filter.js';

interface Ran {
  pid: number;
  stdout: Buffer;
  stderr: Buffer;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `setsid bash -c COMMAND`: like sshd, a session leader whose shell runs the command line. */
function runAsLoginShell(command: string, onStdout?: (chunk: Buffer) => void): Promise<Ran> {
  const child = spawn('setsid', ['bash', '-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => { out.push(chunk); onStdout?.(chunk); });
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({
    pid: child.pid ?? 0, stdout: Buffer.concat(out), stderr: Buffer.concat(err), code, signal,
  })));
}

function strip(marker: string, data: Buffer): { rest: string; pgid: string | undefined } {
  let pgid: string | undefined;
  const rest = new MarkerFilter(marker, (value) => (pgid = value)).push(data).toString('utf8');
  return { rest, pgid };
}

describe('wrapper', () => {
  test('reports the session group, then the output exactly as printed', async () => {
    const script = `printf 'noise-free\\n\\tü "q" '"'"'s'"'"' \\\\n no newline at end'; printf 'e1\\ne2' >&2; exit 7`;
    const wrapped = wrapCommand(script, { become: false, timeoutMs: 5000 });
    const ran = await runAsLoginShell(`echo login-shell-noise; echo noise >&2; ${wrapped.command}`);
    const stdout = strip(wrapped.marker, ran.stdout);
    expect(stdout.rest).toBe('noise-free\n\tü "q" \'s\' \\n no newline at end');
    expect(strip(wrapped.marker, ran.stderr).rest).toBe('e1\ne2');
    expect(Number(stdout.pgid)).toBe(ran.pid);
    expect(ran.code).toBe(7);
  });

  test('a command killed by a signal dies of that signal, through timeout', async () => {
    const ran = await runAsLoginShell(wrapCommand('kill -SEGV $$', { become: false, timeoutMs: 5000 }).command);
    expect(ran.signal).toBe('SIGSEGV');
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
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await killed)?.code).toBe(0);
  }, 10_000);

  test('a group that is already gone is not an error', async () => {
    expect((await runAsLoginShell(killCommand([999_999], false))).code).toBe(0);
  });
});
