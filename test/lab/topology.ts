// Fixed names and addresses of the lab (LAB-NOTES "A topology that works"). Fixed on purpose:
// runbooks and docs name these IPs, which is also why two labs cannot run at once.
import { FLEET_BRIDGE, LAB_BRIDGE, NETNS_PREFIX, VETH_PREFIX, type BridgeSpec } from './netns.js';

export type CoreHostName = 'app' | 'db' | 'bastion';

export interface HostAddress {
  name: string;
  ip: string;
  netns: string;
  veth: string;
  bridge: BridgeSpec;
}

function address(name: string, ip: string, bridge: BridgeSpec): HostAddress {
  return { name, ip, netns: `${NETNS_PREFIX}${name}`, veth: `${VETH_PREFIX}${name}`, bridge };
}

export const CORE_HOSTS: Readonly<Record<CoreHostName, HostAddress>> = {
  app: address('app', '10.200.0.216', LAB_BRIDGE),
  db: address('db', '10.200.0.82', LAB_BRIDGE),
  bastion: address('bastion', '10.200.0.10', LAB_BRIDGE),
};

/** Fleet host i (1-based): host01 at 10.201.0.11; the /24 leaves room for 244 of them. */
export function fleetHost(index: number): HostAddress {
  if (!Number.isInteger(index) || index < 1 || index > 244) throw new RangeError(`fleet host index ${index} is outside 1..244`);
  return address(`host${String(index).padStart(2, '0')}`, `10.201.0.${10 + index}`, FLEET_BRIDGE);
}

export const MYSQL_PORT = 3306;

/**
 * The app's account on db and its database. The password is distinctive on purpose: tests grep
 * every output for it, so it must not be a word that could appear there for another reason.
 */
export const LAB_DB = {
  user: 'app',
  password: 'app-Lab-pw-4c1e',
  database: 'appdb',
  /** A table of the app's, with two rows: what its query reads (query-blocked locks it, row-locked one of its rows). */
  table: 'orders',
  // A locking read, as an app reads what it is about to change: a row another transaction holds
  // stops it, where a plain SELECT reads the row's last committed version and never waits.
  query: 'SELECT COUNT(*) FROM orders LOCK IN SHARE MODE',
} as const;

/** Every lab sshd also listens here, where TCP forwarding (ssh -W, -L) is refused. */
export const NOFORWARD_SSH_PORT = 2222;
export const SSH_PORTS = [22, NOFORWARD_SSH_PORT] as const;
