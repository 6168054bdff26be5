// One lab host: a network namespace whose PID 1 is sshd, in its own PID, mount and UTS
// namespaces. Started through setsid so that a test runner killing its process group does not
// take the lab down; stopping sshd (PID 1) ends everything else in the host with it.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { run, type CommandResult } from './command.js';
import { launchDetached, logTail } from './daemon.js';
import { isAlive, terminate, waitForChild, type ProcRef } from './proc.js';
import type { HostRecord } from './state.js';
import { SSH_PORTS } from './topology.js';

const INIT_SCRIPT = fileURLToPath(new URL('./host-init.sh', import.meta.url));

/** Resolves once sshd sends its banner on ip:port, as seen from the controller. */
async function sshBanner(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port, timeout: 1000 });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Starts the host; `record` is called as soon as there is a process to remember. */
export async function startHost(host: HostRecord, etcDir: string, record: () => void): Promise<void> {
  const initLog = join(host.dir, 'init.log');
  host.launcher = launchDetached(['ip', 'netns', 'exec', host.netns,
    'unshare', '--pid', '--fork', '--kill-child', '--mount-proc', '--uts',
    '/bin/sh', INIT_SCRIPT, host.name, host.dir, etcDir], initLog);
  record();
  host.sshd = await waitForChild(host.launcher, 5000);
  record();
  const deadline = Date.now() + 15_000;
  // Every port: sshd binds them all before it serves any, but a test may use either first.
  while (!(await Promise.all(SSH_PORTS.map((port) => sshBanner(host.ip, port)))).every(Boolean)) {
    if (!isAlive(host.sshd) || Date.now() > deadline) {
      throw new Error(`host ${host.name}: sshd did not come up\n${logTail(initLog)}\n${logTail(join(host.dir, 'sshd.log'))}`);
    }
    await sleep(25);
  }
}

/** SIGTERM to sshd, PID 1 of the host: the kernel then kills the rest of its PID namespace. */
export async function stopHost(host: HostRecord): Promise<void> {
  const refs = [host.sshd, host.launcher].filter((ref): ref is ProcRef => ref !== undefined);
  await terminate(host.sshd, refs, 5000);
  delete host.sshd;
  delete host.launcher;
}

/** nsenter arguments that put a command into the host's mount, UTS, network and PID namespaces. */
export function enterHost(host: HostRecord): string[] {
  // Checked right before use: a PID recycled after the host died must not be entered.
  if (!host.sshd || !isAlive(host.sshd)) throw new Error(`host ${host.name} is not running`);
  return ['nsenter', `--target=${host.sshd.pid}`, '--mount', '--uts', '--net', '--pid', '--wd=/root', '--'];
}

/**
 * Runs a bash command inside the host, killed there (with its process group) when it overruns.
 * The command travels in the environment, not in argv, and `timeout` runs under another name:
 * so a `ps`/`pgrep` in the command, or in a later one, never finds the lab's own wrapper.
 * `input` goes to the command's stdin (SQL, for one: it then needs no shell quoting).
 */
export async function execInHost(host: HostRecord, command: string, timeoutMs = 30_000, input?: string): Promise<CommandResult> {
  const [file, ...args] = enterHost(host);
  const seconds = Math.ceil(timeoutMs / 1000);
  const wrapper = `exec -a lab-exec-timeout timeout -s KILL ${seconds} /bin/bash -c 'eval "$LAB_EXEC_COMMAND"'`;
  return run(file as string, [...args, '/bin/bash', '-c', wrapper], {
    timeoutMs: timeoutMs + 5000,
    allowFailure: true,
    env: { LAB_EXEC_COMMAND: command },
    ...(input === undefined ? {} : { input }),
  });
}

/** A bash command in the host that must succeed: `what` names it in the error when it does not. */
export async function inHost(host: HostRecord, what: string, command: string): Promise<void> {
  const result = await execInHost(host, `set -e\n${command}`, 20_000);
  if (result.exitCode !== 0) throw new Error(`${host.name}: ${what} failed: ${result.stderr}`);
}

/**
 * Whether something of filesystem type `type` is mounted on `path` in the host's own mount
 * namespace. Read from the controller: /proc/PID/mountinfo shows the mounts of that process's namespace.
 */
export function mountedOver(host: HostRecord, path: string, type: string): boolean {
  if (!host.sshd) return false;
  const mountinfo = readFileSync(`/proc/${host.sshd.pid}/mountinfo`, 'utf8');
  return mountinfo.split('\n').some((line) => line.split(' ')[4] === path && line.includes(` - ${type} `));
}
