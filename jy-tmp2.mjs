import { readFileSync } from 'node:fs';
const { quickData } = await import('/work/main/dist/runbook/yaml-quick.js');
const { load } = await import('js-yaml');
const text = readFileSync('/tmp/v/g20k.yaml', 'utf8');
const flt = () => process.resourceUsage().minorPageFault;
const f0 = flt(); const t = performance.now();
const d = process.argv[2] === 'raw' ? load(text) : quickData(text, process.argv[2] === 'starts');
console.log(process.argv[2], (performance.now() - t).toFixed(0), 'ms', flt() - f0, 'faults', (process.memoryUsage().rss/1e6).toFixed(0), 'rss', (process.memoryUsage().heapUsed/1e6).toFixed(0));
globalThis.k = d;
