// "Programs never ask DNS" on app (dns-not-asked): a copy of /etc/nsswitch.conf whose hosts: line
// reads `files`, bind-mounted over the file in app's private mount namespace. dig still asks the
// resolver and gets the record; getent, as every program that looks a name up, never does.
import { inHost, mountedOver } from './host.js';
import type { HostRecord } from './state.js';

// In the host's private /run tmpfs: the copy goes away with the host.
const COPY = '/run/lab-nsswitch.conf';

export function dnsNotAsked(host: HostRecord): boolean {
  // A file bind-mounted from a tmpfs shows the tmpfs's type.
  return mountedOver(host, '/etc/nsswitch.conf', 'tmpfs');
}

export async function setDnsNotAsked(host: HostRecord, notAsked: boolean): Promise<void> {
  if (dnsNotAsked(host) === notAsked) return;
  if (notAsked) {
    await inHost(host, 'leaving DNS out of nsswitch.conf', `sed 's/^hosts:.*/hosts:          files/' /etc/nsswitch.conf >${COPY}
mount --bind ${COPY} /etc/nsswitch.conf`);
  } else {
    await inHost(host, 'restoring nsswitch.conf', `umount /etc/nsswitch.conf\nrm -f ${COPY}`);
  }
}
