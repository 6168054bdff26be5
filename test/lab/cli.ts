// A long-lived lab for manual use and the README:
//   npx tsx test/lab/cli.ts up | down [--force] | scenario NAME | status | fleet N | db-password
// The lab is recorded in the state dir, so each command may run in a new process. `up` prints
// the ssh_config path on stdout (and nothing else), also when the lab is already up.
import { DNS_SCENARIOS, isScenario, SCENARIOS, WEB_SCENARIOS } from './faults.js';
import { attachLab, startLab, type Lab } from './lab.js';
import { isAlive, isStopped } from './proc.js';
import { labInUse, loadState } from './state.js';
import { teardown } from './teardown.js';
import { LAB_DB } from './topology.js';

const USAGE = `usage: cli.ts up | down [--force] | scenario NAME | status | fleet N | db-password
scenarios: ${SCENARIOS.join(', ')}
web: ${WEB_SCENARIOS.join(', ')}
dns: ${DNS_SCENARIOS.join(', ')}`;

function requireLab(): Lab {
  const lab = attachLab();
  if (!lab) throw new Error('no lab is running; start one with `npx tsx test/lab/cli.ts up`');
  return lab;
}

async function up(): Promise<void> {
  const lab = attachLab() ?? (await startLab({ persistent: true }));
  process.stdout.write(`${lab.sshConfigPath}\n`);
  process.stderr.write(`lab up (scenario ${lab.scenario}); try: ssh -F ${lab.sshConfigPath} app hostname\n`);
}

/** A test's lab still in use is only removed with --force: its test would fail half-way. */
async function down(force: boolean): Promise<void> {
  const state = loadState();
  if (state === null) {
    process.stderr.write('no lab recorded; sweeping lab-named namespaces and links anyway\n');
  } else if (state !== 'corrupt' && !state.persistent && labInUse(state) && !force) {
    throw new Error(`the lab belongs to running process ${state.owner.pid}; use --force to remove it anyway`);
  }
  await teardown(state === 'corrupt' ? null : state);
  process.stderr.write('lab down\n');
}

function status(): void {
  const state = loadState();
  if (state === null || state === 'corrupt') {
    process.stdout.write(`${state === null ? 'no lab' : 'unreadable lab record'}\n`);
    return;
  }
  const hosts = Object.values(state.hosts).map((host) =>
    `  ${host.name.padEnd(8)} ${host.ip.padEnd(13)} ${host.sshd && isAlive(host.sshd) ? `up (sshd pid ${host.sshd.pid})` : 'down'}`);
  const mysqld = state.mysqld && isAlive(state.mysqld.mysqld)
    ? `mysqld pid ${state.mysqld.mysqld.pid} ${state.mysqld.args.join(' ')}${isStopped(state.mysqld.mysqld) ? ' (stopped: SIGSTOP)' : ''}`
    : 'mysqld not running';
  const holder = state.connectionHolder && isAlive(state.connectionHolder.holder)
    ? [`  holding ${state.connectionHolder.held.count} sessions (pid ${state.connectionHolder.holder.pid})`] : [];
  process.stdout.write([`lab ${labInUse(state) ? 'in use' : 'stale'}: ${state.dir}`,
    `ssh_config: ${state.dir}/ssh_config`, `scenario: ${state.scenario}; ${mysqld}`, ...holder,
    `ssh only via bastion: ${state.sshOnlyViaBastion}`, ...hosts, ''].join('\n'));
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, argument] = argv;
  if (command === 'up') return up();
  if (command === 'down') return down(argument === '--force');
  if (command === 'status') return status();
  // The lab's throw-away app password, for a shell that passes it on as RUNBOOK_VAR_db_password.
  if (command === 'db-password') return void process.stdout.write(`${LAB_DB.password}\n`);
  if (command === 'scenario' && argument !== undefined && isScenario(argument)) return requireLab().setScenario(argument);
  if (command === 'fleet' && argument !== undefined && /^\d+$/.test(argument)) {
    const added = await requireLab().addFleet(Number(argument));
    process.stderr.write(`added ${added.map((host) => host.name).join(' ')}\n`);
    return;
  }
  throw new Error(USAGE);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
