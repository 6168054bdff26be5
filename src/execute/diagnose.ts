// Turns diagnosis rules and what the run observed into findings: the reasoning across checks that
// says "ICMP is filtered, TCP answers" instead of two unrelated lines. Rules are data; each kind of
// condition gives itself meaning in src/conditions/, over the facts this module serves.
// A rule about checks of a fleet is judged host by host (its checks on that host, and each other
// check as one run for all its hosts: execute/fleet-view.ts); hosts where it holds with the same
// words make one finding that names them.
import type { Finding } from '../model/report.js';
import { checksAskedBy } from '../model/condition-checks.js';
import { groupBy } from '../model/group-by.js';
import { fieldReference, findReferences } from '../model/references.js';
import { conditionHolds } from '../conditions/registry.js';
import { factsOf } from './facts.js';
import type { DiagnosisRule, Runbook } from '../model/runbook.js';
import { renderTemplate, type Lookup } from '../plan/template.js';
import { combinedRun } from './fleet-view.js';
import type { CheckRun } from './run-check.js';
import { escapeControl } from '../model/visible-text.js';

/** "nc, nmap on client; lsof, tcpdump on server": each tool once per host, stable order. */
export const describeMissingTools = (runs: readonly CheckRun[]): string => {
  const byHost = new Map<string, Set<string>>();
  for (const { tool, host } of runs.flatMap((run) => run.result.missingTools)) byHost.set(host, (byHost.get(host) ?? new Set()).add(tool));
  return [...byHost.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([host, tools]) => `${[...tools].sort().join(', ')} on ${host}`)
    .join('; ');
};

/**
 * A field as a finding's sentence quotes it: its lines as a list (`127.0.0.1:3306, [::1]:3306`, not
 * a line break mid-sentence), and `(none)` when it holds nothing, so a finding never ends on a
 * dangling "it listens only on".
 */
const inSentence = (value: string | number): string => {
  const lines = String(value).split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.length === 0 ? '(none)' : lines.join(', ');
};

/**
 * What a finding's references stand for in one view. The captures of every run are gathered only
 * when a reference asks for one: gathered for every rule that holds, they were quadratic.
 */
const lookupFor = (runbook: Runbook, view: ReadonlyMap<string, CheckRun>): Lookup => {
  let captures: Record<string, string> | undefined;
  const capturesOf = (): Record<string, string> => (captures ??= Object.assign({}, ...[...view.values()].map((run) => run.result.captures)) as Record<string, string>);
  return ({ namespace, name }) => {
    if (namespace === 'vars') return Object.hasOwn(runbook.vars, name) ? String(runbook.vars[name]) : undefined;
    if (namespace === 'captures') return capturesOf()[name] ?? '(not captured)';
    if (namespace === 'tools') return describeMissingTools([...view.values()]);
    const { check, field } = fieldReference(name);
    const value = view.get(check)?.fields[field];
    return value === undefined || value === null ? '(not observed)' : inSentence(value);
  };
};

/**
 * The checks a rule reads: in its condition, its `${fields.CHECK.x}`, and those making its
 * `${captures.x}`, in file order. Which checks capture each name is indexed once for all rules:
 * searching every check for each rule was quadratic.
 */
const checksReaderOf = (runbook: Runbook): ((rule: DiagnosisRule) => string[]) => {
  const checks = runbook.questions.flatMap((question) => question.checks);
  const capturing = groupBy(checks.flatMap((check, index) => check.captures.map((capture) => ({ name: capture.name, index }))), ({ name }) => name);
  return (rule) => {
    const references = [rule.finding, rule.hint ?? ''].flatMap(findReferences);
    const captured = new Set(references.filter((reference) => reference.namespace === 'captures').map((reference) => reference.name));
    const producers = [...new Set([...captured].flatMap((name) => (capturing.get(name) ?? []).map(({ index }) => index)))].sort((a, b) => a - b);
    return [...new Set([
      ...checksAskedBy(rule.when),
      ...references.filter((reference) => reference.namespace === 'fields').map((reference) => fieldReference(reference.name).check),
      ...producers.map((index) => checks[index]!.id),
    ])];
  };
};

interface HostView {
  /** Undefined: the rule reads no fleet, and is judged once. */
  readonly hostName?: string;
  readonly view: ReadonlyMap<string, CheckRun>;
}

/**
 * The views a rule is judged in: one per host of the first fleet role it reads, where that role's
 * checks are the host's own runs; one view of every check when it reads no fleet.
 */
const viewsFor = (checksRead: readonly string[], byCheck: ReadonlyMap<string, readonly CheckRun[]>, whole: ReadonlyMap<string, CheckRun>): HostView[] => {
  const fleetRun = checksRead.flatMap((id) => byCheck.get(id) ?? []).find((run) => run.result.hostName !== undefined);
  if (!fleetRun) return [{ view: whole }];
  const role = fleetRun.result.host;
  const onRole = [...byCheck].filter(([, runs]) => runs[0]?.result.host === role && runs[0].result.hostName !== undefined);
  const hostNames = [...new Set(onRole.flatMap(([, runs]) => runs.map((run) => run.result.hostName!)))];
  return hostNames.map((hostName) => {
    const view = new Map(whole);
    for (const [id, runs] of onRole) {
      const own = runs.find((run) => run.result.hostName === hostName);
      if (own) view.set(id, own);
      else view.delete(id);
    }
    return { hostName, view };
  });
};

interface Judged {
  readonly hostName?: string;
  readonly finding: Finding;
}

const judge = (runbook: Runbook, rule: DiagnosisRule, { hostName, view }: HostView): Judged[] => {
  const consulted = new Set<string>();
  if (!conditionHolds(rule.when, factsOf(view, consulted))) return [];
  const lookup = lookupFor(runbook, view);
  const evidence = [...consulted].flatMap((id) => {
    const result = view.get(id)?.result;
    if (!result) return [];
    const ownHost = hostName !== undefined && result.hostName === hostName ? { hostName } : {};
    return [{ check: id, status: result.status, ...(result.reason ? { reason: result.reason } : {}), ...ownHost }];
  });
  const finding: Finding = {
    runbook: runbook.file,
    id: rule.id,
    // Fields and captures come from hosts: no control character of theirs may reach a terminal.
    message: escapeControl(renderTemplate(rule.finding, lookup, 'value')),
    ...(rule.hint ? { hint: escapeControl(renderTemplate(rule.hint, lookup, 'value')) } : {}),
    evidence,
  };
  return [{ ...(hostName === undefined ? {} : { hostName }), finding }];
};

/** Hosts where a rule holds with the same words make one finding; its evidence is the first host's. */
const joinHosts = (judged: readonly Judged[]): Finding[] => {
  const alike = groupBy(judged, ({ finding }) => JSON.stringify([finding.message, finding.hint]));
  return [...alike.values()].map((group) => {
    const hosts = group.flatMap(({ hostName }) => (hostName === undefined ? [] : [hostName]));
    return { ...group[0]!.finding, ...(hosts.length > 0 ? { hosts } : {}) };
  });
};

export const diagnose = (runbook: Runbook, runs: readonly CheckRun[]): Finding[] => {
  const byCheck = groupBy(runs, (run) => run.result.id);
  // Every check as one run for all its hosts: the same for every rule, so made once.
  const whole = new Map([...byCheck].map(([id, checkRuns]) => [id, combinedRun(checkRuns)]));
  const checksReadBy = checksReaderOf(runbook);
  return runbook.diagnosis.flatMap((rule) => joinHosts(viewsFor(checksReadBy(rule), byCheck, whole).flatMap((view) => judge(runbook, rule, view))));
};
