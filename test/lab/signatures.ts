// LAB-NOTES' "Observed results" table (and "When TCP is fine..."), one row per scenario, in the
// words of probes.ts. A fault is only useful to a diagnosis if its row differs from every other.
import type { ArticleScenario } from './faults.js';
import type { Observation } from './probes.js';

const HEALTHY: Observation = {
  mysqldProcess: true,
  lsof: 'LISTEN *:3306',
  listeners: ['0.0.0.0:3306'],
  localNc: 'succeeded',
  ping: 'reply',
  remoteNc: 'succeeded',
  nmap: 'open',
  tcpdump: '[S] [S.]',
  mariadb: 'ok',
};

const REFUSED = { remoteNc: 'refused', nmap: 'closed', tcpdump: '[S] [R.]', mariadb: 'ERROR 2002 (115)' } as const;

export const SIGNATURES: Readonly<Record<ArticleScenario, Observation>> = {
  healthy: HEALTHY,
  'icmp-blocked': { ...HEALTHY, ping: 'no reply' },
  'mysql-down': { ...HEALTHY, ...REFUSED, mysqldProcess: false, lsof: 'nothing', listeners: [], localNc: 'refused' },
  'bind-localhost': { ...HEALTHY, ...REFUSED, lsof: 'LISTEN 127.0.0.1:3306', listeners: ['127.0.0.1:3306'] },
  // Bound to db's other address: nothing answers on 127.0.0.1 or on the address the app asks.
  'bind-other-address': { ...HEALTHY, ...REFUSED, lsof: 'LISTEN 10.200.0.83:3306', listeners: ['10.200.0.83:3306'], localNc: 'refused' },
  'port-filtered': {
    ...HEALTHY, remoteNc: 'timed out', nmap: 'filtered', tcpdump: '[S] [S]', mariadb: 'ERROR 2002 (110)',
  },
  // Rejected with an ICMP port unreachable: nc and the client say refused, nmap filtered, and the
  // capture (TCP port 3306 only) holds the SYN and no TCP answer.
  'port-rejected': { ...HEALTHY, remoteNc: 'refused', nmap: 'filtered', tcpdump: '[S]', mariadb: 'ERROR 2002 (115)' },
  'wrong-port': { ...HEALTHY, ...REFUSED, lsof: 'nothing', listeners: ['0.0.0.0:3307'], localNc: 'refused' },
  'tools-missing': { ...HEALTHY, lsof: 'rc 127', localNc: 'rc 127', remoteNc: 'rc 127', nmap: 'rc 127', tcpdump: 'rc 127' },
  // TCP is fine in these: only the client that speaks MySQL sees a difference.
  'mysql-hung': { ...HEALTHY, mariadb: 'ERROR 2013 (110)' },
  'access-denied': { ...HEALTHY, mariadb: 'ERROR 1045 (28000)' },
  'account-locked': { ...HEALTHY, mariadb: 'ERROR 4151 (HY000)' },
  // Logged in "sandboxed": every statement but a password change is refused.
  'password-expired': { ...HEALTHY, mariadb: 'ERROR 1820 (HY000)' },
  'database-missing': { ...HEALTHY, mariadb: 'ERROR 1049 (42000)' },
  'too-many-connections': { ...HEALTHY, mariadb: 'ERROR 1040 (08004)' },
  'user-connection-limit': { ...HEALTHY, mariadb: 'ERROR 1226 (42000)' },
  // The app's query waits for the table lock until the client's lock_wait_timeout (probes.ts).
  'query-blocked': { ...HEALTHY, mariadb: 'ERROR 1205 (HY000)' },
  // The same for the row, until innodb_lock_wait_timeout.
  'row-locked': { ...HEALTHY, mariadb: 'ERROR 1205 (HY000)' },
  // Refused before the greeting; every probe of the port above still sees it open.
  'host-blocked': { ...HEALTHY, mariadb: 'ERROR 1129 (before the greeting)' },
};
