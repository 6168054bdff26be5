// Timing one command from the outside: wall time from spawn to exit, how busy the whole machine was
// meanwhile, and (for runbook itself) its peak RSS as the process measured it. Statistics over
// repeated runs: min, median, max.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Timed {
  readonly wallMs: number;
  readonly exitCode: number | null;
  /** Only for commands run with the peak-RSS preload. */
  readonly peakRssMiB?: number;
  /** Core-seconds the machine was busy from spawn to exit (absent without /proc/stat). */
  readonly machineCpuS?: number;
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

interface CpuTicks {
  readonly busy: number;
  readonly all: number;
}

/** The kernel's count of every CPU's time since boot, in ticks: busy (user, nice, system, irq, softirq, steal) and all. */
const cpuTicks = (): CpuTicks | undefined => {
  try {
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { busy: user + nice + system + irq + softirq + steal, all: user + nice + system + idle + iowait + irq + softirq + steal };
  } catch {
    return undefined;
  }
};

/**
 * Core-seconds the machine was busy between two counts, whoever was busy: the command and, in the
 * lab, the sshd and commands of its hosts, which share these cores. The share of busy ticks times
 * the cores and the wall time, so the length of a tick need not be known.
 */
const machineCpuSeconds = (before: CpuTicks | undefined, after: CpuTicks | undefined, wallMs: number): number | undefined => {
  if (!before || !after || after.all <= before.all) return undefined;
  return ((after.busy - before.busy) / (after.all - before.all)) * cpus().length * (wallMs / 1000);
};

/** Runs it to the end; output is read only to keep pipes flowing (stderr kept for the report of a failure). */
export const timeCommand = (command: Command): Promise<Timed> =>
  new Promise((resolve, reject) => {
    const dir = command.peakRss ? mkdtempSync(join(tmpdir(), 'runbook-bench-')) : undefined;
    const rssFile = dir ? join(dir, 'rss') : undefined;
    const [program, ...args] = command.peakRss ? ['node', '--require', PRELOAD, ...command.argv.slice(1)] : command.argv;
    const env = { ...process.env, ...command.env, ...(rssFile ? { RUNBOOK_BENCH_RSS_FILE: rssFile } : {}) };
    const ticks = cpuTicks();
    const started = performance.now();
    const child = spawn(program!, args, { cwd: command.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.resume();
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const wallMs = performance.now() - started;
      const machineCpuS = machineCpuSeconds(ticks, cpuTicks(), wallMs);
      let peakRssMiB: number | undefined;
      if (rssFile) {
        try {
          peakRssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
        } catch {
          peakRssMiB = undefined;
        }
        rmSync(dir!, { recursive: true, force: true });
      }
      resolve({ wallMs, exitCode, stderr, ...(peakRssMiB === undefined ? {} : { peakRssMiB }), ...(machineCpuS === undefined ? {} : { machineCpuS }) });
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
