// npm run record:fixtures [-- SCENARIO...] (as root): brings the namespace lab up, runs the shipped
// mysql-connectivity runbook in every lab scenario with --record into
// test/fixtures/recordings/<scenario>/, writes each expect.yaml from the verdicts and findings the
// lab test holds true (test/helpers/article-scenarios.ts), and takes the lab down. The fast test
// test/e2e/recordings.test.ts then replays them all with no lab and no root.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { SCENARIOS } from '../test/lab/faults.js';
import { ARTICLE_CREDENTIALS, ARTICLE_ENVIRONMENT, ARTICLE_EXPECTED } from '../test/helpers/article-scenarios.js';

const ROOT = resolve(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'test/fixtures/recordings');

const expectYaml = (scenario: (typeof SCENARIOS)[number]): string => {
  const expected = ARTICLE_EXPECTED[scenario];
  const data = { exit_code: expected.exitCode, questions: expected.questions, findings: [...expected.findings].sort() };
  return `# what replaying this recording must give (runbook test): the lab scenario ${scenario}, as\n# test/helpers/article-scenarios.ts holds it true. Written by npm run record:fixtures.\n\n${stringify(data)}`;
};

/** The scenarios named after `--` (npm run record:fixtures -- host-blocked), or every one. */
const scenariosAsked = (): (typeof SCENARIOS)[number][] => {
  const named = process.argv.slice(2);
  const unknown = named.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`record:fixtures: no lab scenario ${unknown.join(', ')}; the scenarios are ${SCENARIOS.join(', ')}`);
  return named.length > 0 ? (named as (typeof SCENARIOS)[number][]) : [...SCENARIOS];
};

const main = async (): Promise<void> => {
  if (process.getuid?.() !== 0) throw new Error('record:fixtures needs the namespace lab: run it as root');
  const { startLab } = await import('../test/lab/lab.js');
  const lab = await startLab({ waitMs: 120_000 });
  try {
    for (const scenario of scenariosAsked()) {
      await lab.setScenario(scenario);
      const dir = join(FIXTURES, scenario);
      mkdirSync(dir, { recursive: true });
      const args = ['bin/runbook.js', 'run', 'mysql-connectivity.yaml', '--ssh-config', lab.sshConfigPath, ...ARTICLE_CREDENTIALS, '--record', dir, '--quiet'];
      try {
        execFileSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...ARTICLE_ENVIRONMENT }, stdio: ['ignore', 'ignore', 'inherit'] });
      } catch (error) {
        // A fault scenario exits 1 or 3: that is its verdict, not a failure to record.
        if (![1, 3].includes((error as { status?: number }).status ?? -1)) throw error;
      }
      writeFileSync(join(dir, 'expect.yaml'), expectYaml(scenario));
      process.stderr.write(`record:fixtures: ${scenario} recorded in ${dir}\n`);
    }
  } finally {
    await lab.down();
  }
};

await main();
