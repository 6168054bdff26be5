// The e2e tests drive the built CLI (bin/runbook.js -> dist/bundle/), so the suite builds it once first.
// Type errors are `npm run typecheck`'s to report; here only a build that emitted nothing fails.
import { spawnSync } from 'node:child_process';

/** tsc's own exit status: 2 means "diagnostics present, outputs generated". */
const EMITTED_WITH_DIAGNOSTICS = 2;

export default function buildOnce(): void {
  const { status } = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (status !== 0 && status !== EMITTED_WITH_DIAGNOSTICS) throw new Error(`building dist/ failed (tsc exit ${String(status)})`);
  const bundled = spawnSync('node', ['--import', 'tsx', 'scripts/bundle.ts'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (bundled.status !== 0) throw new Error(`bundling dist/bundle/ failed (exit ${String(bundled.status)})`);
}
