// Runs controller-side commands for the lab: always bounded in time, one result shape, and a
// clean environment so the controller's shell settings cannot leak into the hosts.
import { constants } from 'node:os';
import { execa } from 'execa';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  /** Return a non-zero exit instead of throwing. */
  allowFailure?: boolean;
  /** Added to the clean environment. */
  env?: Readonly<Record<string, string>>;
}

export const CLEAN_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  HOME: '/root',
};

export class LabCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: CommandResult,
  ) {
    const why = result.timedOut ? 'timed out' : `exited ${result.exitCode}`;
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    super(`lab command ${why}: ${argv.join(' ')}${detail ? `\n${detail}` : ''}`);
    this.name = 'LabCommandError';
  }
}

/** As a shell reports it: 128 + signal number (137 for SIGKILL); -1 if unknown. */
function exitCodeOfSignal(signal: NodeJS.Signals | undefined): number {
  const number = signal === undefined ? undefined : constants.signals[signal];
  return number === undefined ? -1 : 128 + number;
}

export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const child = await execa(file, args, {
    reject: false,
    timeout: options.timeoutMs ?? 30_000,
    // SIGKILL: a lab command that overran is not trusted to clean up after SIGTERM either.
    killSignal: 'SIGKILL',
    env: { ...CLEAN_ENV, ...options.env },
    extendEnv: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  const result: CommandResult = {
    exitCode: child.exitCode ?? exitCodeOfSignal(child.signal),
    stdout: String(child.stdout ?? ''),
    stderr: String(child.stderr ?? ''),
    timedOut: child.timedOut,
  };
  if (result.exitCode !== 0 && !options.allowFailure) throw new LabCommandError([file, ...args], result);
  return result;
}
