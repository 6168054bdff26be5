// `runbook test DIR...`: each recording replayed and compared with its expect.yaml; a line per
// recording, the differences under it as `-` expected / `+` got, exit 1 on any difference.
import { EXIT_CODES } from '../model/exit-codes.js';
import { testRecording, type RecordingTest } from '../app/test-recordings.js';
import { runbookVarsInEnvironment, setExitCode, stdout } from './io.js';
import { interruptions } from './interrupt.js';
import { counted } from '../model/counted.js';

export interface TestCommandOptions {
  readonly runbook?: string;
  readonly update?: boolean;
  readonly var?: Record<string, string>;
  readonly timeout: number;
  readonly concurrency: number;
}

const unusedNote = (test: RecordingTest): string[] =>
  (test.report.replay?.unused ?? []).map(({ check, host, attempt }) => `  note: the recording holds ${attempt} of check ${check} on ${host}, which the runbook no longer asks`);

const lines = (test: RecordingTest): string[] => {
  const verdict = test.updated ? 'UPDATED' : test.differences.length === 0 ? 'PASS' : 'FAIL';
  const gist = `exit code ${test.report.exitCode}, ${counted(test.report.diagnosis.length, 'finding')}`;
  return [`${verdict.padEnd(7)} ${test.dir} (${gist})`, ...test.differences.map((line) => `  ${line}`), ...unusedNote(test)];
};

export const testAction = async (dirs: string[], options: TestCommandOptions): Promise<void> => {
  const interrupted = interruptions();
  const given = { vars: options.var ?? {}, hosts: {}, environment: runbookVarsInEnvironment() };
  const results: RecordingTest[] = [];
  for (const dir of dirs) {
    const test = await testRecording(dir, {
      ...(options.runbook === undefined ? {} : { runbook: options.runbook }),
      ...(options.update ? { update: true } : {}),
      given,
      signal: interrupted.signal,
      concurrency: options.concurrency,
      defaultTimeoutMs: options.timeout,
    });
    results.push(test);
    stdout(`${lines(test).join('\n')}\n`);
  }
  const failed = results.filter((test) => test.differences.length > 0).length;
  stdout(`${counted(results.length, 'recording')}: ${results.length - failed} as expected, ${failed} not\n`);
  setExitCode(failed > 0 ? EXIT_CODES.fail : EXIT_CODES.pass);
};
