// Which transport a host gets: its own, and for an inventory host runbook cannot reach (winrm), or
// one the run was not set up for, an error on every use that says why, never this machine.
import { describe, expect, test } from 'vitest';
import { createTransports } from '../../src/app/transports.js';

describe('transports for roles', () => {
  test('a declared local role runs here', async () => {
    const here = { role: 'here', kind: 'local', name: 'local', become: false } as const;
    const transports = await createTransports([here], {});
    const transport = transports.forHost(here);
    expect(transport.description).toBe('local');
    expect((await transport.start({ script: 'echo ran', timeoutMs: 5000 }).result).stdout).toBe('ran\n');
    await transports.close();
  });

  test('an unusable host is an error for commands and streams alike: nothing runs locally', async () => {
    const win = { role: 'web', kind: 'unusable', name: 'win1', become: false, why: 'ansible_connection is winrm' } as const;
    const transports = await createTransports([win], {});
    const transport = transports.forHost(win);
    const outcome = await transport.start({ script: 'touch /tmp/runbook-must-not-exist', timeoutMs: 5000 }).result;
    expect(outcome).toMatchObject({ exitCode: null, transportError: { code: 'UNUSABLE_HOST', message: 'win1: ansible_connection is winrm' } });
    const opening = await transport.openStream({ host: '127.0.0.1', port: 9, timeoutMs: 1000 });
    expect(opening).toMatchObject({ transportError: { code: 'UNUSABLE_HOST' } });
    await transports.close();
  });

  test('an SSH host the run was not set up for is refused, never run here', async () => {
    const here = { role: 'server', kind: 'local', name: 'local', become: false } as const;
    const client = { role: 'client', kind: 'ssh', name: 'client', become: false, host: '127.0.0.1', port: 1, user: 'nobody' } as const;
    const transports = await createTransports([here], {});
    const outcome = await transports.forHost(client).start({ script: 'touch /tmp/runbook-must-not-exist', timeoutMs: 5000 }).result;
    expect(outcome).toMatchObject({ exitCode: null, transportError: { code: 'UNUSABLE_HOST', message: 'client: not among the hosts this run was set up for' } });
    await transports.close();
  });
});
