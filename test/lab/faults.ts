// The fault scenarios of LAB-NOTES' tables, as the state each one wants. Pure data: scenario.ts
// converges the lab to it, so any scenario can follow any other.
import { CORE_HOSTS, MYSQL_PORT } from './topology.js';

/** The article's scenarios (the MySQL walk-through): the shipped mysql-connectivity runbook's. */
export type ArticleScenario =
  | 'healthy'
  | 'icmp-blocked'
  | 'mysql-down'
  | 'bind-localhost'
  | 'bind-other-address'
  | 'port-filtered'
  | 'port-rejected'
  | 'wrong-port'
  | 'tools-missing'
  | 'mysql-hung'
  | 'access-denied'
  | 'account-locked'
  | 'password-expired'
  | 'database-missing'
  | 'too-many-connections'
  | 'user-connection-limit'
  | 'query-blocked'
  | 'row-locked'
  | 'host-blocked';

/** web-service.yaml's: nginx on db in front of an upstream, asked from app. */
export type WebScenario = 'web-healthy' | 'nginx-down' | 'nginx-bind-localhost' | 'nginx-wrong-port' | 'upstream-down' | 'cert-expired' | 'web-port-filtered' | 'web-port-rejected';

/** dns-resolution.yaml's: dnsmasq on db, app's resolver. */
export type DnsScenario = 'dns-healthy' | 'resolver-down' | 'resolver-filtered' | 'resolver-servfail' | 'resolver-refuses' | 'name-missing' | 'wrong-address' | 'dns-not-asked';

export type Scenario = ArticleScenario | WebScenario | DnsScenario;

/** nginx (80 and 443) on db and the upstream it proxies to on 127.0.0.1:8080. */
export interface WebFault {
  /** The address nginx listens on; null: nginx does not run. */
  nginxBind: '0.0.0.0' | '127.0.0.1' | null;
  /** Its plain HTTP port, and its HTTPS port. */
  ports: readonly [number, number];
  certificate: 'valid' | 'expired';
  upstream: boolean;
}

/** dnsmasq on db's address, app's resolver. */
export interface DnsFault {
  /** What it answers for web.lab, from its own zone; null: NXDOMAIN. */
  webAddress: string | null;
  /**
   * Where it gets `lab` from: its own zone; an upstream that answers every question SERVFAIL (a
   * broken forwarder, or one whose DNSSEC validation fails); or nowhere, so it refuses the question.
   */
  zone: 'own' | 'failing-upstream' | 'none';
}

/** Sessions of app held open over 127.0.0.1 inside db, each blocked in a long SLEEP(). */
export interface HeldSessions {
  count: number;
  /**
   * What they use up, once held: every connection slot of the server (max_connections lowered to
   * `count`), the app account's own (its MAX_USER_CONNECTIONS set to `count`), or (null) neither.
   */
  exhausts: 'max_connections' | 'max_user_connections' | null;
  /**
   * What they lock, so that the app's query waits: its whole table (LOCK TABLES ... WRITE, a
   * metadata lock the process list names), one of its rows (a transaction left open after an
   * UPDATE: InnoDB's row lock, which the process list does not name), or (null) nothing.
   */
  lock: 'table' | 'row' | null;
}

/** What the app account can do once it is found: log in, nothing (locked), or only change its password. */
export type AccountState = 'usable' | 'locked' | 'password-expired';

export interface Fault {
  /** mysqld's extra arguments, or null when mysqld must not run. */
  mysqldArgs: readonly string[] | null;
  /** mysqld stopped with SIGSTOP: the kernel still completes TCP handshakes, mysqld says nothing. */
  mysqldFrozen: boolean;
  /** Where the app account may log in from: '%' anywhere, 'localhost' not from app. */
  appAccountHost: '%' | 'localhost';
  appAccountState: AccountState;
  /** The app's database exists (false: dropped, its grant left in place). */
  appDatabase: boolean;
  /** null: no session is held. */
  heldSessions: HeldSessions | null;
  /** nftables rules for db's input chain; empty means no fault table at all. */
  dbRules: readonly string[];
  /** Network tools hidden on app and db by an overlay on /usr/bin. */
  toolsMissing: boolean;
  /** The web stack on db; null: not running (the database's scenarios). */
  web: WebFault | null;
  /** dnsmasq on db; null: not running, so app's lookups are refused at once (ICMP port unreachable). */
  dns: DnsFault | null;
  /** app's nsswitch.conf has no dns on its hosts: line: programs never ask the resolver (nsswitch.ts). */
  dnsNotAsked: boolean;
  /** A second address of db's, on its eth0 (the app never connects to it); null: db has only its own. */
  dbSecondAddress: string | null;
  /**
   * app blocked by mysqld (1129): as many connections from app that never log in as
   * max_connect_errors allows, made once mysqld runs with the arguments that count them
   * (HOST_BLOCKING_ARGS).
   */
  appHostBlocked: boolean;
}

