// Which transport a role gets: its own, and for a role the runbook does not declare (which the
// planner refuses at load, so only a bug could ask), an error on every use, never this machine.
import { describe, expect, test } from 'vitest';
import { createTransports } from '../../src/app/transports.js';

describe('transports for roles', () => {
  test('a declared local role runs here', async () => {
    const transports = createTransports([{ role: 'here', kind: 'local', become: false }], {});
    const transport = transports.forHost('here', { role: 'here', kind: 'local', become: false });
    expect(transport.description).toBe('local');
    expect((await transport.start({ script: 'echo ran', timeoutMs: 5000 }).result).stdout).toBe('ran\n');
    await transports.close();
  });

  test('an undeclared role is an error for commands and streams alike: nothing runs locally', async () => {
    const transports = createTransports([], {});
    const transport = transports.forHost('ghost', undefined);
    const outcome = await transport.start({ script: 'touch /tmp/runbook-must-not-exist', timeoutMs: 5000 }).result;
    expect(outcome).toMatchObject({ exitCode: null, transportError: { code: 'UNDECLARED_ROLE', message: expect.stringContaining('"ghost" is not declared') } });
    const opening = await transport.openStream({ host: '127.0.0.1', port: 9, timeoutMs: 1000 });
    expect(opening).toMatchObject({ transportError: { code: 'UNDECLARED_ROLE' } });
    await transports.close();
  });
});
