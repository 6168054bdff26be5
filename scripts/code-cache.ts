// The last step of npm run build: a V8 code cache for each CommonJS file the CLI compiles as it
// works (src/model/cached-require.ts), under each set of V8 flags it runs under, made once the
// file has run on the shipped runbooks, so that it also holds the functions they needed.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { load } from 'js-yaml';
import { PassThrough } from 'node:stream';
import type * as Yaml from 'yaml';
import type * as Ssh2 from 'ssh2';
import { createRequire } from 'node:module';
import type { Ssh2Client } from '../src/transport/ssh/ssh2-client.js';
import type { Mysql2Library } from '../src/checks/probes/mysql-library.js';
import { CODE_CACHE_DIRECTORY, writeCodeCache } from '../src/model/cached-require.js';
import { SCHEMA_VALIDATOR_FILE } from '../src/runbook/validate.js';
import { CODE_CACHE_FLAG_SETS, noteV8Flag } from '../src/model/v8-flags.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const runbookTexts = (): string[] =>
  readdirSync(join(root, 'runbooks'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => readFileSync(join(root, 'runbooks', name), 'utf8'));

/** What the schema refuses, so that the paths reporting it are compiled too. */
const INVALID_RUNBOOK = { version: 1, hosts: { here: 'local' }, questions: [{ id: 'q', checks: [{ id: 'c', on: 'here', run: 1, expect: { exit_code: 'x' }, prot: 1 }] }] };

/** Broken YAML, for the YAML library's errors. */
const INVALID_YAML = 'a: [1, 2\nb: : c\n  - d\n';

const warmUpValidator = (texts: readonly string[]) => (exports: unknown): void => {
  const validate = exports as (data: unknown) => boolean;
  for (const text of texts) validate(load(text));
  validate(INVALID_RUNBOOK);
};

/** What the exact reading does with the library (runbook/yaml-depth.ts, yaml-content.ts), and a recording's writing. */
const warmUpYaml = (texts: readonly string[]) => (exports: unknown): void => {
  const yaml = exports as typeof Yaml;
  for (const text of [...texts, INVALID_YAML]) {
    const parser = new yaml.Parser();
    const tokens = [...new yaml.Lexer().lex(text)].flatMap((lexeme) => [...parser.next(lexeme)]);
    tokens.push(...parser.end());
    for (const doc of new yaml.Composer({ uniqueKeys: false, logLevel: 'error' }).compose(tokens, true, text.length)) {
      yaml.visit(doc, { Node: (_, node) => void (yaml.isMap(node) || yaml.isSeq(node) || yaml.isScalar(node) || yaml.isAlias(node)) });
      doc.toJS({ maxAliasCount: 100 });
    }
  }
  void new yaml.Document({ checks: [{ id: 'a', stdout: 'b\nc' }] }).toString();
};

/** A check's login as far as it goes without a server: the connection made over a stream, then ended. */
const warmUpMysql2 = (exports: unknown): void => {
  const mysql = exports as Mysql2Library;
  const connection = mysql.createConnection({ stream: new PassThrough(), user: 'app', password: 'x', database: 'appdb', connectTimeout: 1000, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, disableEval: true });
  connection.on('error', () => undefined);
  connection.destroy();
};

/**
 * What a connection does with ssh2 as far as it goes without a server: a private key in OpenSSH's
 * format read (one made here by ssh2's own key generation), a client started over a stream, then ended.
 */
const warmUpSsh2 = (exports: unknown): void => {
  const ssh2 = exports as Ssh2Client;
  const key = (createRequire(import.meta.url)('ssh2') as typeof Ssh2).utils.generateKeyPairSync('ed25519');
  ssh2.parseKey(key.private);
  const client = new ssh2.Client();
  client.on('error', () => undefined);
  client.connect({ sock: new PassThrough(), username: 'runbook', readyTimeout: 1000 });
  client.end();
};

rmSync(CODE_CACHE_DIRECTORY, { recursive: true, force: true });
const texts = runbookTexts();
let set: readonly string[] = [];
for (const flags of CODE_CACHE_FLAG_SETS) {
  // V8's flags can be added, not taken away: each set holds the one before.
  if (!set.every((flag) => flags.includes(flag))) throw new Error(`CODE_CACHE_FLAG_SETS: ${flags.join(' ')} does not hold ${set.join(' ')}`);
  for (const flag of flags.filter((flag) => !set.includes(flag))) {
    setFlagsFromString(flag);
    noteV8Flag(flag);
  }
  set = flags;
  writeCodeCache(SCHEMA_VALIDATOR_FILE, warmUpValidator(texts));
  writeCodeCache(join(root, 'dist/bundle/yaml.cjs'), warmUpYaml(texts));
  writeCodeCache(join(root, 'dist/bundle/mysql2.cjs'), warmUpMysql2);
  writeCodeCache(join(root, 'dist/bundle/ssh2-client.cjs'), warmUpSsh2);
}
