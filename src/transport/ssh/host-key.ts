// The host key policy: known_hosts decides, `accept-new` records a first key, and nothing turns
// verification off. A refusal carries one line saying exactly what to do about it.
import type { TransportError } from '../types.js';
import {
  appendKnownHost, checkHostKey, fingerprint, hostsFieldMatches, type KnownHostEntry, knownHostLine, knownHostName, keyTypeOf,
  readKnownHosts,
} from './known-hosts.js';
import { describeTarget, type SshTarget } from './config.js';

// ssh2's own preference order; `ssh-rsa` keys are offered under the three RSA signature names.
const ALGORITHMS = [
  'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521',
  'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];
const algorithmsFor = (keyType: string): string[] =>
  keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];

export interface HostKeyCheck {
  /**
   * Key types already recorded for the host come first, as ssh orders them: otherwise a host known
   * by its ECDSA key that also has an Ed25519 key would look "changed".
   */
  readonly algorithms: string[];
  readonly verify: (key: Buffer) => boolean;
  /** Why `verify` said no, for the connection's error. */
  readonly refusal: () => TransportError | undefined;
}

const keyLabel = (key: Buffer): string =>
  `${keyTypeOf(key).replace(/^ssh-|-sha2-nistp\d+$/g, '').toUpperCase()} key ${fingerprint(key)}`;

function unknownMessage(target: SshTarget, name: string, key: Buffer): string {
  const file = target.userKnownHostsFiles[0] ?? '~/.ssh/known_hosts';
  const keyscan = `ssh-keyscan -p ${target.port} -t ${keyTypeOf(key)} ${target.hostName} >> ${file}`;
  return `${describeTarget(target)}: host key for ${name} is not in known_hosts (${keyLabel(key)}); ` +
    `to trust it, check the fingerprint and run \`${keyscan}\`, or use --ssh-strict-host-key-checking accept-new`;
}

function changedMessage(target: SshTarget, name: string, key: Buffer, entry: KnownHostEntry): string {
  return `${describeTarget(target)}: HOST KEY CHANGED for ${name}: offered ${keyLabel(key)} but ` +
    `${entry.file}:${entry.line} records another; someone may be intercepting the connection, or the ` +
    `host was reinstalled (if so: ssh-keygen -R '${name}' -f ${entry.file})`;
}

function refuse(target: SshTarget, name: string, key: Buffer, entries: KnownHostEntry[]): TransportError | undefined {
  const verdict = checkHostKey(entries, name, key);
  switch (verdict.kind) {
    case 'trusted':
      return undefined;
    case 'revoked':
      return {
        code: 'HOSTKEY_REVOKED',
        message: `${describeTarget(target)}: ${keyLabel(key)} is marked @revoked at ${verdict.entry.file}:${verdict.entry.line}`,
      };
    case 'changed':
      return { code: 'HOSTKEY_CHANGED', message: changedMessage(target, name, key, verdict.entry) };
    case 'unknown': {
      const file = target.userKnownHostsFiles[0];
      if (target.strictHostKeyChecking !== 'accept-new' || file === undefined) {
        return { code: 'HOSTKEY_UNKNOWN', message: unknownMessage(target, name, key) };
      }
      appendKnownHost(file, knownHostLine(name, key, target.hashKnownHosts));
      return undefined;
    }
  }
}

export function hostKeyCheck(target: SshTarget): HostKeyCheck {
  const name = knownHostName(target.hostKeyAlias ?? target.hostName, target.port);
  // Only the lines about this host are kept for the key's check: the connection holds them while it lives.
  const entries = readKnownHosts([...target.userKnownHostsFiles, ...target.globalKnownHostsFiles]).filter((e) => hostsFieldMatches(e.hosts, name));
  const known = entries.filter((e) => e.marker === undefined);
  const preferred = [...new Set(known.flatMap((e) => algorithmsFor(e.keyType)))].filter((a) => ALGORITHMS.includes(a));
  let refusal: TransportError | undefined;
  return {
    algorithms: [...preferred, ...ALGORITHMS.filter((a) => !preferred.includes(a))],
    verify: (key) => {
      try {
        refusal = refuse(target, name, key, entries);
      } catch (error) {
        refusal = { code: 'HOSTKEY_UNKNOWN', message: `${describeTarget(target)}: cannot record host key: ${String(error)}` };
      }
      return refusal === undefined;
    },
    refusal: () => refusal,
  };
}
