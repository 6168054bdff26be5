// Measures the lab's own costs on this machine: `npx tsx test/lab/measure.ts [fleetSize]`.
// Prints one JSON object: milliseconds for startLab, each scenario switch, addFleet and down,
// plus the resident memory of everything running in the lab's namespaces.
import { readFileSync } from 'node:fs';
import { SCENARIOS } from './faults.js';
import { startLab } from './lab.js';
import { labNamespaceProcesses } from './leftovers.js';

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
}

function labRssMiB(): number {
  const kib = labNamespaceProcesses().reduce((sum, ref) => {
    try {
      const line = readFileSync(`/proc/${ref.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m);
      return sum + Number(line?.[1] ?? 0);
    } catch {
      return sum;
    }
  }, 0);
  return Math.round(kib / 1024);
}

const fleetSize = Number(process.argv[2] ?? 50);
const figures: Record<string, number> = {};
let started = performance.now();
const lab = await startLab();
figures['startLab'] = Math.round(performance.now() - started);
try {
  figures['rssMiB(core)'] = labRssMiB();
  for (const scenario of [...SCENARIOS.slice(1), 'healthy' as const]) {
    figures[`setScenario(${scenario})`] = await timed(() => lab.setScenario(scenario));
  }
  figures[`addFleet(${fleetSize})`] = await timed(() => lab.addFleet(fleetSize));
  figures[`rssMiB(core+${fleetSize})`] = labRssMiB();
} finally {
  started = performance.now();
  await lab.down();
  figures['down'] = Math.round(performance.now() - started);
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
