// The `file:` check: what a path on the host is (type, mode, owner, size, age, sha256) and whether
// its text holds a string or a pattern (`bind-address` in my.cnf). A missing file is a fact the
// runbook asks about (state `missing`), not an error: only a missing tool makes it one.
import { compileRegex } from '../matchers/regex.js';
import { OUTPUT_LIMIT_BYTES } from '../model/limits.js';
import { patterned } from '../model/json-schema.js';
import { failed, ok, type Result } from '../model/result.js';
import type { CommandOutcome } from '../transport/types.js';
import { type Attempt, firstLine, observed, type Reading, tryInOrder } from './probes/attempts.js';
import { defineCheckKind } from './probes/define-kind.js';
import { isPending, type Known, shellWord } from './probes/values.js';
import type { Observation, Probe, ProbeSettings, SpecProblem } from './types.js';

const MIB_BYTES = 1024 * 1024;

/** What is read for `contains` / `regex` unless `max_bytes` says otherwise. */
export const DEFAULT_READ_BYTES = MIB_BYTES;
/** Half the transport's output limit: the head and the lines before it never get the command stopped. */
export const MAX_READ_BYTES = OUTPUT_LIMIT_BYTES / 2;
/** Larger files get no sha256: hashing them on every run could outlast the check's timeout. */
export const SHA256_MAX_BYTES = 64 * MIB_BYTES;

export interface FileSpec {
  readonly path: string;
  readonly contains?: string;
  readonly regex?: string;
  readonly max_bytes?: number;
}

/** What the path is: `state` for the path itself, `type` for what it leads to once links are followed. */
export type FileState = 'file' | 'directory' | 'symlink' | 'other' | 'missing' | 'denied';

/**
 * One command line: the host's clock (ages are measured there, whatever the controller's clock
 * says), the link's target, stat of what the path leads to, then (for a readable regular file only:
 * a fifo would block `head`) its sha256 and the bounded head of its text. `|| exit` keeps a tool's
 * own exit code, so a missing one is a 127. `stat -c` and `head -c` are GNU coreutils' and BusyBox's alike.
 */
export const fileScript = (path: Known<string>, readBytes: number | undefined): string =>
  [
    `f=${shellWord(path)}`,
    'date +%s || exit',
    'if [ -L "$f" ]; then printf \'==link \'; readlink -- "$f" || exit; fi',
    'stat -L -c \'==stat %F|%a|%U|%G|%s|%Y\' -- "$f" || exit',
    '[ -f "$f" ] || exit 0',
    '[ -r "$f" ] || { echo ==unreadable; exit 0; }',
    `if [ "$(stat -L -c %s -- "$f")" -le ${SHA256_MAX_BYTES} ]; then printf '==sha256 '; sha256sum <"$f" || exit; fi`,
    ...(readBytes === undefined ? [] : ['echo ==head', `exec head -c ${readBytes} -- "$f"`]),
  ].join('\n');

export interface FileFacts {
  readonly state: FileState;
  readonly type: FileState;
  readonly link: string;
  readonly mode: string | null;
  readonly owner: string | null;
  readonly group: string | null;
  readonly size: number | null;
  readonly ageS: number | null;
  readonly sha256: string | null;
  /** The head of its text, when it was asked for and could be read. */
  readonly text: string | null;
}

/** stat's %F: "regular file", "regular empty file", "directory", "fifo", "socket", ... */
const stateOfType = (words: string): FileState => {
  if (words.startsWith('regular')) return 'file';
  return words === 'directory' ? 'directory' : 'other';
};

/** Why stat found nothing, in its (LC_ALL=C) words: a path through a file is as missing as an absent one. */
const stateOfFailure = (stderr: string): FileState | undefined => {
  if (/No such file or directory|Not a directory/.test(stderr)) return 'missing';
  return /Permission denied/.test(stderr) ? 'denied' : undefined;
};

