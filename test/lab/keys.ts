// SSH key material: one client key of each type per lab (ed25519 is the default identity;
// ecdsa and rsa exist for key-type tests) and one ed25519 host key per host.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './command.js';

export interface ClientKeys {
  ed25519: string;
  ecdsa: string;
  rsa: string;
}

async function keygen(path: string, type: string, comment: string, extra: readonly string[] = []): Promise<string> {
  await run('ssh-keygen', ['-q', '-t', type, ...extra, '-N', '', '-C', comment, '-f', path]);
  return (await readFile(`${path}.pub`, 'utf8')).trim();
}

/** Private key paths in the lab dir. */
export function clientKeyPaths(dir: string): ClientKeys {
  return { ed25519: join(dir, 'id_ed25519'), ecdsa: join(dir, 'id_ecdsa'), rsa: join(dir, 'id_rsa') };
}

/** Creates the client keys; returns the public key lines, to be authorized on every host. */
export async function generateClientKeys(keys: ClientKeys): Promise<string[]> {
  // RSA 2048 keeps key generation well under a second; its size is not what the tests are about.
  return Promise.all([
    keygen(keys.ed25519, 'ed25519', 'runbook-lab-client'),
    keygen(keys.ecdsa, 'ecdsa', 'runbook-lab-client', ['-b', '256']),
    keygen(keys.rsa, 'rsa', 'runbook-lab-client', ['-b', '2048']),
  ]);
}

/** Returns the public key line ("ssh-ed25519 AAAA… comment"). */
export async function generateHostKey(path: string, hostName: string): Promise<string> {
  return keygen(path, 'ed25519', `runbook-lab-host-${hostName}`);
}
