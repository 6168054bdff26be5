// What `run --record` and `run --replay` change in a run, as the CLI sees it: small, so that a run
// without either loads none of record and replay (tape.ts).
import type { Plan } from '../plan/plan.js';
import type { ReplayMark } from '../model/report.js';
import type { TransportFactory } from './transports.js';

export interface TapeSetup {
  /** A replay's variables and --host: the recorded run's, what is given now over them. */
  readonly vars?: Readonly<Record<string, string>>;
  readonly hosts?: Readonly<Record<string, string>>;
  /** For runPlans, once the plans are loaded (their secrets mask what is recorded and what is asked). */
  settings(plans: readonly Plan[]): { transports?: TransportFactory; replay?: () => ReplayMark };
  /** Writes the recording, once the run has ended. */
  save(plans: readonly Plan[]): Promise<void>;
}

export const NO_TAPE: TapeSetup = { settings: () => ({}), save: () => Promise.resolve() };

/** What the run was given from outside the runbook, as the CLI read it. */
export interface GivenToRun {
  readonly vars: Readonly<Record<string, string>>;
  readonly hosts: Readonly<Record<string, string>>;
  /** RUNBOOK_VAR_* of the environment, by their full names. */
  readonly environment: Readonly<Record<string, string>>;
}
