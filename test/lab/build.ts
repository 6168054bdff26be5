// Brings a fresh lab up from a claimed, empty record: client keys, shared /etc files, the lab
// bridge, app/db/bastion, the client's ssh_config and known_hosts, then MariaDB on db.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeClientFiles, type ClientAlias } from './client-config.js';
import { writeSharedEtc } from './host-files.js';
import { generateClientKeys } from './keys.js';
import { LAB_BRIDGE } from './netns.js';
import { ensureBridge, etcDir, provisionHost } from './provision.js';
import { restoreHost } from './scenario.js';
import type { HostRecord, LabContext } from './state.js';
import { CORE_HOSTS, NOFORWARD_SSH_PORT, SSH_PORTS } from './topology.js';

/** db through bastion (ProxyJump), and app and db on the port that refuses TCP forwarding. */
const CLIENT_ALIASES: readonly ClientAlias[] = [
  { alias: 'db-via-bastion', ip: CORE_HOSTS.db.ip, jump: CORE_HOSTS.bastion.name },
  ...(['app', 'db'] as const).map((name) => ({ alias: `${name}-noforward`, ip: CORE_HOSTS[name].ip, port: NOFORWARD_SSH_PORT })),
];

export function sshConfigPath(ctx: LabContext): string {
  return join(ctx.state.dir, 'ssh_config');
}

export function knownHostsPath(ctx: LabContext): string {
  return join(ctx.state.dir, 'known_hosts');
}

/** Core hosts first, then the fleet in name order: stable files, easy to read. */
function sortedHosts(ctx: LabContext): HostRecord[] {
  const core = Object.keys(CORE_HOSTS);
  const rank = (host: HostRecord): string => (core.includes(host.name) ? `0${core.indexOf(host.name)}` : `1${host.name}`);
  return Object.values(ctx.state.hosts).sort((a, b) => rank(a).localeCompare(rank(b)));
}

/** Rewrites /etc/hosts of every host and the client files from the record. */
export async function writeNameFiles(ctx: LabContext): Promise<void> {
  const hosts = sortedHosts(ctx);
  writeSharedEtc(etcDir(ctx), hosts);
  await writeClientFiles({
    sshConfigPath: sshConfigPath(ctx),
    knownHostsPath: knownHostsPath(ctx),
    identityFile: ctx.state.clientKeys.ed25519,
    ports: SSH_PORTS,
    aliases: CLIENT_ALIASES,
  }, hosts);
}

export async function buildLab(ctx: LabContext): Promise<void> {
  mkdirSync(etcDir(ctx), { mode: 0o755 });
  ctx.state.clientPublicKeys = await generateClientKeys(ctx.state.clientKeys);
  ctx.save();
  // Before any host starts: each bind-mounts these files at start.
  writeSharedEtc(etcDir(ctx), Object.values(CORE_HOSTS));
  await ensureBridge(ctx, LAB_BRIDGE);
  const hosts = await Promise.all(Object.values(CORE_HOSTS).map((address) => provisionHost(ctx, address)));
  await writeNameFiles(ctx);
  const db = hosts.find((host) => host.name === 'db') as HostRecord;
  await restoreHost(ctx, db);
}
