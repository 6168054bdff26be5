// What the SSH transport's lab tests set up around the lab: ssh_config variants, a real
// ssh-agent, throwaway users with and without sudo rights, a second sshd on another port.
// Everything made here is undone by the returned cleanup, by PID or by exact name.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab } from '../lab/lab.js';

const quiet = { stdio: 'pipe' } as const;

/** Lab defaults without an IdentityFile, so each test chooses its keys; `hosts` come first (first match wins). */
export function writeSshConfig(lab: Lab, dir: string, name: string, hosts: string, knownHosts = lab.knownHostsPath): string {
  const path = join(dir, name);
  writeFileSync(path, `${hosts}
Host *
  User root
  UserKnownHostsFile ${knownHosts}
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  ConnectTimeout 5
`);
  return path;
}

export const fingerprintOf = (keyPath: string): string =>
  execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', keyPath], { encoding: 'utf8' }).split(' ')[1] ?? '';

export function newKey(dir: string, name: string, passphrase = ''): string {
  const path = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', path], quiet);
  return path;
}

/** A passphrase-protected copy of a key: usable by us only through the agent. */
export function encryptedCopy(keyPath: string, dir: string): string {
  const copy = join(dir, 'encrypted_copy');
  copyFileSync(keyPath, copy);
  copyFileSync(`${keyPath}.pub`, `${copy}.pub`);
  execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'secret-passphrase', '-f', copy], quiet);
  return copy;
}

export interface Agent {
  readonly socket: string;
  add(keyPath: string): void;
  stop(): Promise<void>;
}

/** `ssh-agent -D`: stays our child, so it is stopped by its own PID. */
export async function startAgent(dir: string, name: string): Promise<Agent> {
  const socket = join(dir, `${name}.sock`);
  const child: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 100 && !existsSync(socket); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    socket,
    add: (keyPath) => execFileSync('ssh-add', ['-q', keyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, ...quiet }),
    stop: async () => {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}

export interface TestUsers {
  readonly withSudo: string;
  readonly withoutSudo: string;
  remove(): void;
}

function addUser(name: string, home: string, authorizedKey: string): void {
  // '*' rather than a locked '!': sshd without PAM refuses locked accounts (LAB-NOTES 13).
  execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/sh', '-p', '*', name], quiet);
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, '.ssh', 'authorized_keys'), authorizedKey, { mode: 0o600 });
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }));
  for (const path of [home, join(home, '.ssh'), join(home, '.ssh', 'authorized_keys')]) chownSync(path, uid, gid);
}

/**
 * Two users the lab hosts see (they share the controller's /etc/passwd): one with passwordless
 * sudo, one with none. Names carry our PID, so removal can never touch anyone else's account.
 */
export function createTestUsers(publicKeyPath: string): TestUsers {
  // sshd reads authorized_keys as the user: every directory above the homes must let them through.
  const dir = mkdtempSync(join(tmpdir(), 'runbook-test-homes-'));
  chmodSync(dir, 0o755);
  const suffix = String(process.pid);
  const withSudo = `rbsudo${suffix}`;
  const withoutSudo = `rbnosudo${suffix}`;
  const sudoers = `/etc/sudoers.d/runbook-test-${suffix}`;
  const key = readFileSync(publicKeyPath, 'utf8');
  addUser(withSudo, join(dir, withSudo), key);
  addUser(withoutSudo, join(dir, withoutSudo), key);
  writeFileSync(sudoers, `${withSudo} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
  return {
    withSudo,
    withoutSudo,
    remove: () => {
      rmSync(sudoers, { force: true });
      for (const name of [withSudo, withoutSudo]) execFileSync('userdel', ['-f', name], quiet);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A second sshd in app (same config and host key) on another port, for `[host]:port` entries;
 * `extraHostKey` adds a host key of another type.
 */
export async function startSecondSshd(lab: Lab, port: number, extraHostKey?: string): Promise<() => Promise<void>> {
  const config = join(lab.dir, 'hosts', 'app', 'sshd_config');
  const pidFile = `/run/runbook-test-sshd-${port}.pid`;
  const hostKey = extraHostKey ? `-o HostKey=${join(lab.dir, 'hosts', 'app', 'ssh_host_ed25519_key')} -o HostKey=${extraHostKey}` : '';
  await lab.exec('app', `/usr/sbin/sshd -p ${port} -f ${config} ${hostKey} -o PidFile=${pidFile} -E ${lab.dir}/sshd-${port}.log`);
  return async () => {
    await lab.exec('app', `kill "$(cat ${pidFile})" && rm -f ${pidFile}`);
  };
}
