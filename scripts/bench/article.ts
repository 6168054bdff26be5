// The article's workloads: the shipped runbook on the lab's two hosts (app, db), healthy and with
// the database port filtered, and the plain OpenSSH script an operator would write for the same
// probes (ps, lsof, nc, ping -c1, nmap): one ControlMaster per host, every independent probe at once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CORE_HOSTS, LAB_DB, MYSQL_PORT } from '../../test/lab/topology.js';

export const ARTICLE_RUNBOOK = 'runbooks/mysql-connectivity.yaml';

/** The app's account in the lab, so the runbook also asks the database the way the app does. */
export const articleVariables = ['--var', `db_user=${LAB_DB.user}`, '--var', `db_name=${LAB_DB.database}`];
export const articleEnvironment = { RUNBOOK_VAR_db_password: LAB_DB.password };

/** The connect timeout the shipped runbook gives its client's connection to the database (client-connect). */
export const articleConnectTimeoutMs = (root: string): number => {
  const runbook = parse(readFileSync(join(root, ARTICLE_RUNBOOK), 'utf8')) as { questions: { checks: { id: string; tcp_connect?: { timeout?: string } }[] }[] };
  const timeout = runbook.questions.flatMap((question) => question.checks).find((check) => check.id === 'client-connect')?.tcp_connect?.timeout;
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(timeout ?? '');
  if (!match) throw new Error(`${ARTICLE_RUNBOOK}: client-connect has no tcp_connect timeout the bench can read (got ${String(timeout)})`);
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
};

const [app, db, port] = [CORE_HOSTS.app.ip, CORE_HOSTS.db.ip, MYSQL_PORT];

/** The probes by hand, each on the host the runbook runs it on: ps then lsof for the PID's listening sockets, nc, ping and nmap both ways. */
export const ARTICLE_PROBES: readonly (readonly [host: 'app' | 'db', command: string])[] = [
  ['db', `pid=$(ps -C mariadbd,mysqld -o pid= | head -1 | tr -d ' '); lsof -nP -a -p "$pid" -iTCP -sTCP:LISTEN`],
  ['db', `nc -z -w 2 127.0.0.1 ${port}`],
  ['db', `ping -c1 -W1 ${app}`],
  ['db', `nc -z -w 2 ${app} 22`],
  ['app', `ping -c1 -W1 ${db}`],
  ['app', `nc -z -w 2 ${db} 22`],
  ['app', `nc -z -w 2 ${db} ${port}`],
  ['app', `nmap -Pn -p ${port} ${db}`],
];

const quoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** One ControlMaster per host, then every probe at once through them. */
export const articleOpenSshScript = (sshConfig: string): string => `#!/bin/bash
set -u
cfg='${sshConfig}'; d=$(mktemp -d)
for h in app db; do ssh -F "$cfg" -o ControlMaster=yes -o ControlPath="$d/$h" -o ControlPersist=60 -fN "$h" & done; wait
on() { local h=$1; shift; ssh -F "$cfg" -o ControlPath="$d/$h" "$h" "$@"; }
{
${ARTICLE_PROBES.map(([host, command]) => `  on ${host} ${quoted(command)} &`).join('\n')}
  wait
} >/dev/null 2>&1
for h in app db; do ssh -F "$cfg" -o ControlPath="$d/$h" -O exit "$h" 2>/dev/null & done; wait
rm -rf "$d"
`;
