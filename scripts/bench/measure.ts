// Timing one command from the outside: wall time from spawn to exit, and (for runbook itself) its
// peak RSS as the process measured it. Statistics over repeated runs: min, median, max.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Timed {
  readonly wallMs: number;
  readonly exitCode: number | null;
  /** Only for commands run with the peak-RSS preload. */
  readonly peakRssMiB?: number;
  readonly stderr: string;
}

export interface Command {
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Preload scripts/bench/peak-rss.cjs (a node command only) and report its peak RSS. */
  readonly peakRss?: boolean;
  /** The exit code of a run that did its work (default 0): a runbook that finds a fault exits 1. */
  readonly expectedExit?: number;
}

const PRELOAD = join(import.meta.dirname, 'peak-rss.cjs');

/** Runs it to the end; output is read only to keep pipes flowing (stderr kept for the report of a failure). */
export const timeCommand = (command: Command): Promise<Timed> =>
  new Promise((resolve, reject) => {
    const dir = command.peakRss ? mkdtempSync(join(tmpdir(), 'runbook-bench-')) : undefined;
    const rssFile = dir ? join(dir, 'rss') : undefined;
    const [program, ...args] = command.peakRss ? ['node', '--require', PRELOAD, ...command.argv.slice(1)] : command.argv;
    const env = { ...process.env, ...command.env, ...(rssFile ? { RUNBOOK_BENCH_RSS_FILE: rssFile } : {}) };
    const started = performance.now();
    const child = spawn(program!, args, { cwd: command.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const wallMs = performance.now() - started;
      let peakRssMiB: number | undefined;
      if (rssFile) {
        try {
          peakRssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
        } catch {
          peakRssMiB = undefined;
        }
        rmSync(dir!, { recursive: true, force: true });
      }
      resolve({ wallMs, exitCode, stderr, ...(peakRssMiB === undefined ? {} : { peakRssMiB }) });
    });
  });

export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export const statsOf = (values: readonly number[]): Stats => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { min: sorted[0]!, median, max: sorted.at(-1)! };
};
