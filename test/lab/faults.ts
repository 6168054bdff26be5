// The fault scenarios of LAB-NOTES' tables, as the state each one wants. Pure data: scenario.ts
// converges the lab to it, so any scenario can follow any other.
import { CORE_HOSTS, MYSQL_PORT } from './topology.js';

export type Scenario =
  | 'healthy'
  | 'icmp-blocked'
  | 'mysql-down'
  | 'bind-localhost'
  | 'port-filtered'
  | 'wrong-port'
  | 'tools-missing'
  | 'mysql-hung'
  | 'access-denied'
  | 'too-many-connections';

export interface Fault {
  /** mysqld's extra arguments, or null when mysqld must not run. */
  mysqldArgs: readonly string[] | null;
  /** mysqld stopped with SIGSTOP: the kernel still completes TCP handshakes, mysqld says nothing. */
  mysqldFrozen: boolean;
  /** Where the app account may log in from: '%' anywhere, 'localhost' not from app. */
  appAccountHost: '%' | 'localhost';
  /** max_connections lowered to this many, all of them held open; null: no such fault. */
  heldConnections: number | null;
  /** nftables rules for db's input chain; empty means no fault table at all. */
  dbRules: readonly string[];
  /** Network tools hidden on app and db by an overlay on /usr/bin. */
  toolsMissing: boolean;
}

const HEALTHY: Fault = {
  mysqldArgs: [], mysqldFrozen: false, appAccountHost: '%', heldConnections: null, dbRules: [], toolsMissing: false,
};

export const FAULTS: Readonly<Record<Scenario, Fault>> = {
  healthy: HEALTHY,
  'icmp-blocked': { ...HEALTHY, dbRules: ['icmp type echo-request drop'] },
  'mysql-down': { ...HEALTHY, mysqldArgs: null },
  'bind-localhost': { ...HEALTHY, mysqldArgs: ['--bind-address=127.0.0.1'] },
  // drop, not reject: a silent filter, the client times out (LAB-NOTES 8, 9).
  'port-filtered': { ...HEALTHY, dbRules: [`ip saddr ${CORE_HOSTS.app.ip} tcp dport ${MYSQL_PORT} drop`] },
  'wrong-port': { ...HEALTHY, mysqldArgs: ['--port=3307'] },
  'tools-missing': { ...HEALTHY, toolsMissing: true },
  // LAB-NOTES "When TCP is fine and the app still gets nothing": only the MySQL protocol tells these apart.
  'mysql-hung': { ...HEALTHY, mysqldFrozen: true },
  'access-denied': { ...HEALTHY, appAccountHost: 'localhost' },
  // Ten is enough: MariaDB keeps one more slot for SUPER (the lab's root), none for app.
  'too-many-connections': { ...HEALTHY, heldConnections: 10 },
};

export const SCENARIOS = Object.keys(FAULTS) as Scenario[];

export function isScenario(name: string): name is Scenario {
  return Object.hasOwn(FAULTS, name);
}

/** The tools hidden in tools-missing (nc is a symlink to nc.openbsd via alternatives). */
export const HIDDEN_TOOLS = ['lsof', 'nc', 'nc.openbsd', 'nmap', 'tcpdump'] as const;