/** How many connections in a row from one host may end without a login before mysqld blocks it. */
export const MAX_CONNECT_ERRORS = 3;

/**
 * MariaDB counts a host's failed connections only while it resolves names (LAB-NOTES: with
 * skip-name-resolve, the lab's default, it blocked nothing); the lab's /etc/hosts names app.
 */
const HOST_BLOCKING_ARGS = ['--skip-name-resolve=0', `--max-connect-errors=${MAX_CONNECT_ERRORS}`] as const;

const HEALTHY: Fault = {
  mysqldArgs: [], mysqldFrozen: false, appAccountHost: '%', appAccountState: 'usable', appDatabase: true, heldSessions: null, dbRules: [], toolsMissing: false, web: null, dns: null, dnsNotAsked: false, dbSecondAddress: null,
  appHostBlocked: false,
};

/** db's second address in bind-other-address: on the lab's segment, and no host's own. */
export const DB_SECOND_ADDRESS = '10.200.0.83';

/** What dnsmasq answers for web.lab in wrong-address: an address in the lab where nothing lives. */
export const WRONG_WEB_ADDRESS = '10.200.0.99';

const WEB_UP: Fault = { ...HEALTHY, web: { nginxBind: '0.0.0.0', ports: [80, 443], certificate: 'valid', upstream: true } };
const DNS_UP: Fault = { ...HEALTHY, dns: { webAddress: CORE_HOSTS.db.ip, zone: 'own' } };

const ARTICLE_FAULTS: Readonly<Record<ArticleScenario, Fault>> = {
  healthy: HEALTHY,
  'icmp-blocked': { ...HEALTHY, dbRules: ['icmp type echo-request drop'] },
  'mysql-down': { ...HEALTHY, mysqldArgs: null },
  'bind-localhost': { ...HEALTHY, mysqldArgs: ['--bind-address=127.0.0.1'] },
  // bind-address set to another of the server's addresses (a multi-homed host): the app's is refused.
  'bind-other-address': { ...HEALTHY, dbSecondAddress: DB_SECOND_ADDRESS, mysqldArgs: [`--bind-address=${DB_SECOND_ADDRESS}`] },
  // drop, not reject: a silent filter, the client times out (LAB-NOTES 8, 9).
  'port-filtered': { ...HEALTHY, dbRules: [`ip saddr ${CORE_HOSTS.app.ip} tcp dport ${MYSQL_PORT} drop`] },
  // reject, as iptables' REJECT and firewalld do: an ICMP port unreachable, which nc reads as refused.
  'port-rejected': { ...HEALTHY, dbRules: [`ip saddr ${CORE_HOSTS.app.ip} tcp dport ${MYSQL_PORT} reject`] },
  'wrong-port': { ...HEALTHY, mysqldArgs: ['--port=3307'] },
  'tools-missing': { ...HEALTHY, toolsMissing: true },
  // LAB-NOTES "When TCP is fine and the app still gets nothing": only the MySQL protocol tells these apart.
  'mysql-hung': { ...HEALTHY, mysqldFrozen: true },
  'access-denied': { ...HEALTHY, appAccountHost: 'localhost' },
  'account-locked': { ...HEALTHY, appAccountState: 'locked' },
  // MariaDB lets an expired password log in "sandboxed": every query is refused (1820).
  'password-expired': { ...HEALTHY, appAccountState: 'password-expired' },
  'database-missing': { ...HEALTHY, appDatabase: false },
  // Ten is enough: MariaDB keeps one more slot for SUPER (the lab's root), none for app.
  'too-many-connections': { ...HEALTHY, heldSessions: { count: 10, exhausts: 'max_connections', lock: null } },
  // The server has slots to spare; the app account has used its own two.
  'user-connection-limit': { ...HEALTHY, heldSessions: { count: 2, exhausts: 'max_user_connections', lock: null } },
  // A session holds LOCK TABLES orders WRITE: the app logs in, and its query waits for the lock.
  'query-blocked': { ...HEALTHY, heldSessions: { count: 1, exhausts: null, lock: 'table' } },
  // A session updated a row of the app's table and left its transaction open: the app's locking
  // read waits for that row.
  'row-locked': { ...HEALTHY, heldSessions: { count: 1, exhausts: null, lock: 'row' } },
  // app's connections that never logged in (a TCP health check, nc -z, nmap) reached
  // max_connect_errors: mysqld refuses app before its greeting, the app's own logins included.
  'host-blocked': { ...HEALTHY, mysqldArgs: HOST_BLOCKING_ARGS, appHostBlocked: true },
};

