// Host entries: `local`, or an SSH destination written as the operator would type it after `ssh`
// (printed back by model/host-address.ts).
import { isPort } from '../model/port.js';
import type { HostSpec } from '../model/runbook.js';

const DESTINATION = /^(?:([^@\s]+)@)?(\[[0-9A-Fa-f:.]+\]|[^@:\s[\]]+)(?::(\d{1,5}))?$/;

/** Parses `[user@]host[:port]`; undefined when it is not one. `name`: the host's name (default: its host part). */
export const parseHostAddress = (role: string, address: string, become = false, name?: string): HostSpec | undefined => {
  if (address === 'local') return { role, kind: 'local', name: name ?? 'local', become };
  const match = DESTINATION.exec(address);
  if (!match) return undefined;
  const [, user, rawHost, rawPort] = match;
  const port = rawPort === undefined ? undefined : Number(rawPort);
  if (port !== undefined && !isPort(port)) return undefined;
  const host = rawHost!.replace(/^\[(.*)\]$/, '$1');
  return { role, kind: 'ssh', name: name ?? host, host, become, ...(user ? { user } : {}), ...(port ? { port } : {}) };
};
