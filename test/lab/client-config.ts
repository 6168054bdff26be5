// The OpenSSH client's view of the lab: an ssh_config naming every host and a known_hosts file
// (plain, plus a hashed copy made by ssh-keygen -H). Rewritten whole whenever hosts are added.
import { copyFile, rm, writeFile } from 'node:fs/promises';
import { run } from './command.js';

export interface ClientHost {
  name: string;
  ip: string;
  hostKeyPub: string;
}

/** A second name for a host: another port, or reached through a jump host. */
export interface ClientAlias {
  alias: string;
  /** The host's IP, its HostName: the host's key verifies the alias too. */
  ip: string;
  port?: number;
  jump?: string;
}

export interface ClientFiles {
  sshConfigPath: string;
  knownHostsPath: string;
  identityFile: string;
  /** The ports every host's sshd listens on. */
  ports: readonly number[];
  aliases: readonly ClientAlias[];
}

function renderAlias({ alias, ip, port, jump }: ClientAlias): string {
  const lines = [`Host ${alias}`, `  HostName ${ip}`];
  if (port !== undefined) lines.push(`  Port ${port}`);
  if (jump !== undefined) lines.push(`  ProxyJump ${jump}`);
  return `${lines.join('\n')}\n`;
}

function renderSshConfig(files: ClientFiles, hosts: readonly ClientHost[]): string {
  const blocks = hosts.map((host) => `Host ${host.name}\n  HostName ${host.ip}\n`);
  blocks.push(...files.aliases.map(renderAlias));
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

/** known_hosts spells a host on another port than 22 "[name]:port". */
function knownName(name: string, port: number): string {
  return port === 22 ? name : `[${name}]:${port}`;
}

/**
 * One line per host and port, with every name a client may look up: OpenSSH looks up the IP
 * (HostName), other clients may use the host's name or an alias.
 */
function renderKnownHosts(files: ClientFiles, hosts: readonly ClientHost[]): string {
  return hosts.flatMap((host) => files.ports.map((port) => {
    const aliases = files.aliases.filter((alias) => alias.ip === host.ip && (alias.port ?? 22) === port);
    const names = [host.name, host.ip, ...aliases.map((alias) => alias.alias)].map((name) => knownName(name, port));
    return `${names.join(',')} ${host.hostKeyPub}\n`;
  })).join('');
}

export async function writeClientFiles(files: ClientFiles, hosts: readonly ClientHost[]): Promise<void> {
  await writeFile(files.sshConfigPath, renderSshConfig(files, hosts), { mode: 0o600 });
  await writeFile(files.knownHostsPath, renderKnownHosts(files, hosts), { mode: 0o600 });
  const hashed = `${files.knownHostsPath}.hashed`;
  await copyFile(files.knownHostsPath, hashed);
  await run('ssh-keygen', ['-H', '-f', hashed]);
  await rm(`${hashed}.old`, { force: true });
}
