// Entry point: runs the program and turns every failure into one line and a documented exit code.
import { CommanderError } from 'commander';
import { errorText, formatDiagnostic, InputError } from '../errors/diagnostic.js';
import { EXIT_CODES } from '../model/exit-codes.js';
import { setExitCode, stderr } from './io.js';
import { buildProgram } from './program.js';

const debugWanted = (argv: readonly string[]): boolean => argv.includes('--debug');

const handleFailure = (error: unknown, argv: readonly string[]): void => {
  if (error instanceof CommanderError) {
    // commander has already printed its one-line message (with a suggestion where it has one).
    // `runbook` alone also shows the help, as an error (commander's exit code 1): a usage error here.
    const informational = (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') && error.exitCode === 0;
    setExitCode(informational ? EXIT_CODES.pass : EXIT_CODES.invalid);
    return;
  }
  if (error instanceof InputError) {
    for (const diagnostic of error.diagnostics) stderr(formatDiagnostic(diagnostic));
    setExitCode(EXIT_CODES.invalid);
    return;
  }
  stderr(`runbook: internal error: ${errorText(error)} (please report it; rerun with --debug for the stack)`);
  if (debugWanted(argv) && error instanceof Error && error.stack) stderr(error.stack);
  setExitCode(EXIT_CODES.internal);
};

export const main = async (argv: readonly string[]): Promise<void> => {
  try {
    await buildProgram().parseAsync([...argv]);
  } catch (error) {
    handleFailure(error, argv);
  }
};

// eslint-disable-next-line no-restricted-properties -- the entry point reads its own arguments
await main(process.argv);
