// The fault scenarios of LAB-NOTES' table, as the state each one wants. Pure data: scenario.ts
// converges the lab to it, so any scenario can follow any other.
import { CORE_HOSTS, MYSQL_PORT } from './topology.js';

export type Scenario =
  | 'healthy'
  | 'icmp-blocked'
  | 'mysql-down'
  | 'bind-localhost'
  | 'port-filtered'
  | 'wrong-port'
  | 'tools-missing';

export interface Fault {
  /** mysqld's extra arguments, or null when mysqld must not run. */
  mysqldArgs: readonly string[] | null;
  /** nftables rules for db's input chain; empty means no fault table at all. */
  dbRules: readonly string[];
  /** Network tools hidden on app and db by an overlay on /usr/bin. */
  toolsMissing: boolean;
}

const HEALTHY: Fault = { mysqldArgs: [], dbRules: [], toolsMissing: false };

export const FAULTS: Readonly<Record<Scenario, Fault>> = {
  healthy: HEALTHY,
  'icmp-blocked': { ...HEALTHY, dbRules: ['icmp type echo-request drop'] },
  'mysql-down': { ...HEALTHY, mysqldArgs: null },
  'bind-localhost': { ...HEALTHY, mysqldArgs: ['--bind-address=127.0.0.1'] },
  // drop, not reject: a silent filter, the client times out (LAB-NOTES 8, 9).
  'port-filtered': { ...HEALTHY, dbRules: [`ip saddr ${CORE_HOSTS.app.ip} tcp dport ${MYSQL_PORT} drop`] },
  'wrong-port': { ...HEALTHY, mysqldArgs: ['--port=3307'] },
  'tools-missing': { ...HEALTHY, toolsMissing: true },
};

export const SCENARIOS = Object.keys(FAULTS) as Scenario[];

export function isScenario(name: string): name is Scenario {
  return Object.hasOwn(FAULTS, name);
}

/** The tools hidden in tools-missing (nc is a symlink to nc.openbsd via alternatives). */
export const HIDDEN_TOOLS = ['lsof', 'nc', 'nc.openbsd', 'nmap', 'tcpdump'] as const;
