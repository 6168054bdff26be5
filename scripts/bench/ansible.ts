// `--with-ansible`: the fleet and the article as Ansible playbooks, as generous to Ansible as an
// operator tuning it would be: pipelining, SSH masters kept for the run, no fact gathering, one
// fork per host, the free strategy (each host runs its tasks without waiting for the others).
// Debian's ansible(-core) runs them; its SSH goes through the lab's ssh_config like every baseline.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTICLE_PROBES } from './article.js';
import type { Command } from './measure.js';
import { FLEET_COMMANDS } from './fleet.js';

export interface AnsibleRun {
  readonly command: Command;
  /** Not timed: closes the SSH masters Ansible leaves for ControlPersist. */
  readonly after: Command;
}

const task = (command: string, when?: string): string =>
  `    - ansible.builtin.shell: ${JSON.stringify(command)}${when ? `\n      when: inventory_hostname == ${JSON.stringify(when)}` : ''}`;

const play = (group: string, tasks: readonly string[]): string => `- hosts: ${group}
  gather_facts: false
  strategy: free
  tasks:
${tasks.join('\n')}
`;

/** One playbook per workload, an inventory of the lab hosts, and the config that ties them to the lab. */
export const ansibleRuns = (dir: string, sshConfig: string, fleetHosts: readonly string[]): { fleet: AnsibleRun; article: AnsibleRun } => {
  const home = join(dir, 'ansible');
  mkdirSync(join(home, 'cp'), { recursive: true });
  const write = (name: string, text: string): string => {
    const path = join(home, name);
    writeFileSync(path, text);
    return path;
  };
  write('hosts.ini', `[fleet]\n${fleetHosts.join('\n')}\n\n[article]\napp\ndb\n`);
  const config = write('ansible.cfg', `[defaults]
inventory = ${join(home, 'hosts.ini')}
forks = ${Math.max(fleetHosts.length, 2)}
gathering = explicit
interpreter_python = /usr/bin/python3
retry_files_enabled = False
local_tmp = ${join(home, 'tmp')}
deprecation_warnings = False

[ssh_connection]
pipelining = True
ssh_args = -F ${sshConfig} -o ControlMaster=auto -o ControlPersist=60s
control_path = ${join(home, 'cp')}/%%h
`);
  const env = { ANSIBLE_CONFIG: config, ANSIBLE_HOME: home, ANSIBLE_NOCOLOR: '1' };
  const playbook = (name: string, text: string): Command => ({ argv: ['ansible-playbook', write(name, text)], env });
  const closeMasters = (hosts: readonly string[]): Command => ({
    argv: ['bash', '-c', `for h in ${hosts.join(' ')}; do ssh -F '${sshConfig}' -o ControlPath='${join(home, 'cp')}/'"$h" -O exit "$h" 2>/dev/null & done; wait; true`],
  });
  return {
    fleet: { command: playbook('fleet.yml', play('fleet', FLEET_COMMANDS.map((command) => task(command)))), after: closeMasters(fleetHosts) },
    article: { command: playbook('article.yml', play('article', ARTICLE_PROBES.map(([host, command]) => task(command, host)))), after: closeMasters(['app', 'db']) },
  };
};
