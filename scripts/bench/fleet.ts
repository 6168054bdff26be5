// The fleet workload: N lab hosts (host01..) × the five commands of the benchmark issue, as one
// runbook with one role fanned out, and as the plain OpenSSH scripts it is compared with.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FLEET_COMMANDS = ['true', 'uname -a', 'ps -ef | wc -l', 'cat /etc/hostname', 'nc -z 127.0.0.1 22'] as const;

/** The lab's fleet host names: host01..host99, then host100.. (test/lab/topology.ts). */
export const fleetNames = (count: number): string[] => Array.from({ length: count }, (_, index) => `host${String(index + 1).padStart(2, '0')}`);

/** `["host[01:50]"]`, or with three-digit names a second range: Ansible's ranges keep one width. */
const fleetPatterns = (count: number): string[] =>
  count <= 99 ? [`host[01:${String(count).padStart(2, '0')}]`] : ['host[01:99]', `host[100:${count}]`];

export const fleetRunbook = (count: number): string => `version: 1
title: Fleet of ${count} hosts, ${FLEET_COMMANDS.length} commands each
hosts:
  web: ${JSON.stringify(fleetPatterns(count))}
questions:
  - id: fleet
    title: Does every host run the five commands?
    checks:
${FLEET_COMMANDS.map((command, index) => `      - { id: c${index + 1}, on: web, run: ${JSON.stringify(command)} }`).join('\n')}
`;

/**
 * OpenSSH as an operator would script the same work at its fastest: one ControlMaster per host,
 * all opened at once, then every command of every host at once through them. `kex` picks the key
 * exchange (undefined: OpenSSH's default order). The masters are closed at the end, in the time.
 */
export const coldOpenSshScript = (sshConfig: string, hosts: readonly string[], kex?: string): string => `#!/bin/bash
set -u
d=$(mktemp -d)
kex=(${kex ? `-o KexAlgorithms=${kex}` : ''})
for h in ${hosts.join(' ')}; do ssh -F '${sshConfig}' "\${kex[@]}" -o ControlMaster=yes -o ControlPath="$d/$h" -o ControlPersist=120 -fN "$h" & done; wait
${runThroughMasters(sshConfig, hosts)}
for h in ${hosts.join(' ')}; do ssh -F '${sshConfig}' -o ControlPath="$d/$h" -O exit "$h" 2>/dev/null & done; wait
rm -rf "$d"
`;

const runThroughMasters = (sshConfig: string, hosts: readonly string[], dir = '$d'): string =>
  `for h in ${hosts.join(' ')}; do ( for c in ${FLEET_COMMANDS.map((command) => `'${command}'`).join(' ')}; do ssh -F '${sshConfig}' -o ControlPath="${dir}/$h" "$h" "$c" >/dev/null & done; wait ) & done; wait`;

/** The warm comparison: masters opened before (`open`, not timed), commands through them (timed), closed after. */
export const warmOpenSshScripts = (sshConfig: string, hosts: readonly string[], dir: string) => ({
  open: `#!/bin/bash\nfor h in ${hosts.join(' ')}; do ssh -F '${sshConfig}' -o ControlMaster=yes -o ControlPath="${dir}/$h" -o ControlPersist=600 -fN "$h" & done; wait\n`,
  run: `#!/bin/bash\n${runThroughMasters(sshConfig, hosts, dir)}\n`,
  close: `#!/bin/bash\nfor h in ${hosts.join(' ')}; do ssh -F '${sshConfig}' -o ControlPath="${dir}/$h" -O exit "$h" 2>/dev/null & done; wait\n`,
});

/** Writes `text` as an executable script in `dir`; returns its path. */
export const script = (dir: string, name: string, text: string): string => {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o755 });
  return path;
};