const WEB_FAULTS: Readonly<Record<WebScenario, Fault>> = {
  'web-healthy': WEB_UP,
  'nginx-down': { ...WEB_UP, web: { ...WEB_UP.web!, nginxBind: null } },
  'nginx-bind-localhost': { ...WEB_UP, web: { ...WEB_UP.web!, nginxBind: '127.0.0.1' } },
  'nginx-wrong-port': { ...WEB_UP, web: { ...WEB_UP.web!, ports: [8081, 8443] } },
  'upstream-down': { ...WEB_UP, web: { ...WEB_UP.web!, upstream: false } },
  'cert-expired': { ...WEB_UP, web: { ...WEB_UP.web!, certificate: 'expired' } },
  'web-port-filtered': { ...WEB_UP, dbRules: [`ip saddr ${CORE_HOSTS.app.ip} tcp dport { 80, 443 } drop`] },
  'web-port-rejected': { ...WEB_UP, dbRules: [`ip saddr ${CORE_HOSTS.app.ip} tcp dport { 80, 443 } reject`] },
};

const DNS_FAULTS: Readonly<Record<DnsScenario, Fault>> = {
  'dns-healthy': DNS_UP,
  'resolver-down': HEALTHY,
  'resolver-filtered': { ...DNS_UP, dbRules: [`ip saddr ${CORE_HOSTS.app.ip} udp dport 53 drop`, `ip saddr ${CORE_HOSTS.app.ip} tcp dport 53 drop`] },
  'resolver-servfail': { ...DNS_UP, dns: { ...DNS_UP.dns!, zone: 'failing-upstream' } },
  'resolver-refuses': { ...DNS_UP, dns: { ...DNS_UP.dns!, zone: 'none' } },
  'name-missing': { ...DNS_UP, dns: { ...DNS_UP.dns!, webAddress: null } },
  'wrong-address': { ...DNS_UP, dns: { ...DNS_UP.dns!, webAddress: WRONG_WEB_ADDRESS } },
  'dns-not-asked': { ...DNS_UP, dnsNotAsked: true },
};

export const FAULTS: Readonly<Record<Scenario, Fault>> = { ...ARTICLE_FAULTS, ...WEB_FAULTS, ...DNS_FAULTS };

/** The article's scenarios: what the shipped MySQL runbook, its recordings and LAB-NOTES cover. */
export const SCENARIOS = Object.keys(ARTICLE_FAULTS) as ArticleScenario[];
export const WEB_SCENARIOS = Object.keys(WEB_FAULTS) as WebScenario[];
export const DNS_SCENARIOS = Object.keys(DNS_FAULTS) as DnsScenario[];

export function isScenario(name: string): name is Scenario {
  return Object.hasOwn(FAULTS, name);
}

/** The tools hidden in tools-missing (nc is a symlink to nc.openbsd via alternatives). */
export const HIDDEN_TOOLS = ['lsof', 'nc', 'nc.openbsd', 'nmap', 'tcpdump'] as const;
