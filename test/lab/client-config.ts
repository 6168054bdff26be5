// The OpenSSH client's view of the lab: an ssh_config naming every host and a known_hosts file
// (plain, plus a hashed copy made by ssh-keygen -H). Rewritten whole whenever hosts are added.
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { run } from './command.js';

export interface ClientHost {
  name: string;
  ip: string;
  hostKeyPub: string;
}

export interface ClientFiles {
  sshConfigPath: string;
  knownHostsPath: string;
  identityFile: string;
  /** HostName of db-via-bastion: db's IP, reached through ProxyJump bastion. */
  viaBastion?: { alias: string; ip: string; jump: string };
}

function renderSshConfig(files: ClientFiles, hosts: readonly ClientHost[]): string {
  const blocks = hosts.map((host) => `Host ${host.name}\n  HostName ${host.ip}\n`);
  if (files.viaBastion) {
    const { alias, ip, jump } = files.viaBastion;
    blocks.push(`Host ${alias}\n  HostName ${ip}\n  ProxyJump ${jump}\n`);
  }
  // Defaults last: for each option ssh keeps the first value it reads.
  blocks.push(`Host *
  User root
  IdentityFile ${files.identityFile}
  IdentitiesOnly yes
  UserKnownHostsFile ${files.knownHostsPath}
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 5
`);
  return `# runbook test lab: use with ssh -F ${files.sshConfigPath}\n${blocks.join('\n')}`;
}

function renderKnownHosts(hosts: readonly ClientHost[]): string {
  // Both name and IP: OpenSSH looks the IP up (HostName), other clients may use the alias.
  return hosts.map((host) => `${host.name},${host.ip} ${host.hostKeyPub}\n`).join('');
}

export async function writeClientFiles(files: ClientFiles, hosts: readonly ClientHost[]): Promise<void> {
  await writeFile(files.sshConfigPath, renderSshConfig(files, hosts), { mode: 0o600 });
  await writeFile(files.knownHostsPath, renderKnownHosts(hosts), { mode: 0o600 });
  const hashed = `${files.knownHostsPath}.hashed`;
  await copyFile(files.knownHostsPath, hashed);
  await run('ssh-keygen', ['-H', '-f', hashed]);
  await rm(`${hashed}.old`, { force: true });
}
