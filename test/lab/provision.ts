// Creates one host end to end (record, namespace and veth, host key, files, sshd), recording
// each piece before making it so that a failure half-way is still torn down.
import { join } from 'node:path';
import { startHost } from './host.js';
import { writeHostFiles } from './host-files.js';
import { generateHostKey } from './keys.js';
import { connectHost, createBridge, createNetns, isMountPoint, type BridgeSpec } from './netns.js';
import type { HostRecord, LabContext } from './state.js';
import type { HostAddress } from './topology.js';

export function etcDir(ctx: LabContext): string {
  return join(ctx.state.dir, 'etc');
}

export async function ensureBridge(ctx: LabContext, bridge: BridgeSpec): Promise<void> {
  if (ctx.state.bridges.includes(bridge.name)) return;
  ctx.state.bridges.push(bridge.name);
  ctx.save();
  await createBridge(bridge);
}

export async function provisionHost(ctx: LabContext, address: HostAddress): Promise<HostRecord> {
  const { name, ip, netns, veth, bridge } = address;
  const dir = join(ctx.state.dir, 'hosts', name);
  const host: HostRecord = { name, ip, netns, veth, bridge: bridge.name, dir, hostKeyPub: '' };
  ctx.state.hosts[name] = host;
  // Taken right before our first `ip netns add`: only now does it tell what the machine had.
  if (ctx.state.netns.length === 0) ctx.state.runNetnsWasMount = isMountPoint('/run/netns');
  ctx.state.netns.push(netns);
  ctx.state.links.push(veth);
  ctx.save();
  await createNetns(netns);
  await connectHost(netns, veth, bridge.name, `${ip}/${bridge.cidr.split('/')[1]}`);
  await writeHostFiles(dir, name, ctx.state.clientPublicKeys);
  host.hostKeyPub = await generateHostKey(join(dir, 'ssh_host_ed25519_key'), name);
  await startHost(host, etcDir(ctx), () => ctx.save());
  return host;
}
