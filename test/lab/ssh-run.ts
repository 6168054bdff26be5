// Runs a command on a lab host through the real OpenSSH client and the lab's ssh_config, bounded
// in time: what a user (or the product) sees, not what the controller sees through nsenter.
import { run, type CommandResult } from './command.js';

export interface SshRunOptions {
  timeoutMs?: number;
  /** Extra client options, e.g. ['-o', 'ConnectTimeout=2']. */
  sshOptions?: readonly string[];
}

export interface SshResult extends CommandResult {
  durationMs: number;
}

export async function sshRun(sshConfigPath: string, host: string, command: string, options: SshRunOptions = {}): Promise<SshResult> {
  const started = Date.now();
  const result = await run('ssh', ['-F', sshConfigPath, ...(options.sshOptions ?? []), host, command], {
    timeoutMs: options.timeoutMs ?? 20_000,
    allowFailure: true,
  });
  return { ...result, durationMs: Date.now() - started };
}
