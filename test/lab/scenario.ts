// Converges the lab to a scenario: mysqld (arguments, frozen or not), the app account (its host
// and state), its database, held sessions, app blocked by mysqld or not, db's fault firewall, and
// the tools on app and db.
// Every part is compared with what the scenario wants and fixed only if it differs, so applying
// is idempotent and any scenario can follow any other.
import { holdConnections, holding, releaseConnections } from './connection-holder.js';
import { FAULTS, MAX_CONNECT_ERRORS, type Fault, type HeldSessions, type Scenario } from './faults.js';
import { FAULT_TABLE, setInputRules } from './firewall.js';
import { blockHost, convergeAppAccount, convergeAppAccountState, convergeAppDatabase, createAppAccount, prepareMariadb, setMysqldFrozen, startMysqld, stopMysqld } from './mariadb.js';
import { isAlive } from './proc.js';
import type { HostRecord, LabContext } from './state.js';
import { setToolsHidden } from './tools-overlay.js';
import { convergeWebAndDns, forgetServices } from './web-dns.js';
import { setDnsNotAsked } from './nsswitch.js';
import { setSecondAddress } from './second-address.js';

function coreHost(ctx: LabContext, name: 'app' | 'db'): HostRecord {
  const host = ctx.state.hosts[name];
  if (!host) throw new Error(`lab has no host ${name}`);
  return host;
}

function running(host: HostRecord): boolean {
  return host.sshd !== undefined && isAlive(host.sshd);
}

function mysqldRunning(ctx: LabContext): boolean {
  return ctx.state.mysqld !== undefined && isAlive(ctx.state.mysqld.mysqld);
}

function sameArgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, index) => arg === b[index]);
}

/** db stopped or restarted: whatever ran in it died with its PID namespace. */
export function forgetDbProcesses(ctx: LabContext): void {
  delete ctx.state.mysqld;
  delete ctx.state.connectionHolder;
  forgetServices(ctx);
}

/** mysqld already is what `args` asks for: running with them, or (null) gone and forgotten. */
function mysqldAsWanted(ctx: LabContext, args: readonly string[] | null): boolean {
  const current = ctx.state.mysqld;
  if (args === null) return current === undefined;
  return current !== undefined && isAlive(current.mysqld) && sameArgs(current.args, args);
}

/**
 * Releases what the record holds unless it is exactly what is wanted: before the account or the
 * database changes (a DROP DATABASE would wait behind a held table lock).
 */
async function releaseUnwantedSessions(ctx: LabContext, wanted: HeldSessions | null): Promise<void> {
  const db = coreHost(ctx, 'db');
  const record = ctx.state.connectionHolder;
  if (!record || (wanted !== null && (await holding(db, record, wanted)))) return;
  await releaseConnections(db, record, mysqldRunning(ctx));
  delete ctx.state.connectionHolder;
  ctx.save();
}

/** Holds what is wanted, unless it is held already: after the account and database are as the scenario wants. */
async function holdWantedSessions(ctx: LabContext, wanted: HeldSessions | null): Promise<void> {
  if (wanted === null || ctx.state.connectionHolder || !mysqldRunning(ctx)) return;
  await holdConnections(coreHost(ctx, 'db'), wanted, (held) => {
    ctx.state.connectionHolder = held;
    ctx.save();
  });
}

/**
 * Before mysqld stops, what a scenario changed inside it goes back to healthy: held sessions
 * would be cut uncleanly, and a server that starts with no account for any host but localhost
 * refuses app's IP before it even greets (1130), where access-denied wants a greeting and 1045.
 */
async function undoServerFaults(ctx: LabContext): Promise<void> {
  await releaseUnwantedSessions(ctx, null);
  if (mysqldRunning(ctx)) await convergeAppAccount(coreHost(ctx, 'db'), '%');
}

async function convergeMysqld(ctx: LabContext, args: readonly string[] | null): Promise<void> {
  if (mysqldAsWanted(ctx, args)) return;
  const current = ctx.state.mysqld;
  if (current) {
    await undoServerFaults(ctx);
    await stopMysqld(current);
    delete ctx.state.mysqld;
    ctx.save();
  }
  const db = coreHost(ctx, 'db');
  if (args && running(db)) {
    await startMysqld(db, args, (record) => {
      ctx.state.mysqld = record;
      ctx.save();
    });
  }
}

/**
 * A frozen mysqld answers no SQL and defers SIGTERM, so it is resumed first and frozen again
 * last. What needs a running server waits, while it is down, for the scenario that starts it.
 */
async function convergeDatabase(ctx: LabContext, fault: Fault): Promise<void> {
  if (ctx.state.mysqld) await setMysqldFrozen(ctx.state.mysqld, false);
  await convergeMysqld(ctx, fault.mysqldArgs);
  const mysqld = ctx.state.mysqld;
  if (!mysqld || !isAlive(mysqld.mysqld)) return;
  const db = coreHost(ctx, 'db');
  await releaseUnwantedSessions(ctx, fault.heldSessions);
  await convergeAppAccount(db, fault.appAccountHost);
  await convergeAppAccountState(db, fault.appAccountState);
  await convergeAppDatabase(db, fault.appDatabase);
  await holdWantedSessions(ctx, fault.heldSessions);
  // Undone with the mysqld that counted (its arguments differ): a new one has blocked no host.
  const app = coreHost(ctx, 'app');
  if (fault.appHostBlocked && running(app)) await blockHost(app, MAX_CONNECT_ERRORS);
  await setMysqldFrozen(mysqld, fault.mysqldFrozen);
}

/** Only running hosts are changed; a host started later gets its part from restoreHost. */
export async function applyScenario(ctx: LabContext, scenario: Scenario): Promise<void> {
  const fault = FAULTS[scenario];
  ctx.state.scenario = scenario;
  ctx.save();
  const app = coreHost(ctx, 'app');
  const db = coreHost(ctx, 'db');
  // The firewall and the second address live in db's network namespace, which outlives db's processes.
  await setInputRules(db.netns, FAULT_TABLE, fault.dbRules);
  await Promise.all([app, db].filter(running).map((host) => setToolsHidden(host, fault.toolsMissing)));
  if (running(app)) await setDnsNotAsked(app, fault.dnsNotAsked);
  // Added before mysqld binds to it, taken away once it no longer does.
  if (fault.dbSecondAddress) await setSecondAddress(db.netns, fault.dbSecondAddress);
  await convergeDatabase(ctx, fault);
  if (!fault.dbSecondAddress) await setSecondAddress(db.netns, null);
  if (running(db)) await convergeWebAndDns(ctx, db, fault.web, fault.dns);
}

/**
 * After a core host (re)started with fresh mount namespace: for db, a new datadir with the app's
 * account and database in it, then the scenario.
 */
export async function restoreHost(ctx: LabContext, host: HostRecord): Promise<void> {
  if (host.name === 'db') {
    forgetDbProcesses(ctx);
    await prepareMariadb(host);
    await convergeMysqld(ctx, []);
    await createAppAccount(host);
  }
  await applyScenario(ctx, ctx.state.scenario);
}
