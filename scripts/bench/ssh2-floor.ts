// The floor under the fleet workload: ssh2 itself with nothing of runbook around it, one connection
// per host and every command at once, each command as it is (no wrapper, no process group, no
// bound on the host). What runbook costs above this line is its own; what the machine costs below
// it (sshd's handshakes, a session and a shell per command) no SSH client avoids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { wrapCommand } from '../../src/transport/ssh/remote-command.js';
import { FLEET_COMMANDS, script } from './fleet.js';

interface Destination {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKeyPath: string;
}

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Each lab host as `ssh -F sshConfig HOST` would reach it. */
const destinations = (sshConfig: string, hosts: readonly string[]): Destination[] => {
  const config = SSHConfig.parse(readFileSync(sshConfig, 'utf8'));
  return hosts.map((name) => {
    const computed = config.compute(name) as Record<string, string | string[] | undefined>;
    const key = first(computed.IdentityFile);
    if (!key) throw new Error(`${sshConfig}: no IdentityFile for ${name}`);
    return { host: first(computed.HostName) ?? name, port: Number(first(computed.Port) ?? 22), username: first(computed.User) ?? 'root', privateKeyPath: key };
  });
};

/**
 * A plain Node script (no TypeScript loader to start) written into `dir`; returns its argv.
 * `wrapped`: each command as runbook sends it (its process group reported, bounded on the host by
 * coreutils timeout, under /bin/sh), to tell what the wrapper costs the hosts from what runbook
 * itself costs.
 */
export const ssh2FloorCommand = (root: string, dir: string, sshConfig: string, hosts: readonly string[], wrapped = false): string[] => {
  const commands = wrapped ? FLEET_COMMANDS.map((command) => wrapCommand(command, { become: false, timeoutMs: 30_000 }).command) : FLEET_COMMANDS;
  const path = script(dir, `ssh2-${wrapped ? 'wrapped' : 'floor'}-${hosts.length}.mjs`, `import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import ssh2 from ${JSON.stringify(join(root, 'node_modules/ssh2/lib/index.js'))};
const destinations = ${JSON.stringify(destinations(sshConfig, hosts))};
const commands = ${JSON.stringify(commands)};
const run = (client, command) => new Promise((resolve, reject) => client.exec(command, (error, channel) => {
  if (error) return reject(error);
  channel.resume();
  channel.stderr.resume();
  channel.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(command + ' exited ' + code))));
}));
const host = (destination) => new Promise((resolve, reject) => {
  const client = new ssh2.Client();
  client.on('ready', () => Promise.all(commands.map((command) => run(client, command))).then(() => { client.end(); resolve(); }, reject));
  client.on('error', reject);
  // Nagle off from the start, as runbook has it (transport/ssh/connect.ts): the floor is ssh2 at its best.
  const sock = connect({ host: destination.host, port: destination.port, noDelay: true });
  client.connect({ sock, username: destination.username, privateKey: readFileSync(destination.privateKeyPath), readyTimeout: 60000 });
});
await Promise.all(destinations.map(host));
`);
  return ['node', path];
};
