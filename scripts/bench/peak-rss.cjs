// Preloaded into the runbook process the benchmark times (node --require): at exit, its peak
// resident memory (getrusage's ru_maxrss, in KiB) goes to the file RUNBOOK_BENCH_RSS_FILE names.
// Measured inside the process, so no wrapper (/usr/bin/time, a shell) is counted with it.
const { writeFileSync } = require('node:fs');

const file = process.env.RUNBOOK_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
