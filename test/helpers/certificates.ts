// Certificates for tests of the http and tls kinds, made by the real openssl CLI: a CA of our own, a
// certificate it signed for a name and 127.0.0.1, one that expired, one for another name, and a
// self-signed one. `openssl ca` is what sets past dates (req -x509 cannot in OpenSSL 3.0). The lab
// uses the same files for nginx.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Certificates {
  readonly dir: string;
  /** PEM of the CA: give it to the CLI as NODE_EXTRA_CA_CERTS and its certificates are trusted. */
  readonly caFile: string;
  readonly key: string;
  readonly keyFile: string;
  /** name -> PEM: `valid`, `expired`, `wrong-name`, `self-signed`. */
  readonly pem: Readonly<Record<CertificateName, string>>;
  readonly files: Readonly<Record<CertificateName, string>>;
}

export type CertificateName = 'valid' | 'expired' | 'wrong-name' | 'self-signed';

const CA_CONFIG = `[ ca ]
default_ca = lab
[ lab ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
`;

const openssl = (dir: string, args: readonly string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};

const stamp = (date: Date): string => `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** Writes a CA and its certificates for `name` (and 127.0.0.1) under `dir`. Takes about half a second. */
export const makeCertificates = (dir: string, name: string, address = '127.0.0.1'): Certificates => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=runbook test CA', '-days', '3650']);
  openssl(dir, ['genrsa', '-out', 'server.key', '2048']);
  const request = (file: string, cn: string, san: string): void =>
    openssl(dir, ['req', '-new', '-key', 'server.key', '-out', file, '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${san}`]);
  request('server.csr', name, `DNS:${name},IP:${address}`);
  request('other.csr', 'other.example', 'DNS:other.example');
  const sign = (csr: string, out: string, from: Date, until: Date): void =>
    openssl(dir, ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', csr, '-out', out, '-startdate', stamp(from), '-enddate', stamp(until)]);
  const day = 86_400_000;
  const now = Date.now();
  sign('server.csr', 'valid.pem', new Date(now - day), new Date(now + 90 * day));
  sign('server.csr', 'expired.pem', new Date(now - 60 * day), new Date(now - 30 * day));
  sign('other.csr', 'wrong-name.pem', new Date(now - day), new Date(now + 90 * day));
  openssl(dir, ['req', '-x509', '-key', 'server.key', '-out', 'self-signed.pem', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name},IP:${address}`, '-days', '30']);
  const names: CertificateName[] = ['valid', 'expired', 'wrong-name', 'self-signed'];
  const files = Object.fromEntries(names.map((cert) => [cert, join(dir, `${cert}.pem`)])) as Record<CertificateName, string>;
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    keyFile: join(dir, 'server.key'),
    pem: Object.fromEntries(names.map((cert) => [cert, readFileSync(files[cert], 'utf8')])) as Record<CertificateName, string>,
    files,
  };
};
