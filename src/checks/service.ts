// The `service:` check: a systemd unit's state as systemd itself reports it, and when the unit is
// not active, the last lines of its journal, which usually say why. A host without systemd is an
// error that says so: runbook never guesses a state from a pid file or an init script.
import { patterned } from '../model/json-schema.js';
import { referencePattern } from '../model/references.js';
import { failed, ok, type Result } from '../model/result.js';
import type { CommandOutcome } from '../transport/types.js';
import { type Attempt, answered, firstLine, noAnswer, type Reading, tryInOrder } from './probes/attempts.js';
import { defineCheckKind } from './probes/define-kind.js';
import { isPending, type Known, shellWord } from './probes/values.js';
import type { Observation, Probe, ProbeSettings } from './types.js';

export interface ServiceSpec {
  readonly name: string;
  readonly journal_lines?: number;
}

const PROPERTIES = ['LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'MainPID', 'ExecMainStatus'];
const DEFAULT_JOURNAL_LINES = 10;
export const MAX_JOURNAL_LINES = 50;
/** The newest end of the journal is kept: a 50-line stack trace must not swell the report. */
export const JOURNAL_MAX_CHARS = 8192;

/** systemd's unit name characters (unit_name_is_valid): no spaces, no quotes, no leading dash. */
const UNIT_NAME = /^(?!-)[A-Za-z0-9:_.@\\-]{1,255}$/;

/**
 * One command line. `systemctl show` prints Key=Value lines in its own order, so the shell looks
 * for "ActiveState=active" anywhere: no other ActiveState begins with "active" ("activating",
 * "inactive" do not contain it after the "="). Only a unit that is not active costs a journal read.
 */
export const serviceScript = (unit: Known<string>, journalLines: number): string =>
  [
    `u=${shellWord(unit)}`,
    `s=$(systemctl show --no-pager --property=${PROPERTIES.join(',')} "$u") || exit`,
    'printf \'%s\\n\' "$s"',
    ...(journalLines === 0
      ? []
      : ['case $s in *ActiveState=active*) exit 0;; esac', 'echo ==journal', `exec journalctl -u "$u" -n ${journalLines} --no-pager -o cat`]),
  ].join('\n');

export interface UnitFacts {
  readonly properties: Readonly<Record<string, string>>;
  /** null when the unit is active (or journal_lines is 0): not read. */
  readonly journal: string | null;
  /** What journalctl said on stderr ("No journal files were found.", a hint about permissions). */
  readonly journalProblem: string;
}

/** systemctl's own words when it cannot reach a manager: no systemd as PID 1, or no bus. */
const NO_SYSTEMD = /System has not been booted with systemd|Failed to connect to bus|Host is down/;

export type ServiceReading = { readonly kind: 'unit'; readonly facts: UnitFacts } | { readonly kind: 'no-systemd'; readonly reason: string };

export const parseShow = (text: string): Record<string, string> =>
  Object.fromEntries(
    text.split('\n').flatMap((line) => {
      const at = line.indexOf('=');
      return at > 0 ? [[line.slice(0, at), line.slice(at + 1)]] : [];
    }),
  );

export const readService = (outcome: CommandOutcome): Reading<ServiceReading> => {
  const at = outcome.stdout.indexOf('==journal\n');
  const properties = parseShow(at < 0 ? outcome.stdout : outcome.stdout.slice(0, at));
  if (properties.ActiveState === undefined) {
    const reason = firstLine(outcome.stderr);
    if (NO_SYSTEMD.test(outcome.stderr)) return { ok: true, value: { kind: 'no-systemd', reason } };
    return { ok: false, error: `systemctl show failed (exit ${String(outcome.exitCode)}): ${reason || 'no message'}` };
  }
  const journal = at < 0 ? null : outcome.stdout.slice(at + '==journal\n'.length).slice(-JOURNAL_MAX_CHARS);
  return { ok: true, value: { kind: 'unit', facts: { properties, journal, journalProblem: at < 0 ? '' : firstLine(outcome.stderr) } } };
};

const numberOrNull = (text: string | undefined): number | null => (text !== undefined && /^\d+$/.test(text) ? Number(text) : null);

export const serviceFields = ({ properties, journal }: UnitFacts): Observation['fields'] => ({
  // A unit systemd has no file for reads "inactive": only LoadState tells it from a stopped one.
  state: properties.LoadState === 'not-found' ? 'not-found' : (properties.ActiveState ?? ''),
  load_state: properties.LoadState ?? '',
  sub_state: properties.SubState ?? '',
  enabled: properties.UnitFileState ?? '',
  // MainPID=0: no main process (stopped, failed, or a oneshot that ended).
  main_pid: numberOrNull(properties.MainPID) || null,
  exit_status: numberOrNull(properties.ExecMainStatus),
  journal: journal ?? '',
});

const resolveUnit = (raw: string, resolve: ProbeSettings['resolve']): Result<Known<string>> => {
  const unit = resolve.value(raw).trim();
  return isPending(unit) || UNIT_NAME.test(unit) ? ok(unit) : failed(`name must be a systemd unit name such as nginx or nginx.service, got ${JSON.stringify(unit)}`);
};

const probe = (spec: ServiceSpec, { resolve }: ProbeSettings): Result<Probe<Attempt<ServiceReading>[]>> => {
  const unit = resolveUnit(spec.name, resolve);
  if (!unit.ok) return unit;
  const script = serviceScript(unit.value, spec.journal_lines ?? DEFAULT_JOURNAL_LINES);
  const attempts: Attempt<ServiceReading>[] = [{ type: 'command', tool: 'systemctl', alsoNeeds: ['journalctl'], label: 'systemctl show', script, read: readService }];
  return ok({ target: attempts, steps: attempts });
};

/** The schema's description is also its error's "must be ..." text. */
const NAME_TEXT = 'a systemd unit name such as nginx or nginx.service (letters, digits and :_.@\\-), or a reference such as "${vars.unit}"';

const NAME_CHARACTERS = `(?!-)([A-Za-z0-9:_.@\\\\-]|${referencePattern('vars', 'captures')})+`;

export const service = defineCheckKind({
  name: 'service',
  summary: "reports a systemd unit's state (systemctl show) and, when it is not active, the last lines of its journal",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', ...patterned(`^${NAME_CHARACTERS}$`, NAME_TEXT), description: NAME_TEXT },
      journal_lines: { type: 'integer', minimum: 0, maximum: MAX_JOURNAL_LINES, description: `journal lines read when the unit is not active (default ${DEFAULT_JOURNAL_LINES}; 0: none)` },
    },
  },
  fields: { state: 'text', load_state: 'text', sub_state: 'text', enabled: 'text', main_pid: 'number', exit_status: 'number', journal: 'text' },
  defaultExpect: { state: { equals: 'active' } },
  probe,
  observe: async ({ target: attempts }, context): Promise<Observation> => {
    const result = await tryInOrder(context, attempts);
    if (!result.ok) {
      const noSystemctl = result.error.missingTools.some((missing) => missing.tool === 'systemctl');
      return noAnswer(noSystemctl ? { ...result.error, error: `no systemd on ${context.host}: systemctl is not installed` } : result.error);
    }
    const { value } = result.value;
    if (value.kind === 'no-systemd') return noAnswer({ error: `no systemd on ${context.host}: ${value.reason}`, notes: result.value.notes, missingTools: result.value.missingTools });
    const observation = answered(result.value, serviceFields(value.facts));
    const problem = value.facts.journalProblem;
    return problem === '' ? observation : { ...observation, notes: [...(observation.notes ?? []), `journalctl: ${problem}`] };
  },
});
