// The CLI as operators start it: one ES module graph bundled by esbuild into dist/bundle/, lazy
// parts (the SSH transport, mysql2, the reporters) as chunks loaded on first use. Loading about 230
// files of dist/ and node_modules one by one cost `runbook run` about 130 ms of its start-up on a
// 2-core machine (npm run bench); one bundle reads and compiles a handful. ssh2 stays a package of
// its own: it loads optional native bindings (its crypto, cpu-features) by path at run time.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/bundle');

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: join(root, 'src/cli/main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['ssh2'],
  // CommonJS packages in the bundle still call require() for Node's own modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
