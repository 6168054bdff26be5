// The files a lab host is made of: its sshd_config, host key, /etc/hostname and a clean /root
// (per host), plus /etc/hosts and /etc/resolv.conf shared by all hosts.
import { mkdir, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_HOSTS, NOFORWARD_SSH_PORT } from './topology.js';

export interface NamedAddress {
  name: string;
  ip: string;
}

function sshdConfig(hostDir: string): string {
  return `# sshd of one runbook lab host: Debian's defaults plus what the lab needs.
Port 22
Port ${NOFORWARD_SSH_PORT}
AddressFamily inet
ListenAddress 0.0.0.0
HostKey ${join(hostDir, 'ssh_host_ed25519_key')}
PidFile none
# root's password field is '*', so sshd without PAM accepts key logins (LAB-NOTES 13).
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
MaxSessions 10
UseDNS no
PrintMotd no
X11Forwarding no
# OpenSSH's default, said out loud: port 22 forwards (ssh -W, ProxyJump), port ${NOFORWARD_SSH_PORT} does not.
AllowTcpForwarding yes
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
LogLevel VERBOSE

# Last: a Match block runs to the end of the file. A host whose sshd runs commands but refuses
# tunnels, for clients that fall back from a forwarded stream to a command.
Match LocalPort ${NOFORWARD_SSH_PORT}
  AllowTcpForwarding no
`;
}

/** Creates hostDir with everything host-init.sh bind-mounts; the host key is made separately. */
export async function writeHostFiles(hostDir: string, name: string, authorizedKeys: readonly string[]): Promise<void> {
  await mkdir(join(hostDir, 'etc'), { recursive: true, mode: 0o700 });
  await mkdir(join(hostDir, 'root', '.ssh'), { recursive: true, mode: 0o700 });
  await writeFile(join(hostDir, 'etc', 'hostname'), `${name}\n`, { mode: 0o644 });
  await writeFile(join(hostDir, 'root', '.ssh', 'authorized_keys'), `${authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  await writeFile(join(hostDir, 'sshd_config'), sshdConfig(hostDir), { mode: 0o600 });
  // app's resolver is db's dnsmasq (dns-resolution.yaml's scenarios). Where it does not run, db
  // answers "port unreachable" and a lookup fails at once, as against 127.0.0.1; one try of 1 s
  // where a firewall drops it (resolver-filtered).
  if (name === 'app') await writeFile(join(hostDir, 'etc', 'resolv.conf'), `nameserver ${CORE_HOSTS.db.ip}\noptions timeout:1 attempts:1\n`, { mode: 0o644 });
}

/**
 * Rewrites /etc/hosts in place: every host bind-mounts this very inode, so hosts started
 * earlier see names added later (a rename would leave them on the old file).
 */
export function writeSharedEtc(etcDir: string, hosts: readonly NamedAddress[]): void {
  const lines = ['127.0.0.1\tlocalhost', ...hosts.map((host) => `${host.ip}\t${host.name}`)];
  writeFileSync(join(etcDir, 'hosts'), `${lines.join('\n')}\n`, { mode: 0o644 });
  writeFileSync(join(etcDir, 'resolv.conf'), 'nameserver 127.0.0.1\n', { mode: 0o644 });
}
