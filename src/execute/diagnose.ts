// Turns diagnosis rules and what the run observed into findings: the reasoning across checks that
// says "ICMP is filtered, TCP answers" instead of two unrelated lines. Rules are data; this is the
// only place that evaluates them.
import type { Finding } from '../model/report.js';
import type { Condition, Runbook } from '../model/runbook.js';
import { renderTemplate, type Lookup } from '../plan/template.js';
import type { CheckRun } from './run-check.js';

interface Facts {
  readonly runs: ReadonlyMap<string, CheckRun>;
  /** Checks a rule looked at, in the order it looked: the evidence of its finding. */
  readonly consulted: Set<string>;
}

const holds = (condition: Condition, facts: Facts): boolean => {
  switch (condition.kind) {
    case 'status': {
      facts.consulted.add(condition.check);
      const status = facts.runs.get(condition.check)?.result.status;
      return status !== undefined && condition.statuses.includes(status);
    }
    case 'field': {
      facts.consulted.add(condition.check);
      const run = facts.runs.get(condition.check);
      // A check that was skipped or could not observe has no value to match: the condition is false.
      const value = run?.fields[condition.field];
      return value !== undefined && run?.result.status !== 'skipped' && condition.matcher.test(value).pass;
    }
    case 'all':
      return condition.conditions.map((inner) => holds(inner, facts)).every(Boolean);
    case 'any':
      return condition.conditions.map((inner) => holds(inner, facts)).some(Boolean);
    case 'not':
      return !holds(condition.condition, facts);
    case 'tool-missing': {
      const lacking = [...facts.runs.values()].filter((run) => run.result.missingTools.length > 0);
      lacking.forEach((run) => facts.consulted.add(run.result.id));
      return lacking.length > 0;
    }
  }
};

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
    if (namespace === 'captures') return captures[name];
    if (namespace === 'tools') return describeMissingTools(runs);
    const [check = '', field = ''] = name.split('.');
    const value = byId.get(check)?.fields[field];
    return value === undefined || value === null ? '(not observed)' : String(value).trim();
  };
};

export const diagnose = (runbook: Runbook, runs: readonly CheckRun[]): Finding[] => {
  const byId = new Map(runs.map((run) => [run.result.id, run]));
  const lookup = lookupFor(runbook, runs, byId);
  return runbook.diagnosis.flatMap((rule) => {
    const facts: Facts = { runs: byId, consulted: new Set() };
    if (!holds(rule.when, facts)) return [];
    const evidence = [...facts.consulted].map((id) => {
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
