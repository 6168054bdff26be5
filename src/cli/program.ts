// The command-line surface, declared with commander; actions live in actions.ts.
import { Command, Option } from 'commander';
import { TOOL } from '../app/tool.js';
import { EXIT_CODES, EXIT_CODE_MEANINGS } from '../model/exit-codes.js';
import { DEFAULT_CONNECTIONS } from '../model/limits.js';
import { VAR_ENV_PREFIX } from '../model/runbook.js';
import { REPORTER_NAMES } from '../report/registry.js';
import type { TestCommandOptions } from './test-action.js';
import type { PlanOptions, RunOptions, CommonOptions } from './actions.js';
import { stdout, writeStderr } from './io.js';
import { collectList, collectPair, parseDurationOption, parsePositiveInteger, parseShard } from './options.js';

// The actions (and all they load) are imported when a command runs, not to print --help or --version.

/**
 * The action of a command that runs a runbook's own regexes (matchers and captures on what checks
 * saw, `--limit ~pattern` on host names), after V8's switch to its linear engine (linear-regex.ts).
 * Loading node:v8 for it was 7 ms of `validate`, `--help` and `--version`, which run none.
 */
const runningRegexes =
  <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
  async (...args: A): Promise<void> => {
    await import('./linear-regex.js');
    return action(...args);
  };

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT = '30s';

const exitCodeHelp = (): string =>
  `\nExit codes:\n${Object.entries(EXIT_CODES).map(([name, code]) => `  ${String(code).padStart(3)}  ${EXIT_CODE_MEANINGS[name as keyof typeof EXIT_CODES]}`).join('\n')}\n`;

const ENVIRONMENT: [string, string][] = [
  [`${VAR_ENV_PREFIX}<name>=value`, "sets the runbook's variable <name> (--var wins, over --vars-file); secrets are shown as ***"],
  ['NO_COLOR', 'no colours'],
];

const environmentHelp = (): string => `\nEnvironment:\n${ENVIRONMENT.map(([name, meaning]) => `  ${name.padEnd(26)}${meaning}`).join('\n')}\n`;

/** `--only`, `--tag`, `--limit` and `--shard`, for run and plan: the same questions and hosts either way. */
const withSelection = (command: Command): Command =>
  command
    .option('--only <question>', 'run only this question (repeatable); the questions it depends on run too', collectList)
    .option('--tag <tag>', 'run only the questions with this tag (repeatable: any of them); with --only, either', collectList)
    .option('--limit <pattern>', "only these hosts, in Ansible's patterns: web0*, 'web:!web07', 'web:&prod', ~regex; a role is a group of its hosts; what they wait for runs too")
    .option('--shard <i/n>', 'only part i of n of the hosts (a stable hash of each host name); join the JSON reports with runbook merge-reports', parseShard);

const withOverrides = (command: Command): Command =>
  command
    .option('--var <name=value>', 'set a variable of the runbook, over RUNBOOK_VAR_<name>, --vars-file and its default (repeatable)', collectPair('--var'))
    .option('--vars-file <file>', 'YAML file of variable values (name: value), over the runbook\'s defaults; repeatable, a later file wins', collectList)
    .option('--host <role=[user@]host[:port]>', 'point a host role at another machine, "local", a range (web[01:50]) or @GROUP of --inventory (repeatable)', collectPair('--host'))
    .option('--inventory <file>', 'an Ansible inventory (YAML or INI): its groups are @GROUP, and a role written web: {} takes the group web');

const examples = (...lines: string[]): string => `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}\n`;

/** Shown as `30s`, as it is written, not as the milliseconds it becomes. */
const timeoutOption = (): Option =>
  new Option('--timeout <duration>', 'default timeout of a check that sets none (the runbook\'s defaults: come first)').argParser(parseDurationOption).default(parseDurationOption(DEFAULT_TIMEOUT), DEFAULT_TIMEOUT);

