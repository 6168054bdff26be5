// The web and DNS services on db, for the web-service and dns-resolution runbooks: an upstream
// (node, on 127.0.0.1:8080), nginx in front of it on 80 and 443 (the lab CA's certificate for
// web.lab, or an expired one), and dnsmasq answering for the zone `lab` on db's address, which is
// app's resolver (from its own zone, or from an upstream that fails, or not at all). Each runs
// inside db like mysqld (nsenter, recorded before it is waited for), and is converged like it:
// stopped and started again only when what the scenario wants differs.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeCertificates } from '../helpers/certificates.js';
import { launchDetached, logTail } from './daemon.js';
import type { DnsFault, WebFault } from './faults.js';
import { enterHost, execInHost } from './host.js';
import { isAlive, terminate, waitForChild } from './proc.js';
import type { HostRecord, LabContext, ServiceName, ServiceRecord } from './state.js';
import { CORE_HOSTS } from './topology.js';

export const WEB_NAME = 'web.lab';
export const UPSTREAM_PORT = 8080;

/** The lab CA and its certificates: made once per lab, under the lab's dir. */
export const certificatesDir = (ctx: LabContext): string => join(ctx.state.dir, 'certs');

/** The lab CA's PEM: give it to runbook as NODE_EXTRA_CA_CERTS and web.lab's certificate is trusted. */
export const labCaFile = (ctx: LabContext): string => join(certificatesDir(ctx), 'ca.pem');

const ensureCertificates = (ctx: LabContext): void => {
  if (!existsSync(labCaFile(ctx))) makeCertificates(certificatesDir(ctx), WEB_NAME, CORE_HOSTS.db.ip);
};

// The upstream: a page that says which app answered, on loopback only, as an app server behind nginx.
const UPSTREAM = `require('node:http').createServer((q, s) => s.end('app ok\\n')).listen(${UPSTREAM_PORT}, '127.0.0.1')`;

const nginxConfig = (ctx: LabContext, db: HostRecord, web: WebFault): string => {
  const certs = certificatesDir(ctx);
  return `daemon off;
master_process on;
worker_processes 1;
user root;
pid ${join(db.dir, 'nginx.pid')};
error_log ${join(db.dir, 'nginx-error.log')} warn;
events { worker_connections 64; }
http {
  access_log off;
  proxy_connect_timeout 2s;
  server {
    listen ${web.nginxBind}:${web.ports[0]};
    listen ${web.nginxBind}:${web.ports[1]} ssl;
    server_name ${WEB_NAME};
    ssl_certificate ${join(certs, `${web.certificate}.pem`)};
    ssl_certificate_key ${join(certs, 'server.key')};
    location / { proxy_pass http://127.0.0.1:${UPSTREAM_PORT}; }
  }
}
`;
};

/** Where resolver-servfail's upstream listens, inside db. */
const DNS_UPSTREAM_PORT = 5399;

// resolver-servfail's upstream: every question answered SERVFAIL (its id and question, QR and RA
// set, rcode 2), as a forwarder whose own upstream is down, or whose DNSSEC validation fails.
const FAILING_DNS_UPSTREAM = `const s = require('node:dgram').createSocket('udp4');
s.on('message', (q, from) => { const a = Buffer.from(q); a[2] = 0x80 | (q[2] & 0x01); a[3] = 0x82; a.fill(0, 6, 12); s.send(a, from.port, from.address); });
s.bind(${DNS_UPSTREAM_PORT}, '127.0.0.1');`;

/**
 * dnsmasq on db's address only, with `lab` from its own zone (a name it does not know is
 * NXDOMAIN), from the failing upstream, or from nowhere (with no zone and no upstream, it refuses).
 */
const dnsmasqArgs = (db: HostRecord, dns: DnsFault): string[] => [
  '/usr/sbin/dnsmasq', '--keep-in-foreground', '--no-resolv', '--no-hosts', '--no-poll', '--user=root',
  `--listen-address=${CORE_HOSTS.db.ip}`, '--bind-interfaces', `--pid-file=${join(db.dir, 'dnsmasq.pid')}`,
  `--log-facility=${join(db.dir, 'dnsmasq.log')}`,
  ...(dns.zone === 'own' ? ['--local=/lab/', ...(dns.webAddress === null ? [] : [`--address=/${WEB_NAME}/${dns.webAddress}`])] : []),
  ...(dns.zone === 'failing-upstream' ? [`--server=/lab/127.0.0.1#${DNS_UPSTREAM_PORT}`] : []),
];

