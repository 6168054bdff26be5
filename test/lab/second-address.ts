// bind-other-address: db holds a second address on its eth0, as a multi-homed database server
// does, so that mysqld can be bound to an address of its own that the app does not connect to.
import { run } from './command.js';
import { LAB_BRIDGE } from './netns.js';

const PREFIX = LAB_BRIDGE.cidr.split('/')[1];

/** The second address in db's namespace (`netns`), or none. Idempotent: what is there is kept or taken away. */
export async function setSecondAddress(netns: string, address: string | null): Promise<void> {
  const shown = await run('ip', ['-n', netns, '-4', '-o', 'address', 'show', 'dev', 'eth0', 'secondary']);
  const present = shown.stdout.split('\n').flatMap((line) => /\binet (\S+)\//.exec(line)?.[1] ?? []);
  for (const other of present.filter((ip) => ip !== address)) await run('ip', ['-n', netns, 'address', 'del', `${other}/${PREFIX}`, 'dev', 'eth0']);
  if (address && !present.includes(address)) await run('ip', ['-n', netns, 'address', 'add', `${address}/${PREFIX}`, 'dev', 'eth0']);
}
