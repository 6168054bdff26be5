// Network plumbing: bridges with a fixed, locally administered MAC (a bridge otherwise takes the
// lowest port MAC and hosts' ARP entries go stale, LAB-NOTES 12), one veth per host renamed eth0
// in its namespace, IPv6 off everywhere, and no default route: nothing can leave the lab.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { run } from './command.js';

/** Every name the lab gives starts with one of these, so a lost state file can still be swept. */
export const NETNS_PREFIX = 'rblab-';
export const VETH_PREFIX = 'rbl-';
export const BRIDGE_PREFIX = 'rblab-br';

export interface BridgeSpec {
  name: string;
  cidr: string;
  mac: string;
}

export const LAB_BRIDGE: BridgeSpec = { name: 'rblab-br0', cidr: '10.200.0.1/24', mac: '02:72:62:00:c8:01' };
export const FLEET_BRIDGE: BridgeSpec = { name: 'rblab-br1', cidr: '10.201.0.1/24', mac: '02:72:62:00:c9:01' };

/** Written before the link goes up, so it never sends router solicitations or DAD probes. */
function disableIpv6(link: string): void {
  const path = `/proc/sys/net/ipv6/conf/${link}/disable_ipv6`;
  if (existsSync(path)) writeFileSync(path, '1');
}

export async function createBridge(bridge: BridgeSpec): Promise<void> {
  await run('ip', ['link', 'add', bridge.name, 'address', bridge.mac, 'type', 'bridge']);
  disableIpv6(bridge.name);
  await run('ip', ['-batch', '-'], {
    input: `address add ${bridge.cidr} dev ${bridge.name}\nlink set ${bridge.name} up\n`,
  });
}

/** A namespace whose default (then inherited by eth0) and existing links have IPv6 off. */
export async function createNetns(netns: string): Promise<void> {
  await run('ip', ['netns', 'add', netns]);
  await run('ip', ['netns', 'exec', netns, 'sysctl', '-q', '-w',
    'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
}

export async function connectHost(netns: string, veth: string, bridge: string, ipCidr: string): Promise<void> {
  await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
  disableIpv6(veth);
  await run('ip', ['-batch', '-'], { input: `link set ${veth} master ${bridge}\nlink set ${veth} up\n` });
  await run('ip', ['-n', netns, '-batch', '-'], {
    input: `address add ${ipCidr} dev eth0\nlink set eth0 up\nlink set lo up\n`,
  });
}

/** Takes the host's bridge port down or up: with it down, the host is silent (no ARP, no RST). */
export async function setLinkUp(veth: string, up: boolean): Promise<void> {
  await run('ip', ['link', 'set', veth, up ? 'up' : 'down']);
}

export async function deleteLink(name: string): Promise<void> {
  if (existsSync(`/sys/class/net/${name}`)) await run('ip', ['link', 'delete', name]);
}

export async function deleteNetns(name: string): Promise<void> {
  if (existsSync(`/run/netns/${name}`)) await run('ip', ['netns', 'delete', name]);
}

/** Lab namespaces present now, recorded or not. */
export function listLabNetns(): string[] {
  if (!existsSync('/run/netns')) return [];
  return readdirSync('/run/netns').filter((name) => name.startsWith(NETNS_PREFIX));
}

/** Lab links present now (veths and bridges), recorded or not. */
export function listLabLinks(): string[] {
  return readdirSync('/sys/class/net').filter((name) => name.startsWith(VETH_PREFIX) || name.startsWith(BRIDGE_PREFIX));
}

export function isMountPoint(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === path);
}

/** Undoes the /run/netns self-bind-mount that `ip netns add` made, once no namespace is left. */
export async function releaseRunNetns(wasMount: boolean): Promise<void> {
  if (wasMount || !isMountPoint('/run/netns') || readdirSync('/run/netns').length > 0) return;
  await run('umount', ['/run/netns']);
}
