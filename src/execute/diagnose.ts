// Turns diagnosis rules and what the run observed into findings: the reasoning across checks that
// says "ICMP is filtered, TCP answers" instead of two unrelated lines. Rules are data; each kind of
// condition gives itself meaning in src/conditions/, over the facts this module serves.
import type { Finding } from '../model/report.js';
import { fieldReference } from '../model/references.js';
import { conditionHolds } from '../conditions/registry.js';
import { factsOf } from './facts.js';
import type { Runbook } from '../model/runbook.js';
import { renderTemplate, type Lookup } from '../plan/template.js';
import type { CheckRun } from './run-check.js';

/** "nc, nmap on client; lsof, tcpdump on server": each tool once per host, stable order. */
export const describeMissingTools = (runs: readonly CheckRun[]): string => {
  const byHost = new Map<string, Set<string>>();
  for (const { tool, host } of runs.flatMap((run) => run.result.missingTools)) byHost.set(host, (byHost.get(host) ?? new Set()).add(tool));
  return [...byHost.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([host, tools]) => `${[...tools].sort().join(', ')} on ${host}`)
    .join('; ');
};

const lookupFor = (runbook: Runbook, runs: readonly CheckRun[], byId: ReadonlyMap<string, CheckRun>): Lookup => {
  const captures = Object.assign({}, ...runs.map((run) => run.result.captures)) as Record<string, string>;
  return ({ namespace, name }) => {
    if (namespace === 'vars') return Object.hasOwn(runbook.vars, name) ? String(runbook.vars[name]) : undefined;
    if (namespace === 'captures') return captures[name] ?? '(not captured)';
    if (namespace === 'tools') return describeMissingTools(runs);
    const { check, field } = fieldReference(name);
    const value = byId.get(check)?.fields[field];
    return value === undefined || value === null ? '(not observed)' : String(value).trim();
  };
};

export const diagnose = (runbook: Runbook, runs: readonly CheckRun[]): Finding[] => {
  const byId = new Map(runs.map((run) => [run.result.id, run]));
  const lookup = lookupFor(runbook, runs, byId);
  return runbook.diagnosis.flatMap((rule) => {
    const consulted = new Set<string>();
    if (!conditionHolds(rule.when, factsOf(byId, consulted))) return [];
    const evidence = [...consulted].map((id) => {
      const { status, reason } = byId.get(id)!.result;
      return { check: id, status, ...(reason ? { reason } : {}) };
    });
    return [{
      runbook: runbook.file,
      id: rule.id,
      message: renderTemplate(rule.finding, lookup, 'value'),
      ...(rule.hint ? { hint: renderTemplate(rule.hint, lookup, 'value') } : {}),
      evidence,
    }];
  });
};
