// Converges the lab to a scenario: mysqld's arguments, db's fault firewall, and the tools on
// app and db. Every part is compared with what the scenario wants and fixed only if it differs,
// so applying is idempotent and any scenario can follow any other.
import { FAULTS, type Scenario } from './faults.js';
import { FAULT_TABLE, setInputRules } from './firewall.js';
import { createAppUser, prepareMariadb, startMysqld, stopMysqld } from './mariadb.js';
import { isAlive } from './proc.js';
import type { HostRecord, LabContext } from './state.js';
import { setToolsHidden } from './tools-overlay.js';

function coreHost(ctx: LabContext, name: 'app' | 'db'): HostRecord {
  const host = ctx.state.hosts[name];
  if (!host) throw new Error(`lab has no host ${name}`);
  return host;
}

function running(host: HostRecord): boolean {
  return host.sshd !== undefined && isAlive(host.sshd);
}

function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, index) => arg === b[index]);
}

async function convergeMysqld(ctx: LabContext, args: readonly string[] | null): Promise<void> {
  const db = coreHost(ctx, 'db');
  const current = ctx.state.mysqld;
  if (current && isAlive(current.mysqld) && args && sameArgs(current.args, args)) return;
  if (current) {
    await stopMysqld(current);
    delete ctx.state.mysqld;
    ctx.save();
  }
  if (args && running(db)) {
    await startMysqld(db, args, (record) => {
      ctx.state.mysqld = record;
      ctx.save();
    });
  }
}

/** Only running hosts are changed; a host started later gets its part from restoreHost. */
export async function applyScenario(ctx: LabContext, scenario: Scenario): Promise<void> {
  const fault = FAULTS[scenario];
  ctx.state.scenario = scenario;
  ctx.save();
  // The firewall lives in db's network namespace, which outlives db's processes.
  await setInputRules(coreHost(ctx, 'db').netns, FAULT_TABLE, fault.dbRules);
  const hosts = [coreHost(ctx, 'app'), coreHost(ctx, 'db')].filter(running);
  await Promise.all(hosts.map((host) => setToolsHidden(host, fault.toolsMissing)));
  await convergeMysqld(ctx, fault.mysqldArgs);
}

/** After a core host (re)started with fresh mount namespace: MariaDB's files, then the scenario. */
export async function restoreHost(ctx: LabContext, host: HostRecord): Promise<void> {
  if (host.name === 'db') {
    delete ctx.state.mysqld;
    await prepareMariadb(host);
    await convergeMysqld(ctx, []);
    await createAppUser(host);
  }
  await applyScenario(ctx, ctx.state.scenario);
}
