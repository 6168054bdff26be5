// `npm run bench` itself, on a small fleet and one run of everything, so that it cannot rot: every
// workload measured, against its baselines, with its figures in the JSON file and the table.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, test } from 'vitest';
import { describeLab } from '../lab/describe-lab.js';
import { ROOT } from '../helpers/run-cli.js';

interface Stats {
  min: number;
  median: number;
  max: number;
}

interface BenchResult {
  runs: number;
  machine: { cpus: number; node: string };
  workloads: { name: string; product: Stats; peakRssMiB?: Stats; baselines: Record<string, Stats>; machineCpuS?: Record<string, Stats>; targets: { text: string; value: number; limit: number }[]; failures: string[] }[];
  targets: { text: string; value: number; limit: number }[];
}

describeLab('npm run bench (lab)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('one run of each workload on 3 and 4 hosts, with Ansible: figures for runbook and every baseline, the targets, the table', async () => {
    const json = join(dir, 'bench.json');
    const ran = await execa('npm', ['run', 'bench', '--', '--runs', '1', '--fleet', '3,4', '--checks', '20,200', '--with-ansible', '--json', json], { cwd: ROOT, reject: false, timeout: 600_000 });
    expect(ran.exitCode, ran.stderr).toBe(0);
    const result = JSON.parse(readFileSync(json, 'utf8')) as BenchResult;
    expect(result.runs).toBe(1);
    expect(result.workloads.map((workload) => workload.name)).toEqual(['startup-version', 'startup-help', 'startup-validate', 'validate-20', 'validate-200', 'article-healthy', 'article-port-filtered', 'fleet-3', 'fleet-4']);
    for (const workload of result.workloads) {
      expect(workload.failures, workload.name).toEqual([]);
      expect(workload.product.median, workload.name).toBeGreaterThan(0);
      expect(workload.peakRssMiB?.median, workload.name).toBeGreaterThan(20);
      // The machine was busy running it: runbook and each baseline (Linux's /proc/stat, as in CI).
      expect(Object.keys(workload.machineCpuS ?? {}), workload.name).toEqual(['product', ...Object.keys(workload.baselines)]);
      for (const stats of Object.values(workload.machineCpuS ?? {})) expect(stats.median, workload.name).toBeGreaterThan(0);
    }
    const fleet = result.workloads.find((workload) => workload.name === 'fleet-3')!;
    expect(Object.keys(fleet.baselines)).toEqual(['openssh cold', 'openssh cold curve25519', 'openssh warm', 'ssh2 bare (floor)', "ssh2 + runbook's wrapper", 'ansible']);
    for (const stats of Object.values(fleet.baselines)) expect(stats.median).toBeGreaterThan(0);
    // Ansible runs at the first fleet size only.
    expect(Object.keys(result.workloads.find((workload) => workload.name === 'fleet-4')!.baselines)).not.toContain('ansible');
    expect(fleet.targets.map((target) => target.text)).toContain('≤ 0.067× ansible (15× faster)');
    const healthy = result.workloads.find((workload) => workload.name === 'article-healthy')!;
    expect(Object.keys(healthy.baselines)).toEqual(['openssh script', 'ansible']);
    expect(healthy.targets.map((target) => target.text)).toEqual(['≤ 1.0× openssh script']);
    // The filtered port: runbook exits 1 (a fault found), which the bench counts as a run that did its work.
    const filtered = result.workloads.find((workload) => workload.name === 'article-port-filtered')!;
    expect(filtered.targets).toEqual([expect.objectContaining({ text: 'wall ≤ connect timeout 2 s + 0.5 s (seconds)', limit: 2.5 })]);
    expect(result.workloads.find((workload) => workload.name === 'startup-version')!.targets).toEqual([expect.objectContaining({ text: '≤ 2.5× node -e 0', limit: 2.5 })]);
    expect(result.targets.map((target) => target.text)).toEqual(['wall(4 hosts) / wall(3 hosts) ≤ 4.5', 'validate: time(200) / time(20) ≤ 12 (linear: 10)']);
    expect(ran.stdout).toContain('| workload | runbook min / median / max | machine CPU | peak RSS | baselines (median) | targets |');
    expect(ran.stdout).toMatch(/\| 3 hosts × 5 commands, one role fanned out, from a cold CLI \| [\d.]+ m?s \/ \*\*[\d.]+ m?s\*\* \/ [\d.]+ m?s \| [\d.]+ s: ≥ [\d.]+ m?s on \d+ cores \| \d+ MiB \| openssh cold [\d.]+ m?s \(CPU [\d.]+ s\)/);
  }, 600_000);
});
