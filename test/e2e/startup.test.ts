// What a command loads before it does anything: node:child_process (with net and dgram) cost about
// 15 ms of every command's start-up, required by commander for subcommands runbook does not have
// (scripts/bundle.ts gives commander a stand-in that loads it on first use); node:v8, 7 ms, is
// loaded only by the commands that run a runbook's regexes, to switch V8 to its linear engine.
// The YAML library (about 10 ms) is required only when a runbook needs the exact reading. The
// schema validator and the YAML library are compiled from the code caches npm run build makes.
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { basename, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { BIN, ROOT, inlineFiles } from '../helpers/run-cli.js';
import { loadConversation, replayServer } from '../fixtures/probes/mysql-conversation.js';

/**
 * A preload that says, as the process exits, which of Node's modules and which files it loaded:
 * CommonJS files from require's cache, ES modules (the bundle's chunks) as a load hook sees them.
 */
const REPORT_LOADS = `import { createRequire, register, syncBuiltinESMExports } from 'node:module';
import vm from 'node:vm';
register('data:text/javascript,' + encodeURIComponent("export async function load(url, context, next) { if (url.startsWith('file:')) process._rawDebug('module: ' + url); return next(url, context); }"));
const require = createRequire(import.meta.url);
const cached = [];
vm.Script = class extends vm.Script {
  constructor(code, options) {
    super(code, options);
    if (options?.cachedData) cached.push([options.filename, !this.cachedDataRejected]);
  }
};
syncBuiltinESMExports();
process.on('exit', () => process.stderr.write('\\nloaded: ' + JSON.stringify([...process.moduleLoadList, ...Object.keys(require.cache)]) + '\\ncached: ' + JSON.stringify(cached) + '\\n'));
`;

/** The schema validator's file, which npm run build gives a code cache, as it does the bundle's YAML library. */
const VALIDATOR = 'runbook.validate.cjs';

/** The YAML library's own code, as the package or as esbuild bundles it (src/runbook only destructures the name). */
const holdsYamlLibrary = (file: string): boolean => /class YAMLParseError extends|YAMLParseError = class extends/.test(readFileSync(file, 'utf8'));

interface Loads {
  readonly exitCode: number;
  readonly childProcess: boolean;
  readonly v8: boolean;
  readonly yaml: boolean;
  readonly tls: boolean;
  readonly cached: [string, boolean][];
}

/** Runs the built CLI with REPORT_LOADS: what it loaded, and every file it read code from. */
const loadsAndFiles = async (args: readonly string[]): Promise<{ seen: Loads; files: string[] }> => {
  const dir = inlineFiles({ 'report-loads.mjs': REPORT_LOADS });
  const result = await execa(process.execPath, ['--import', join(dir, 'report-loads.mjs'), BIN, ...args], { reject: false, cwd: ROOT });
  const said = /^loaded: (.*)$/m.exec(result.stderr);
  if (!said) throw new Error(`no report of the loads in: ${result.stderr}`);
  const loaded = JSON.parse(said[1]!) as string[];
  const modules = [...result.stderr.matchAll(/^module: (file:\S+)$/gm)].map((match) => fileURLToPath(match[1]!));
  const cached = JSON.parse(/^cached: (.*)$/m.exec(result.stderr)![1]!) as [string, boolean][];
  const files = [...modules, ...loaded.filter((entry) => entry.startsWith('/')), ...cached.map(([file]) => file)];
  const seen: Loads = {
    exitCode: result.exitCode ?? -1,
    childProcess: loaded.includes('NativeModule child_process'),
    v8: loaded.includes('NativeModule v8'),
    yaml: files.some(holdsYamlLibrary),
    // What mysql2 loads on first use only (scripts/bundle.ts).
    tls: loaded.includes('NativeModule tls'),
    // Each file compiled with a code cache, and whether V8 took it (src/model/cached-require.ts).
    cached: cached.map(([file, taken]) => [basename(file), taken]),
  };
  return { seen, files };
};

const loads = async (args: readonly string[]): Promise<Loads> => (await loadsAndFiles(args)).seen;

describe('start-up', () => {
  test.each([[['--version']], [['--help']], [['validate', 'runbooks/mysql-connectivity.yaml']]])('runbook %j loads neither node:child_process, node:v8 nor the YAML library', async (args) => {
    const validates = args[0] === 'validate';
    expect(await loads(args)).toEqual({ exitCode: 0, childProcess: false, v8: false, yaml: false, tls: false, cached: validates ? [[VALIDATOR, true]] : [] });
  });

  test('a run that starts a command loads both, the command runs, and its check is placed without the YAML library', async () => {
    const dir = inlineFiles({
      'local.yaml': ['version: 1', 'title: one command', 'hosts: { here: local }', 'questions:', '  - id: q', '    title: does it echo?', '    checks:', '      - { id: c, on: here, run: "echo hi", expect: { stdout: { contains: hi } } }', ''].join('\n'),
    });
    // The JSON report places the check (its id's line and column): read quickly, without the YAML library.
    expect(await loads(['run', join(dir, 'local.yaml'), '--reporter', `json:${join(dir, 'report.json')}`])).toEqual({ exitCode: 0, childProcess: true, v8: true, yaml: false, tls: false, cached: [[VALIDATOR, true]] });
    const [question] = (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { questions: { checks: { location: unknown }[] }[] }).questions;
    expect(question?.checks[0]?.location).toEqual({ file: join(dir, 'local.yaml'), line: 8, col: 15 });
  });

  test('a check that logs in to MySQL requires mysql2 compiled from its code cache, without node:tls, and logs in', async () => {
    const server = await replayServer(loadConversation('healthy'));
    try {
      const dir = inlineFiles({
        'db.yaml': ['version: 1', 'title: one login', 'vars: { pw: { secret: true } }', 'hosts: { here: local }', 'questions:', '  - id: q', '    title: does the database answer?', '    checks:', `      - { id: c, on: here, mysql: { host: 127.0.0.1, port: ${server.port}, user: app, password: "\${vars.pw}", database: appdb } }`, ''].join('\n'),
      });
      // The recorded conversation answers a login with a password (any: the replay counts bytes).
      expect(await loads(['run', join(dir, 'db.yaml'), '--var', 'pw=x', '--reporter', `json:${join(dir, 'report.json')}`])).toMatchObject({ exitCode: 0, tls: false, cached: [[VALIDATOR, true], ['mysql2.cjs', true]] });
      const [question] = (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { questions: { checks: { observed: { state: string } }[] }[] }).questions;
      expect(question?.checks[0]?.observed.state).toBe('answered');
    } finally {
      await server.close();
    }
  });

  test('a run over SSH requires ssh2 compiled from its code cache: one file, none of the package', async () => {
    // An sshd that accepts and says nothing: the connection is made, ssh2 loads, the handshake times out.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => sockets.add(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const dir = inlineFiles({
        'remote.yaml': ['version: 1', 'title: one remote command', `hosts: { there: "root@127.0.0.1:${port}" }`, 'questions:', '  - id: q', '    title: q', '    checks:', '      - { id: c, on: there, run: "true" }', ''].join('\n'),
        'ssh_config': 'Host *\n  ConnectTimeout 1\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n',
      });
      const { seen, files } = await loadsAndFiles(['run', join(dir, 'remote.yaml'), '--ssh-config', join(dir, 'ssh_config'), '--quiet']);
      expect(seen).toMatchObject({ exitCode: 3, cached: [[VALIDATOR, true], ['ssh2-client.cjs', true]] });
      // Its native crypto binding, if npm built it, is still required from the package: by design.
      expect(files.filter((file) => file.includes(`node_modules${sep}ssh2${sep}`) && file.endsWith('.js'))).toEqual([]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);

  test('a runbook the quick reading leaves to the exact one loads the YAML library, and is read and placed as before', async () => {
    const anchored = ['version: 1', 'title: anchors', 'hosts: { here: local }', 'questions:', '  - id: q', '    title: q', '    checks:', '      - { id: c, on: &h here, run: "true" }', '      - { id: d, on: *h, run: "true", expect: { nope: 1 } }', ''].join('\n');
    const dir = inlineFiles({ 'anchored.yaml': anchored });
    expect(await loads(['validate', join(dir, 'anchored.yaml')])).toMatchObject({ exitCode: 2, yaml: true, cached: [[VALIDATOR, true], ['yaml.cjs', true]] });
    const result = await execa(process.execPath, [BIN, 'validate', join(dir, 'anchored.yaml')], { reject: false });
    expect(result.stderr).toContain(`${join(dir, 'anchored.yaml')}:9:`);
  });

  // app/load-plans.ts: a runbook of 256 KiB or more is read with V8's young generation kept small.
  test('a large runbook loads node:v8 to read with a small young generation, and is read and placed as any other', async () => {
    const checks = Array.from({ length: 3000 }, (_, index) => `      - { id: c${index}, on: here, run: "echo c${index}", expect: { stdout: { contains: c${index} } } }`);
    const large = ['version: 1', 'title: large', 'hosts: { here: local }', 'questions:', '  - id: q', '    title: q', '    checks:', ...checks, ''].join('\n');
    expect(large.length).toBeGreaterThan(256 * 1024);
    const broken = large.replace('id: c2999, on: here', 'id: c2999, on: there');
    const dir = inlineFiles({ 'large.yaml': large, 'broken.yaml': broken });
    const lines = broken.split('\n');
    const line = lines.findIndex((text) => text.includes('on: there'));
    // The validator is compiled before the young generation's flag is set: V8 takes no cache under flags it was not made with.
    expect(await loads(['validate', join(dir, 'large.yaml')])).toEqual({ exitCode: 0, childProcess: false, v8: true, yaml: false, tls: false, cached: [[VALIDATOR, true]] });
    const result = await execa(process.execPath, [BIN, 'validate', join(dir, 'broken.yaml')], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'broken.yaml')}:${line + 1}:${lines[line]!.indexOf('there') + 1}: `);
  }, 30_000);

  // Without the linear engine, this pattern backtracks for minutes on a host name of 36 a's and a b.
  test('plan --limit ~REGEX answers at once for a backtracking pattern', async () => {
    const dir = inlineFiles({
      'hosts.yaml': ['version: 1', 'title: hosts', 'hosts:', `  web: [${'a'.repeat(36)}b, bbb]`, 'questions:', '  - id: q', '    title: q', '    checks:', '      - { id: c, on: web, run: "true" }', ''].join('\n'),
    });
    const result = await execa(process.execPath, [BIN, 'plan', join(dir, 'hosts.yaml'), '--limit', '~^(a+)+$'], { reject: false, timeout: 10_000 });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--limit ~^(a+)+$: no host of this run matches it');
  }, 30_000);
});
