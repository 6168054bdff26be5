// nftables inside a host's network namespace, never the controller's: with br_netfilter on,
// rules in the root namespace would also hit bridged lab traffic (LAB-NOTES 14).
import { run } from './command.js';

/** Tables the lab owns in a host; each is replaced whole, so applying is idempotent. */
export const FAULT_TABLE = 'lab_fault';
export const SSH_GUARD_TABLE = 'lab_ssh_guard';

function script(table: string, rules: readonly string[]): string {
  // "add then delete" removes the table whether or not it existed, in one atomic transaction.
  const lines = [`table inet ${table}`, `delete table inet ${table}`];
  if (rules.length > 0) {
    lines.push(`table inet ${table} {`, '  chain input {',
      '    type filter hook input priority filter; policy accept;',
      ...rules.map((rule) => `    ${rule}`), '  }', '}');
  }
  return `${lines.join('\n')}\n`;
}

/** Sets the input rules of one lab table in a namespace; no rules removes the table. */
export async function setInputRules(netns: string, table: string, rules: readonly string[]): Promise<void> {
  await run('ip', ['netns', 'exec', netns, 'nft', '-f', '-'], { input: script(table, rules) });
}