interface Wanted {
  readonly argv: readonly string[];
  /** What identifies this configuration: a service is restarted only when it changes. */
  readonly config: string;
  readonly ready: () => Promise<boolean>;
}

const listens = (db: HostRecord, pattern: string) => async (): Promise<boolean> =>
  (await execInHost(db, `ss -Hlnt4u | grep -q -- ${JSON.stringify(pattern)}`, 5000)).exitCode === 0;

/** Polls an asynchronous readiness test (a look at db's sockets) until it holds or time runs out. */
const readyWithin = async (ready: () => Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) if (await ready()) return true;
  return false;
};

const wantedServices = (ctx: LabContext, db: HostRecord, web: WebFault | null, dns: DnsFault | null): Partial<Record<ServiceName, Wanted>> => {
  const services: Partial<Record<ServiceName, Wanted>> = {};
  if (web?.upstream) services.upstream = { argv: [process.execPath, '-e', UPSTREAM], config: 'upstream', ready: listens(db, `127.0.0.1:${UPSTREAM_PORT} `) };
  if (web?.nginxBind) {
    ensureCertificates(ctx);
    const config = nginxConfig(ctx, db, web);
    const file = join(db.dir, 'nginx.conf');
    services.nginx = { argv: ['/usr/sbin/nginx', '-c', file], config, ready: listens(db, `${web.nginxBind}:${web.ports[1]} `) };
  }
  if (dns?.zone === 'failing-upstream') {
    services['dns-upstream'] = { argv: [process.execPath, '-e', FAILING_DNS_UPSTREAM], config: 'dns-upstream', ready: listens(db, `127.0.0.1:${DNS_UPSTREAM_PORT} `) };
  }
  if (dns) {
    const argv = dnsmasqArgs(db, dns);
    services.dnsmasq = { argv, config: argv.join(' '), ready: listens(db, `${CORE_HOSTS.db.ip}:53 `) };
  }
  return services;
};

async function stopService(ctx: LabContext, name: ServiceName): Promise<void> {
  const record = ctx.state.services?.[name];
  if (!record) return;
  await terminate(record.process, [record.process, record.launcher], 5000);
  delete ctx.state.services![name];
  ctx.save();
}

async function startService(ctx: LabContext, db: HostRecord, name: ServiceName, wanted: Wanted): Promise<void> {
  if (name === 'nginx') writeFileSync(join(db.dir, 'nginx.conf'), wanted.config);
  const logPath = join(db.dir, `${name}.out`);
  const launcher = launchDetached([...enterHost(db), ...wanted.argv], logPath);
  const record: ServiceRecord = { launcher, process: await waitForChild(launcher, 5000), config: wanted.config };
  ctx.state.services = { ...ctx.state.services, [name]: record };
  ctx.save();
  if (!(await readyWithin(wanted.ready, 10_000))) throw new Error(`db: ${name} did not come up\n${logTail(logPath)}`);
}

/** Each service as the scenario wants it: stopped, left as it is, or (re)started with its configuration. */
export async function convergeWebAndDns(ctx: LabContext, db: HostRecord, web: WebFault | null, dns: DnsFault | null): Promise<void> {
  mkdirSync(db.dir, { recursive: true });
  const wanted = wantedServices(ctx, db, web, dns);
  for (const name of ['nginx', 'upstream', 'dns-upstream', 'dnsmasq'] as const) {
    const record = ctx.state.services?.[name];
    const want = wanted[name];
    if (record && want && record.config === want.config && isAlive(record.process)) continue;
    await stopService(ctx, name);
    if (want && db.sshd && isAlive(db.sshd)) await startService(ctx, db, name, want);
  }
}

/** db restarted: whatever ran in it died with its PID namespace. */
export function forgetServices(ctx: LabContext): void {
  delete ctx.state.services;
}
