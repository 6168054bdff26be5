// A capture's trigger runs on its own role's host, whatever the run's other hosts are. With the
// server local and only the trigger's role over SSH, the run once set up no SSH at all, and the
// trigger's command ran here, on this machine (app/transports.ts runHosts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { inlineFiles, runCli } from '../helpers/run-cli.js';

const isRoot = process.getuid?.() === 0;
const onCi = process.env.CI === 'true';

describe.skipIf(!isRoot && !onCi)(`a trigger on an SSH role, with no other SSH host in the run${isRoot ? '' : ' [skipped: needs root for tcpdump]'}`, () => {
  test('runs over SSH (here: a port where nothing listens), never on this machine', async () => {
    const marker = join(inlineFiles({}), 'trigger-ran-here');
    const runbook = [
      'version: 1',
      'title: a trigger on a remote role',
      'hosts:',
      '  server: local',
      '  client: nobody@127.0.0.1:1',
      'questions:',
      '  - id: sees',
      '    title: does the server see the client?',
      '    checks:',
      '      - id: cap',
      '        on: server',
      '        packet_capture:',
      '          filter: host 127.0.0.1 and port 9',
      '          client: 127.0.0.1',
      '          interface: lo',
      '          duration: 2s',
      '          trigger:',
      '            on: client',
      `            run: touch ${marker}`,
      '',
    ].join('\n');
    const result = await runCli({ 'trigger.yaml': runbook }, ['run', 'trigger.yaml', '--reporter', 'json']);
    expect(existsSync(marker)).toBe(false);
    const cap = result.report?.questions.flatMap((question) => question.checks).find((check) => check.id === 'cap');
    expect(cap).toMatchObject({ status: 'error', reason: '127.0.0.1 (nobody@127.0.0.1:1): connection refused' });
    expect(cap?.evidence[0]).toMatchObject({ host: 'client (nobody@127.0.0.1:1)', command: `touch ${marker}`, exitCode: null });
  }, 60_000);
});
