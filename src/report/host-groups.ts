// A fleet's hosts grouped by how their check ended: the same check, the same status, the same
// words but for each host's own names. The human report prints a group as one line with one host's
// evidence, the GitHub reporter makes it one annotation: 200 hosts read as a handful of lines.
import { roleAndTarget } from '../model/host-address.js';
import { groupBy } from '../model/group-by.js';
import type { Status } from '../model/outcome.js';
import type { CheckResult } from '../model/report.js';
import { escapeRegExp } from '../model/regexp.js';
import { listSome } from '../model/list-words.js';

/** What stands for each host's own names in a group's shared reason. */
export const HOST_PLACEHOLDER = 'HOST';


/** The address in a target: `root@10.0.0.7:22` → `10.0.0.7`, `[fe80::1]:22` → `fe80::1`. */
const addressOf = (target: string): string => target.replace(/^[^@]*@/, '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');

/** The names a host's own text may call it by, longest first: the whole target goes before the address inside it. */
const namesOf = (check: CheckResult): string[] =>
  [...new Set([check.target, check.hostName ?? '', addressOf(check.target)])].filter((name) => name !== '').sort((a, b) => b.length - a.length);

/**
 * The text with the host's own names replaced by HOST, whole names only: `web1` stays inside
 * `web10` and `10.0.0.1` inside `10.0.0.12`, which name other hosts. A trailing `.` still ends a name.
 */
export const withoutHostNames = (text: string, check: CheckResult): string =>
  namesOf(check).reduce((result, name) => result.replace(new RegExp(`(?<![\\w.-])${escapeRegExp(name)}(?![\\w-]|\\.\\w)`, 'g'), HOST_PLACEHOLDER), text);

/**
 * A group's shared words, read once: the transport names a host by its name and its destination,
 * `web07 (root@10.0.0.7:22)`, which both become HOST; once is enough, and a reason that only
 * starts by naming the host (`HOST: host unreachable`) says it of every host in the group.
 */
const sharedWords = (text: string): string => {
  const once = text.replaceAll(`${HOST_PLACEHOLDER} (${HOST_PLACEHOLDER})`, HOST_PLACEHOLDER);
  return once.startsWith(`${HOST_PLACEHOLDER}: `) ? once.slice(HOST_PLACEHOLDER.length + 2) : once;
};

/** A check that passed only on a retry: the gate held, but only just, which the reports say. */
export const passedOnRetry = (check: CheckResult): boolean => check.status === 'pass' && (check.attempts?.length ?? 0) > 0;

/** What a host's run says: why it did not pass, or for a pass after retries, how it got there. */
const statementOf = (check: CheckResult): string => (check.status === 'pass' ? (check.notes.at(-1) ?? '') : (check.reason ?? ''));

/** Hosts whose run of one check ended alike: the same check, the same status, the same words but for their own names. */
export interface HostGroup {
  /** The example shown: the first of them in the report. */
  readonly first: CheckResult;
  readonly checks: readonly CheckResult[];
  /** What they all said, with each host's own names as HOST. */
  readonly statement: string;
}

const SHOWN_FIRST: readonly Status[] = ['fail', 'error', 'skipped', 'pass'];

/** Fails first, then errors, skips and passes; within a status the largest group first, then the first seen (sort is stable). */
export const groupHosts = (checks: readonly CheckResult[]): HostGroup[] => {
  const alike = groupBy(checks, (check) => JSON.stringify([check.id, check.status, withoutHostNames(statementOf(check), check)]));
  const groups = [...alike.values()].map((members): HostGroup => {
    const first = members[0]!;
    return { first, checks: members, statement: sharedWords(withoutHostNames(statementOf(first), first)) };
  });
  return groups.sort((a, b) => SHOWN_FIRST.indexOf(a.first.status) - SHOWN_FIRST.indexOf(b.first.status) || b.checks.length - a.checks.length);
};

/** `web01, web02` or, past `limit`, the first ones and `… and 11 more`. */
export const listHostNames = (names: readonly string[], limit: number): string => listSome(names, limit);

/** Where a check ran: `server (root@10.0.0.5)`, or on a fleet the host, `web07 (root@10.0.0.7:22)`. */
export const whereRan = (check: CheckResult): string => roleAndTarget(check.hostName ?? check.host, check.target);
