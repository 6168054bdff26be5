// The injection matrix of issue 14: hostile values in every place a `${vars.x}` or `${captures.x}`
// can stand in a command line. Each payload would create MARK if any of it ran as code; the
// positions the load accepts must print the value back exactly, the others must not load.
import { stringify } from 'yaml';

/** Each a way out of one kind of quoting, or into another parse (arithmetic, a heredoc, a second shell). */
export const PAYLOADS = (mark: string): string[] => [
  `banner $(touch ${mark})`,
  `\`touch ${mark}\``,
  `'; touch ${mark}; '`,
  `"; touch ${mark}; "`,
  `x; touch ${mark}`,
  `x && touch ${mark} || touch ${mark}`,
  `x | touch ${mark}`,
  `$(touch\${IFS}${mark})`,
  `x\ntouch ${mark}`,
  `EOF\ntouch ${mark}\nEOF`,
  `\\"; touch ${mark}; #`,
  `\${x:=$(touch ${mark})}`,
  `a[$(touch ${mark})]`,
  `' "$(touch ${mark})" '\n# '`,
];

export interface Position {
  readonly name: string;
  /** The command line, with REF where the reference stands. */
  readonly run: string;
  /** What it prints for a value, when the load accepts it; undefined when the load must refuse it. */
  readonly prints?: (value: string) => string;
}

export const POSITIONS: readonly Position[] = [
  { name: 'a bare word', run: "printf '<%s>' REF", prints: (value) => `<${value}>` },
  { name: 'double quotes', run: `printf '<%s>' "got REF"`, prints: (value) => `<got ${value}>` },
  { name: 'a here-document', run: 'cat <<EOF\n<REF>\nEOF', prints: (value) => `<${value}>` },
  { name: 'a command substitution', run: `printf '<%s>' "$(printf '%s' REF)"`, prints: (value) => `<${value}>` },
  { name: "a second shell's arguments", run: `sh -c 'printf "<%s>" "$1"' sh REF`, prints: (value) => `<${value}>` },
  { name: 'a parameter default', run: `printf '<%s>' "\${unset_here:-REF}"`, prints: (value) => `<${value}>` },
  { name: 'a comment', run: "printf '<%s>' seen # REF", prints: () => '<seen>' },
  { name: 'single quotes', run: "printf '<%s>' 'got REF'" },
  { name: 'a quoted here-document', run: "cat <<'EOF'\n<REF>\nEOF" },
  { name: 'sh -c', run: `sh -c "printf '<%s>' REF"` },
  { name: 'backquotes', run: "printf '<%s>' `printf '%s' REF`" },
  { name: 'shell arithmetic', run: 'echo $(( REF + 0 ))' },
  { name: 'eval', run: "eval printf '<%s>' REF" },
  { name: 'a pipe into sh', run: `printf '%s' "REF" | sh` },
];

export const ACCEPTED = POSITIONS.filter((position) => position.prints);
export const REFUSED = POSITIONS.filter((position) => !position.prints);

/** A check per accepted position and payload (a variable each), expecting the value printed back; hosts as given. */
export const matrixRunbook = (mark: string, on: string, hosts: Record<string, string>): string => {
  const payloads = PAYLOADS(mark);
  const checks = ACCEPTED.flatMap((position, p) =>
    payloads.map((payload, v) => ({
      id: `p${p}-v${v}`,
      on,
      run: position.run.replace('REF', `\${vars.v${v}}`),
      expect: { stdout: { equals: position.prints!(payload).replace(/\n+$/, '') } },
    })));
  return stringify({
    version: 1,
    title: 'Injection matrix',
    vars: Object.fromEntries(payloads.map((payload, v) => [`v${v}`, payload])),
    hosts,
    questions: [{ id: 'values-stay-text', title: 'Do hostile values stay text?', checks }],
  });
};

/** The same, with the payloads captured by a check first (`${captures.x}`), for one position each. */
export const capturedRunbook = (mark: string, on: string, hosts: Record<string, string>, payloadFile: string): string => {
  const producer = { id: 'produce', on, run: `cat ${payloadFile}`, capture: { value: { from: 'stdout' } } };
  const checks = ACCEPTED.map((position, p) => ({
    id: `c${p}`,
    on,
    depends_on: ['produce'],
    run: position.run.replace('REF', '${captures.value}'),
    expect: { stdout: { equals: position.prints!(PAYLOADS(mark)[0]!) } },
  }));
  return stringify({ version: 1, title: 'Captured injection', hosts, questions: [{ id: 'captured', title: 'Do captured values stay text?', checks: [producer, ...checks] }] });
};

/** One runbook per refused position, the reference a variable: the load must refuse it, naming it. */
export const refusedRunbook = (position: Position, hosts: Record<string, string>, on: string): string =>
  stringify({
    version: 1,
    title: 'Refused',
    vars: { v: 'x' },
    hosts,
    questions: [{ id: 'q', title: 'q', checks: [{ id: 'c', on, run: `touch ran-marker; ${position.run.replace('REF', '${vars.v}')}` }] }],
  });
