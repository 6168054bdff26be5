// The command-line surface, declared with commander; actions live in actions.ts.
import { Command, Option } from 'commander';
import { TOOL } from '../app/tool.js';
import { EXIT_CODES, EXIT_CODE_MEANINGS } from '../model/exit-codes.js';
import { VAR_ENV_PREFIX } from '../model/runbook.js';
import { REPORTER_NAMES } from '../report/registry.js';
import { planAction, runAction, validateAction } from './actions.js';
import { stdout, writeStderr } from './io.js';
import { collectList, collectPair, parseDurationOption, parsePositiveInteger } from './options.js';

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT = '30s';

const exitCodeHelp = (): string =>
  `\nExit codes:\n${Object.entries(EXIT_CODES).map(([name, code]) => `  ${String(code).padStart(3)}  ${EXIT_CODE_MEANINGS[name as keyof typeof EXIT_CODES]}`).join('\n')}\n`;

const ENVIRONMENT: [string, string][] = [
  [`${VAR_ENV_PREFIX}<name>=value`, "sets the runbook's variable <name> (--var wins, over --vars-file); secrets are shown as ***"],
  ['NO_COLOR', 'no colours'],
];

const environmentHelp = (): string => `\nEnvironment:\n${ENVIRONMENT.map(([name, meaning]) => `  ${name.padEnd(26)}${meaning}`).join('\n')}\n`;

const withOverrides = (command: Command): Command =>
  command
    .option('--var <name=value>', 'set a variable of the runbook, over RUNBOOK_VAR_<name>, --vars-file and its default (repeatable)', collectPair('--var'))
    .option('--vars-file <file>', 'YAML file of variable values (name: value), over the runbook\'s defaults; repeatable, a later file wins', collectList)
    .option('--host <role=[user@]host[:port]>', 'point a host role at another machine, or "local" (repeatable)', collectPair('--host'));

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

  withOverrides(program.command('run').argument('<files...>', 'runbook files, or names of shipped runbooks'))
    .description('run runbooks and report each question: pass, fail, error or skipped')
    .addOption(new Option('--reporter <name>', 'report format').choices(REPORTER_NAMES).default('human'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--concurrency <n>', 'checks running at once', parsePositiveInteger, DEFAULT_CONCURRENCY)
    .option('--timeout <duration>', 'default timeout of a check', parseDurationOption, parseDurationOption(DEFAULT_TIMEOUT))
    .option('--ssh-config <file>', 'ssh_config to read, like ssh -F (default ~/.ssh/config, then /etc/ssh/ssh_config)')
    .addOption(
      new Option('--ssh-strict-host-key-checking <mode>', 'yes: only hosts in known_hosts; accept-new: also record new hosts (changed keys are always refused)').choices(['yes', 'accept-new']),
    )
    .option('--verbose', 'progress on stderr: the runbooks and hosts, a line as each check finishes (status, host, time, reason), the outcome')
    .option('--color', 'force colours in the human report')
    .option('--no-color', 'no colours in the human report')
    .addHelpText('after', '\nExamples:\n  runbook run runbooks/mysql-connectivity.yaml\n  runbook run mysql-connectivity.yaml --var port=3307 --reporter json --output report.json\n')
    .action(runAction);

  withOverrides(program.command('validate').argument('<files...>', 'runbook files'))
    .description('check runbooks against the schema and the planner without running anything')
    .action(validateAction);

  withOverrides(program.command('plan').argument('<file>', 'a runbook file'))
    .description('show the checks in execution order with their hosts and exact commands; nothing runs')
    .option('--json', 'print the plan as JSON')
    .option('--timeout <duration>', 'default timeout of a check', parseDurationOption, parseDurationOption(DEFAULT_TIMEOUT))
    .action(planAction);

  return program;
};
