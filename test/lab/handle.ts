// The Lab interface over a persisted record: every change goes through LabState and is saved, so
// another process (cli.ts) can attach to the same lab and carry on.
import { knownHostsPath, sshConfigPath, writeNameFiles } from './build.js';
import { isScenario, type Scenario } from './faults.js';
import { SSH_GUARD_TABLE, setInputRules } from './firewall.js';
import { addFleetHosts, fleetRecords } from './fleet.js';
import { execInHost, startHost, stopHost } from './host.js';
import type { ClientKeys } from './keys.js';
import type { ExecResult, Lab, LabHost } from './lab-api.js';
import { setLinkUp } from './netns.js';
import { isAlive } from './proc.js';
import { etcDir } from './provision.js';
import { applyScenario, forgetDbProcesses, restoreHost } from './scenario.js';
import type { HostRecord, LabContext } from './state.js';
import { teardown } from './teardown.js';
import { CORE_HOSTS, SSH_PORTS, type CoreHostName } from './topology.js';

function toLabHost(host: HostRecord): LabHost {
  return { name: host.name, ip: host.ip, netns: host.netns, sshdPid: host.sshd?.pid ?? 0 };
}

export class LabHandle implements Lab {
  constructor(private readonly ctx: LabContext, private readonly closed: { value: boolean }) {}

  get dir(): string { return this.ctx.state.dir; }
  get sshConfigPath(): string { return sshConfigPath(this.ctx); }
  get knownHostsPath(): string { return knownHostsPath(this.ctx); }
  get clientKeys(): ClientKeys { return this.ctx.state.clientKeys; }
  get scenario(): Scenario { return this.ctx.state.scenario; }
  get fleet(): LabHost[] { return fleetRecords(this.ctx).map(toLabHost); }
  get hosts(): Record<CoreHostName, LabHost> {
    return { app: toLabHost(this.host('app')), db: toLabHost(this.host('db')), bastion: toLabHost(this.host('bastion')) };
  }

  private assertUp(): void {
    if (this.closed.value) throw new Error('the lab is down');
  }

  private host(name: string): HostRecord {
    this.assertUp();
    const host = this.ctx.state.hosts[name];
    if (!host) throw new Error(`the lab has no host "${name}"`);
    return host;
  }

  async setScenario(scenario: Scenario): Promise<void> {
    if (!isScenario(scenario)) throw new Error(`unknown scenario "${String(scenario)}"`);
    this.assertUp();
    await applyScenario(this.ctx, scenario);
  }

  async sshOnlyViaBastion(on: boolean): Promise<void> {
    const rules = on ? [`tcp dport { ${SSH_PORTS.join(', ')} } ip saddr != ${CORE_HOSTS.bastion.ip} drop`] : [];
    await setInputRules(this.host('db').netns, SSH_GUARD_TABLE, rules);
    this.ctx.state.sshOnlyViaBastion = on;
    this.ctx.save();
  }

  async stopSshd(name: string): Promise<void> {
    await stopHost(this.host(name));
    if (name === 'db') forgetDbProcesses(this.ctx);
    this.ctx.save();
  }

  async startSshd(name: string): Promise<void> {
    const host = this.host(name);
    if (host.sshd && isAlive(host.sshd)) return;
    await stopHost(host); // a host that died on its own: collect what is left of it first
    await startHost(host, etcDir(this.ctx), () => this.ctx.save());
    if (name === 'app' || name === 'db') await restoreHost(this.ctx, host);
  }

  async setReachable(name: string, reachable: boolean): Promise<void> {
    await setLinkUp(this.host(name).veth, reachable);
  }

  async exec(name: string, command: string, timeoutMs?: number): Promise<ExecResult> {
    const { exitCode, stdout, stderr } = await execInHost(this.host(name), command, timeoutMs);
    return { exitCode, stdout, stderr };
  }

  async addFleet(n: number): Promise<LabHost[]> {
    this.assertUp();
    const added = await addFleetHosts(this.ctx, n);
    await writeNameFiles(this.ctx);
    return added.map(toLabHost);
  }

  async down(): Promise<void> {
    if (this.closed.value) return;
    this.closed.value = true;
    await teardown(this.ctx.state);
  }
}