const NOTHING = { mode: null, owner: null, group: null, size: null, ageS: null, sha256: null, text: null } as const;

/** The header lines (`==stat ...`) up to `==head`, and the text after it. */
const splitOutput = (stdout: string): { header: string[]; text: string | null } => {
  const at = stdout.indexOf('\n==head\n');
  return at < 0 ? { header: stdout.split('\n'), text: null } : { header: stdout.slice(0, at).split('\n'), text: stdout.slice(at + '\n==head\n'.length) };
};

/** The rest of the line `==TAG rest`, if the script printed one. */
const tagged = (header: readonly string[], tag: string): string | undefined => header.find((line) => line.startsWith(`==${tag} `))?.slice(tag.length + 3);

export const readFile = (outcome: CommandOutcome): Reading<FileFacts> => {
  const { header, text } = splitOutput(outcome.stdout);
  const now = Number(header[0]);
  const link = tagged(header, 'link');
  const stat = tagged(header, 'stat')?.split('|');
  const state = (type: FileState): FileState => (link === undefined ? type : 'symlink');
  if (!stat || stat.length < 6) {
    const type = stateOfFailure(outcome.stderr);
    if (type === undefined) return { ok: false, error: `stat failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || 'no message'}` };
    return { ok: true, value: { state: state(type), type, link: link ?? '', ...NOTHING } };
  }
  if (outcome.exitCode !== 0) return { ok: false, error: `reading the file failed (exit ${String(outcome.exitCode)}): ${firstLine(outcome.stderr) || 'no message'}` };
  const [words = '', octal = '', owner = '', group = '', size = '', mtime = ''] = stat;
  // A regular file this user may not read: what it holds is as unknown as for an unseen path.
  const type = header.includes('==unreadable') ? 'denied' : stateOfType(words);
  return {
    ok: true,
    value: {
      state: state(type),
      type,
      link: link ?? '',
      mode: octal.padStart(4, '0'),
      owner,
      group,
      size: Number(size),
      ageS: Number.isInteger(now) ? now - Number(mtime) : null,
      sha256: /^[0-9a-f]{64}\b/.exec(tagged(header, 'sha256') ?? '')?.[0] ?? null,
      text,
    },
  };
};

interface Target {
  readonly attempts: readonly Attempt<FileFacts>[];
  readonly contains?: string;
  readonly regex?: RegExp;
  readonly readBytes: number;
}

/** The first match: its group named `value`, else its first group, else all of it (as a capture reads a pattern). */
const matchText = (match: RegExpExecArray): string => match.groups?.value ?? match[1] ?? match[0];

/** 1/0 for what was looked for, null when nothing was looked for or the text could not be read. */
export const fileFields = (facts: FileFacts, target: Omit<Target, 'attempts'>): Observation['fields'] => {
  const { text } = facts;
  const found = text === null || !target.regex ? null : target.regex.exec(text);
  return {
    state: facts.state,
    type: facts.type,
    link: facts.link,
    mode: facts.mode,
    owner: facts.owner,
    group: facts.group,
    size: facts.size,
    age_s: facts.ageS,
    sha256: facts.sha256,
    contains: text === null || target.contains === undefined ? null : Number(text.includes(target.contains)),
    matches: text === null || !target.regex ? null : Number(found !== null),
    match: found ? matchText(found) : null,
  };
};

/** What the bounds left out, so a 0 for `contains` on a partial read is read as such. */
const boundNotes = (facts: FileFacts, readBytes: number, asked: boolean): string[] => [
  ...(asked && facts.text !== null && (facts.size ?? 0) > readBytes ? [`only the first ${readBytes} of ${String(facts.size)} bytes were searched (max_bytes)`] : []),
  ...(facts.type === 'file' && facts.sha256 === null && (facts.size ?? 0) > SHA256_MAX_BYTES ? [`no sha256: the file is larger than ${SHA256_MAX_BYTES} bytes`] : []),
];