export const buildProgram = (): Command => {
  const program = new Command('runbook')
    .description('Declarative, repeatable troubleshooting runbooks: questions answered by checks on hosts.')
    .version(TOOL.version)
    .option('--debug', 'print stack traces of internal errors')
    .showSuggestionAfterError()
    // One line per problem, like every other error: commander puts its suggestion on a line of its own.
    .configureOutput({ writeOut: stdout, writeErr: writeStderr, outputError: (text, write) => write(`${text.trim().replace(/\s*\n\s*/g, ' ')}\n`) })
    .exitOverride()
    .addHelpText('after', `${environmentHelp()}${exitCodeHelp()}`);

  withSelection(withOverrides(program.command('run').argument('<files...>', 'runbook files, or names of shipped runbooks')))
    .description('run runbooks and report each question: pass, fail, error or skipped')
    .option('--reporter <name[:file]>', `report format, to stdout or into a file; repeatable: ${REPORTER_NAMES.join(', ')} (default human)`, collectList)
    .option('--output <file>', 'write the report of the one reporter given without a file there instead of stdout')
    .option('--concurrency <n>', 'commands running at once, across all hosts', parsePositiveInteger, DEFAULT_CONCURRENCY)
    .option('--connections <n>', 'SSH connections open or being set up at once; a host waits for one, an idle one is closed for it', parsePositiveInteger, DEFAULT_CONNECTIONS)
    .addOption(timeoutOption())
    .option('--deadline <duration>', 'a limit for the whole run: what still runs then is stopped and what has not started is not (both "could not check"); e.g. 5m', parseDurationOption)
    .option('--ssh-config <file>', 'ssh_config to read, like ssh -F (default ~/.ssh/config, then /etc/ssh/ssh_config)')
    .addOption(new Option('--record <dir>', 'also write every command and stream each check ran, with what came back (secrets masked), into DIR: one file per check and host').conflicts('replay'))
    .option('--replay <dir>', 'answer the checks from a recording (--record) instead of the hosts: the same verdicts and diagnosis, the report marked as a replay')
    .addOption(
      new Option('--ssh-strict-host-key-checking <mode>', 'yes: only hosts in known_hosts; accept-new: also record new hosts (changed keys are always refused)').choices(['yes', 'accept-new']),
    )
    .addOption(new Option('--verbose', 'progress as lines on stderr even on a terminal: the runbooks and hosts, a line as each check finishes (status, host, time, reason), the outcome; the human report lists every host of a fleet').conflicts('quiet'))
    .option('--quiet', 'no progress on stderr (by default: a live view on a terminal, a line per finished check otherwise)')
    .option('--color', 'force colours in the human report')
    .option('--no-color', 'no colours in the human report')
    .addHelpText('after', examples(
      'runbook run mysql-connectivity.yaml',
      'runbook run mysql-connectivity.yaml --var port=3307 --host server=admin@db1.prod',
      'runbook run gate.yaml --reporter human --reporter junit:junit.xml --reporter html:report.html',
      'runbook run gate.yaml --only db-answers --deadline 5m --quiet',
      'RUNBOOK_VAR_db_password="$DB_PASSWORD" runbook run app-login.yaml --tag db',
      'runbook run web-tier.yaml --inventory hosts.ini --limit \'web:!web07\' --reporter junit:junit.xml',
      'runbook run web-tier.yaml --inventory hosts.yaml --shard 2/3 --reporter json:shard-2.json',
      'runbook run mysql-connectivity.yaml --record incidents/2026-12-01   # keep what the hosts said',
      'runbook run mysql-connectivity.yaml --replay incidents/2026-12-01   # the same report, no host asked',
    ))
    .action(runningRegexes(async (files: string[], options: RunOptions) => (await import('./actions.js')).runAction(files, options)));

  withOverrides(program.command('validate').argument('<files...>', 'runbook files'))
    .description('check runbooks against the schema and the planner without running anything')
    .addHelpText('after', examples('runbook validate runbooks/*.yaml', 'runbook validate web.yaml --vars-file prod.yaml'))
    .action(async (files: string[], options: CommonOptions) => (await import('./actions.js')).validateAction(files, options));

  withSelection(withOverrides(program.command('plan').argument('<file>', 'a runbook file')))
    .description('show the checks in execution order with their hosts and exact commands; nothing runs')
    .addHelpText('after', examples(
      'runbook plan mysql-connectivity.yaml --var port=3307',
      'runbook plan web-host.yaml --format mermaid > plan.md',
      'runbook plan web-host.yaml --format dot | dot -Tsvg > plan.svg',
      'runbook plan mysql-connectivity.yaml --host server=db1.prod --ssh-config ~/.ssh/config',
    ))
    .addOption(new Option('--format <format>', 'text, json (the plan as data), mermaid (a flowchart GitHub and GitLab draw in Markdown) or dot (Graphviz)').choices(['text', 'json', 'mermaid', 'dot']).default('text'))
    .option('--json', 'the same as --format json')
    .option('--ssh-config <file>', 'show where each SSH role really goes, read from this ssh_config as a run reads it (HostName, User, Port, ProxyJump)')
    .addOption(timeoutOption())
    .action(runningRegexes(async (file: string, options: PlanOptions) => (await import('./actions.js')).planAction(file, options)));

  program.command('test').argument('<dirs...>', 'recordings (runbook run --record DIR), each with an expect.yaml')
    .description('replay each recording against its runbook and compare the verdicts and findings with its expect.yaml; exit 1 on any difference')
    .option('--runbook <file>', 'replay this runbook instead of the one expect.yaml or the recording names (a changed copy, say)')
    .option('--update', 'write expect.yaml from what the replay gives instead of comparing (read it before you keep it)')
    .option('--var <name=value>', 'set a variable over the recorded one (repeatable)', collectPair('--var'))
    .option('--concurrency <n>', 'checks replayed at once', parsePositiveInteger, DEFAULT_CONCURRENCY)
    .addOption(timeoutOption())
    .addHelpText('after', examples(
      'runbook run mysql-connectivity.yaml --record incidents/db-2026-12-01    # during the incident',
      'runbook test incidents/db-2026-12-01 --update                            # write expect.yaml; read it, keep it',
      'runbook test incidents/*                                                 # in CI: every incident still diagnosed right',
      'runbook test test/fixtures/recordings/* --runbook my-changed-copy.yaml',
    ))
    .action(runningRegexes(async (dirs: string[], options: TestCommandOptions) => (await import('./test-action.js')).testAction(dirs, options)));

  program.command('merge-reports').argument('<files...>', 'JSON reports of runbook run --shard i/n, one per shard')
    .description('join the JSON reports of a sharded run into the report of the whole run, judged again as one run (require: counts every shard\'s hosts), with its exit code')
    .option('--reporter <name[:file]>', `report format, to stdout or into a file; repeatable: ${REPORTER_NAMES.join(', ')} (default human)`, collectList)
    .option('--output <file>', 'write the report of the one reporter given without a file there instead of stdout')
    .option('--color', 'force colours in the human report')
    .option('--no-color', 'no colours in the human report')
    .option('--verbose', 'the human report lists every host of a fleet, passes included, instead of grouping them by outcome')
    .addHelpText('after', examples(
      'runbook run web-tier.yaml --inventory hosts.ini --shard 2/3 --reporter json:shard-2.json   # on each of 3 runners',
      'runbook merge-reports shard-*.json --reporter human --reporter junit:junit.xml             # then once, on all of them',
      '# GitHub Actions: a matrix job per shard uploads shard-N.json; a job that needs them all downloads them and merges',
      'runbook merge-reports shard-1.json shard-2.json shard-3.json --reporter json --output report.json',
    ))
    .action(async (files: string[], options: { reporter?: string[]; output?: string; color?: boolean; verbose?: boolean }) => (await import('./merge-action.js')).mergeReportsAction(files, options));

  return program;
};