/** The regex as runbook's matchers compile it: JavaScript syntax, `^`/`$` at each line, V8's linear engine when it backtracks too much. */
const compiled = (source: string): Result<RegExp> => {
  try {
    return ok(compileRegex(source));
  } catch (error) {
    return failed(`${JSON.stringify(source)} ${(error as Error).message}`);
  }
};

const resolvePath = (raw: string, resolve: ProbeSettings['resolve']): Result<Known<string>> => {
  const path = resolve.value(raw);
  return isPending(path) || path.startsWith('/') ? ok(path) : failed(`path must be absolute, got ${JSON.stringify(path)}`);
};

/** The schema's description is also its error's "must be ..." text. */
const PATH_TEXT = 'an absolute path such as /etc/mysql/my.cnf, or one starting with a reference such as "${vars.conf_dir}/my.cnf"';

const probe = (spec: FileSpec, { resolve }: ProbeSettings): Result<Probe<Target>> => {
  const path = resolvePath(spec.path, resolve);
  if (!path.ok) return path;
  const regex = spec.regex === undefined ? undefined : compiled(resolve.value(spec.regex));
  if (regex && !regex.ok) return regex;
  const readBytes = spec.max_bytes ?? DEFAULT_READ_BYTES;
  const asked = spec.contains !== undefined || regex !== undefined;
  const script = fileScript(path.value, asked ? readBytes : undefined);
  const attempts: Attempt<FileFacts>[] = [
    { type: 'command', tool: 'stat', alsoNeeds: ['date', 'readlink', 'sha256sum', 'head'], label: 'stat, sha256sum, head', script, read: readFile },
  ];
  return ok({
    target: { attempts, readBytes, ...(spec.contains === undefined ? {} : { contains: resolve.value(spec.contains) }), ...(regex ? { regex: regex.value } : {}) },
    steps: attempts,
  });
};

export const fileCheck = defineCheckKind({
  name: 'file',
  summary: 'observes a path on the host (type, mode, owner, size, age, sha256) and searches its text',
  problems: (spec: FileSpec): SpecProblem[] => {
    if (spec.regex === undefined || spec.regex.includes('${')) return [];
    const regex = compiled(spec.regex);
    return regex.ok ? [] : [{ at: ['regex'], message: regex.error }];
  },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', ...patterned('^(/|\\$\\{)', PATH_TEXT), description: PATH_TEXT },
      contains: { type: 'string', minLength: 1, description: 'text the file must contain (field `contains`: 1 or 0); `expect: { contains: 0 }` asks for its absence instead' },
      regex: { type: 'string', minLength: 1, description: 'a JavaScript regular expression the file must match (fields `matches` and `match`); `expect: { matches: 0 }` asks for no match instead' },
      max_bytes: { type: 'integer', minimum: 1, maximum: MAX_READ_BYTES, description: `how much of the file is searched (default ${DEFAULT_READ_BYTES}, at most ${MAX_READ_BYTES})` },
    },
  },
  fields: {
    state: 'text', type: 'text', link: 'text', mode: 'text', owner: 'text', group: 'text', size: 'number', age_s: 'number',
    sha256: 'text', contains: 'number', matches: 'number', match: 'text',
  },
  defaultExpect: { state: { equals: 'file' } },
  // Writing what to look for asks that it be found: without these, a check naming a text it never
  // found passed, unless its author also thought to write `expect: { contains: 1 }`.
  impliedExpect: { contains: { contains: { equals: 1 } }, regex: { matches: { equals: 1 } } },
  probe,
  observe: async ({ target }, context) => {
    const result = await tryInOrder(context, target.attempts);
    const observation = observed(result, ({ value }) => fileFields(value, target));
    const notes = result.ok ? boundNotes(result.value.value, target.readBytes, target.contains !== undefined || target.regex !== undefined) : [];
    return notes.length === 0 ? observation : { ...observation, notes: [...(observation.notes ?? []), ...notes] };
  },
});
