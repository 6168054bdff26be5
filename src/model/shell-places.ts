// Where each `${vars.x}` / `${captures.x}` stands in a shell command line, as the shell will read
// it: what decides whether a value can be handed over as data or would be parsed as code.
//
// A value must never become shell syntax. Outside quotes it is substituted as one quoted word; in
// double quotes or a here-document it is set in a variable first and the text only expands that
// variable, so nothing of the value is ever parsed. Where the shell never expands (single quotes,
// a quoted here-document) or parses the text again (`$(( ))` in bash, backquotes, `sh -c`, `eval`,
// `ssh`, an awk or sed program), the runbook does not load: the message says how to rewrite it.
//
// No maintained JavaScript parser of POSIX shell gives positions and quoting (bash-parser is
// unmaintained since 2017; sh-syntax, mvdan/sh in WebAssembly, takes ~18 ms a call and its AST
// loses node types), so this is a scanner of its own, for quoting only: it follows quotes,
// expansions, here-documents and the words of each simple command, nothing else.
import { REFERENCE, type CheckNamespace } from './references.js';

/** How the value of a reference reaches the shell, by where it stands. */
export type ShellPlace =
  /** Unquoted: substituted as one quoted word. */
  | { readonly kind: 'word' }
  /**
   * In double quotes, an unquoted here-document or a comment: set in a variable, and that expanded.
   * A here-document always takes the variable: a value equal to its delimiter would end it early.
   */
  | { readonly kind: 'expanded'; readonly inDocument?: boolean }
  /** Where the shell never expands anything: single quotes, `$'...'`, a quoted here-document. */
  | { readonly kind: 'literal'; readonly where: string; readonly rewrite: string }
  /** Where text is parsed again as code: by the shell (`$(( ))`, backquotes) or by another program. */
  | { readonly kind: 'reparsed'; readonly where: string; readonly rewrite: string };

export interface ShellSite {
  readonly start: number;
  readonly end: number;
  readonly namespace: CheckNamespace;
  readonly name: string;
  readonly place: ShellPlace;
}

const WORD: ShellPlace = { kind: 'word' };
const EXPANDED: ShellPlace = { kind: 'expanded' };
const IN_DOCUMENT: ShellPlace = { kind: 'expanded', inDocument: true };

const REFERENCE_AT = new RegExp(REFERENCE.source, 'y');

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh', 'yash', 'posh', 'busybox']);
const INTERPRETERS = new Set(['python', 'python2', 'python3', 'perl', 'ruby', 'node', 'nodejs', 'php', 'lua', 'tclsh', 'Rscript', 'osascript']);
const AWKS = new Set(['awk', 'gawk', 'mawk', 'nawk']);

/** `/usr/bin/pgrep` is pgrep. */
export const programName = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

/** `LC_ALL=C`: an assignment before a command's name, not its name. */
export const isAssignment = (word: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);

/** `-c`, `-ec`, `-lc`: an option cluster that gives a shell its script as an argument. */
const givesScript = (word: string): boolean => /^-[A-Za-z]*c[A-Za-z]*$/.test(word);

/** `-e`, `-ne`, `-c`, `-r`: an option that gives an interpreter its program as an argument. */
const givesProgram = (word: string): boolean => /^-[A-Za-z]*[ecrE][A-Za-z]*$/.test(word) && !word.startsWith('--');

/**
 * Whether the word at `index` is the operand of an option of the program at `at` (`-c SCRIPT`,
 * `-e PROGRAM`): the first word after the option that is no option itself. The words after it are
 * the script's arguments (`sh -c '... "$1"' sh VALUE`): data, the safe way to pass a value.
 */
const isOperandOf = (words: readonly string[], at: number, index: number, isFlag: (word: string) => boolean): boolean => {
  const flag = words.findIndex((word, position) => position > at && position < index && isFlag(word));
  if (flag < 0) return false;
  const operand = words.findIndex((word, position) => position > flag && !/^[-+][A-Za-z]/.test(word));
  return operand === index;
};

const ARGUMENT_REWRITE = "pass it as an argument instead: sh -c 'echo \"$1\"' sh ${captures.NAME}";

/** The program's operand that awk or sed reads as code: the first non-option word, or `-e`'s. */
const programOperand = (words: readonly string[], from: number, takesValue: ReadonlySet<string>, programFlags: ReadonlySet<string>): number | undefined => {
  let fromFile = false;
  for (let index = from; index < words.length; index++) {
    const word = words[index]!;
    if (word === '--') return fromFile ? undefined : index + 1;
    if (programFlags.has(word)) return index + 1;
    if (word === '-f' || word.startsWith('--file')) fromFile = true;
    if (!word.startsWith('-') || word === '-') return fromFile ? undefined : index;
    if (takesValue.has(word)) index++;
  }
  return fromFile ? undefined : words.length;
};

const AWK_VALUE_OPTIONS = new Set(['-F', '-v', '-f']);
const SED_VALUE_OPTIONS = new Set(['-f', '-l']);
const SED_PROGRAM_OPTIONS = new Set(['-e', '--expression']);

/** ssh's options that take a value: the destination is the first word after them, the rest a remote command line. */
const SSH_VALUE_OPTIONS = /^-[1246AaCfGgKkMNnqsTtVvXxYy]*[BbcDEeFIiJLlmOoPpQRSWw]$/;

const sshCommandFrom = (words: readonly string[], from: number): number => {
  for (let index = from; index < words.length; index++) {
    const word = words[index]!;
    if (SSH_VALUE_OPTIONS.test(word)) index++;
    else if (!word.startsWith('-')) return index + 1;
  }
  return words.length;
};

/**
 * Why the word at `index` of a simple command is parsed again as code, if it is: the script of
 * `sh -c`, anything after `eval` or `trap`, ssh's remote command, an interpreter's program.
 * Any word may be the program (`sudo sh -c`, `timeout 5 bash -c`, `find -exec sh -c`): when unsure
 * it says so, and the author rewrites.
 */
export const reparsingProgram = (words: readonly string[], index: number): { where: string; rewrite: string } | undefined => {
  for (let at = 0; at < index; at++) {
    const program = programName(words[at]!);
    if (program === 'eval' || program === 'trap') return { where: `the words of ${program}, which the shell parses again`, rewrite: `run the command without ${program}` };
    if ((SHELLS.has(program) && isOperandOf(words, at, index, givesScript)) || ((program === 'su' || program === 'runuser') && isOperandOf(words, at, index, (word) => word === '-c' || word === '--command'))) {
      return { where: `the script of ${program} -c, which a second shell parses again`, rewrite: ARGUMENT_REWRITE };
    }
    if (program === 'watch') return { where: 'the command of watch, which it runs through sh -c', rewrite: 'run the command itself; use retry or until to repeat a check' };
    if (program === 'ssh' && index >= sshCommandFrom(words, at + 1)) {
      return { where: "ssh's remote command, which the remote shell parses again", rewrite: 'add that host under hosts and run the check on it' };
    }
    if (INTERPRETERS.has(program) && isOperandOf(words, at, index, givesProgram)) {
      return { where: `the program of ${program}, which it parses as code`, rewrite: 'pass it as an argument or in the environment instead' };
    }
    if (AWKS.has(program) && programOperand(words, at + 1, AWK_VALUE_OPTIONS, new Set()) === index) {
      return { where: `the program of ${program}, which it parses as code`, rewrite: `pass it as a variable instead: ${program} -v value=\${captures.NAME} '$0 == value'` };
    }
    if (program === 'sed' && programOperand(words, at + 1, SED_VALUE_OPTIONS, SED_PROGRAM_OPTIONS) === index) {
      return { where: 'the script of sed, where a value can add commands (e runs one)', rewrite: 'match it with grep -F -e ${captures.NAME}, or pass it to awk -v' };
    }
  }
  return undefined;
};

/** A program that runs what it reads on standard input as a script: `... | sh`, `sh <<EOF`, `python3 -`. */
const readsScriptFromInput = (words: readonly string[]): string | undefined => {
  const program = words[0] === undefined ? '' : programName(words[0]);
  const rest = words.slice(1);
  if (SHELLS.has(program) && !rest.some(givesScript)) return program;
  if (INTERPRETERS.has(program) && rest.every((word) => word === '-' || (word.startsWith('-') && !givesProgram(word)))) return program;
  if (program === 'ssh' && sshCommandFrom(words, 1) >= words.length) return program;
  return undefined;
};

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'exec', 'command', 'builtin']);

interface PendingSite {
  readonly start: number;
  readonly end: number;
  readonly namespace: CheckNamespace;
  readonly name: string;
  /** Where it stands before the commands it belongs to are known whole. */
  place: ShellPlace;
}

/** A site in one word of a simple command (-1: in what the command reads, a here-document). */
interface WordSite {
  readonly site: PendingSite;
  readonly word: number;
}

/** Where a command substitution stands: its output becomes part of that word of the command around it. */
interface Enclosing {
  readonly command: SimpleCommand;
  readonly word: number;
}

interface HereDocument {
  readonly delimiter: string;
  readonly quoted: boolean;
  readonly stripTabs: boolean;
  readonly command: SimpleCommand;
}

/** The words of one simple command, as literal text with quotes removed (expansions kept as `$`). */
class SimpleCommand {
  readonly words: string[] = [];
  readonly sites: WordSite[] = [];
  current = '';
  inWord = false;
  redirectTarget = false;

  constructor(private readonly enclosing?: Enclosing) {}

  /** A site in the word being read (or in the command's input), and in the word of every command around it. */
  addSite(site: PendingSite, word = this.words.length): void {
    this.sites.push({ site, word });
    this.enclosing?.command.addSite(site, this.enclosing.word);
  }

  /** Where a `$(` opened now stands: in the word being read. */
  here(): Enclosing {
    return { command: this, word: this.words.length };
  }

  add(text: string): void {
    this.current += text;
    this.inWord = true;
  }

  endWord(): void {
    if (!this.inWord) return;
    if (this.redirectTarget) this.redirectTarget = false;
    else if (!(this.words.length === 0 && (KEYWORDS.has(this.current) || isAssignment(this.current)))) this.words.push(this.current);
    this.current = '';
    this.inWord = false;
  }

  /** Once whole, each site in a word some program parses again says so. */
  settle(): void {
    this.endWord();
    for (const { site, word } of this.sites) {
      const program = reparsingProgram(this.words, word);
      if (program) site.place = { kind: 'reparsed', ...program };
    }
  }
}

/** `'got ${captures.x} here'` as `'got '${captures.x}' here'`: each reference outside the quotes (shown shortened when long). */
const quotesAround = (quoted: string): string => {
  const rewritten = quoted.replace(new RegExp(REFERENCE.source, 'g'), (reference) => `'${reference}'`).replaceAll("''", '');
  return rewritten.length <= 100 ? rewritten : "'got '${captures.NAME}' here'";
};

/** A here-document is no word of its command: only a program reading its input as a script parses it again. */
const IN_INPUT = -1;

const reparsedBy = (where: string, rewrite: string): ShellPlace => ({ kind: 'reparsed', where, rewrite });

const ARITHMETIC = reparsedBy('$(( )), where bash evaluates a value as an expression and can run commands in it', 'compare the value with an expectation (lt, ge) or a capture regex instead of shell arithmetic');
const BACKQUOTES = reparsedBy('backquotes, whose text the shell parses twice', 'write $(...) instead of `...`');

class Scanner {
  readonly sites: PendingSite[] = [];
  private readonly pendingDocuments: HereDocument[] = [];

  constructor(private readonly text: string) {}

  /** Commands until `closer` (`)` of a `$(`) or the end; returns the index after the closer. */
  code(start: number, closer: string, inherited: ShellPlace | undefined, enclosing?: Enclosing): number {
    const { text } = this;
    let command = new SimpleCommand(enclosing);
    let pipeline: SimpleCommand[] = [command];
    const endCommand = (separator: string): void => {
      command.settle();
      if (separator !== '|') this.settlePipeline(pipeline);
      command = new SimpleCommand(enclosing);
      pipeline = separator === '|' ? [...pipeline, command] : [command];
    };
    let subshells = 0;
    let index = start;
    while (index < text.length) {
      const char = text[index]!;
      if (char === closer && subshells === 0) {
        endCommand(';');
        return index + 1;
      }
      if (char === '(') subshells++;
      else if (char === ')' && subshells > 0) subshells--;
      if (char === '\\') {
        if (text[index + 1] !== '\n') command.add(text[index + 1] ?? '');
        index += 2;
      } else if (char === "'") {
        index = this.singleQuoted(index, command, inherited);
      } else if (char === '"') {
        index = this.doubleQuoted(index + 1, command, inherited ?? EXPANDED, '"');
      } else if (char === '$' || char === '`') {
        index = this.expansion(index, command, inherited ?? WORD);
      } else if (char === '#' && !command.inWord) {
        index = this.comment(index, command, inherited);
      } else if (char === ' ' || char === '\t') {
        command.endWord();
        index++;
      } else if (char === '\n') {
        // The bodies first: what they hold belongs to the commands of this line (`cat <<EOF | sh`).
        command.endWord();
        index = this.hereDocuments(index + 1, inherited);
        endCommand(';');
      } else if (char === '|' && text[index + 1] !== '|') {
        endCommand('|');
        index += text[index + 1] === '&' ? 2 : 1;
      } else if (';&|()'.includes(char)) {
        endCommand(';');
        index += text[index + 1] === char ? 2 : 1;
      } else if (char === '<' || char === '>') {
        index = this.redirection(index, command);
      } else {
        command.add(char);
        index++;
      }
    }
    endCommand(';');
    return index;
  }

  /** `cat <<EOF | sh`: everything before a stage that runs its input as a script is parsed again. */
  private settlePipeline(pipeline: readonly SimpleCommand[]): void {
    pipeline.forEach((stage, at) => {
      const reader = at === 0 ? undefined : readsScriptFromInput(stage.words);
      if (!reader) return;
      for (const earlier of pipeline.slice(0, at)) {
        for (const { site } of earlier.sites) site.place = reparsedBy(`what is piped into ${reader}, which runs it as a script`, ARGUMENT_REWRITE);
      }
    });
  }

  private site(index: number, command: SimpleCommand, place: ShellPlace): number | undefined {
    REFERENCE_AT.lastIndex = index;
    const match = REFERENCE_AT.exec(this.text);
    if (!match || (match[1] !== 'vars' && match[1] !== 'captures')) return undefined;
    const end = this.record({ start: index, end: index + match[0].length, namespace: match[1], name: match[2]!, place }, command);
    command.add('$');
    return end;
  }

  private singleQuoted(index: number, command: SimpleCommand, inherited: ShellPlace | undefined): number {
    const close = this.text.indexOf("'", index + 1);
    const end = close < 0 ? this.text.length : close;
    this.markReferences(index + 1, end, command, inherited ?? {
      kind: 'literal',
      where: 'single quotes, where the shell never expands it',
      rewrite: `end the quotes before it and open them again after it: ${quotesAround(this.text.slice(index, end + 1))}`,
    });
    command.add(this.text.slice(index + 1, end));
    return end + 1;
  }

  private markReferences(from: number, to: number, command: SimpleCommand, place: ShellPlace, word?: number): void {
    for (const match of this.text.slice(from, to).matchAll(REFERENCE)) {
      if (match[1] !== 'vars' && match[1] !== 'captures') continue;
      this.record({ start: from + match.index, end: from + match.index + match[0].length, namespace: match[1], name: match[2]!, place }, command, word);
    }
  }

  /** A site found: kept for the result, and in its command (and those around it) to be settled. */
  private record(site: PendingSite, command: SimpleCommand, word?: number): number {
    this.sites.push(site);
    command.addSite(site, word);
    return site.end;
  }

  /** Inside `"..."` (closer `"`) or an unquoted here-document body (up to `limit`): `$`, backquotes and `\` work. */
  private doubleQuoted(start: number, command: SimpleCommand, place: ShellPlace, closer: string, limit = this.text.length): number {
    const { text } = this;
    let index = start;
    while (index < limit && text[index] !== closer) {
      const char = text[index]!;
      if (char === '\\') {
        command.add(text[index + 1] ?? '');
        index += 2;
      } else if (char === '$' || char === '`') {
        index = this.expansion(index, command, place);
      } else {
        command.add(char);
        index++;
      }
    }
    command.inWord = true;
    return index + 1;
  }

  /** At `$` or a backquote: a reference, `$((`, `$(`, `${...}`, `$'...'`, or a plain `$`. */
  private expansion(index: number, command: SimpleCommand, place: ShellPlace): number {
    const { text } = this;
    const next = text[index + 1];
    if (text[index] === '`') return this.enclosed(index, this.closingBackquote(index), command, BACKQUOTES);
    if (next === '(' && text[index + 2] === '(') return this.enclosed(index, this.closingArithmetic(index + 3), command, ARITHMETIC);
    if (next === '(') {
      command.add('$');
      return this.code(index + 2, ')', place.kind === 'reparsed' ? place : undefined, command.here());
    }
    if (next === '{') return this.site(index, command, place) ?? this.parameter(index + 2, command, place);
    if (next === "'" && place.kind === 'word') {
      const close = this.closingAnsiQuote(index + 2);
      this.markReferences(index + 2, close, command, {
        kind: 'literal',
        where: "$'...' quotes, where the shell never expands it",
        rewrite: "end the quotes before it and open them again after it: $'got '${captures.NAME}$' here'",
      });
      command.add(text.slice(index + 2, close));
      return close + 1;
    }
    command.add('$');
    return index + 1;
  }

  /** Backquotes or `$(( ))`: every reference inside is parsed again. */
  private enclosed(start: number, end: number, command: SimpleCommand, place: ShellPlace): number {
    this.markReferences(start, end, command, place);
    command.add('$');
    return end;
  }

  /** `${name...}`: its word may hold quotes and expansions of its own, up to the matching `}`. */
  private parameter(start: number, command: SimpleCommand, place: ShellPlace): number {
    const { text } = this;
    command.add('$');
    let index = start;
    while (index < text.length && text[index] !== '}') {
      const char = text[index]!;
      if (char === '\\') index += 2;
      else if (char === '"') index = this.doubleQuoted(index + 1, command, place.kind === 'word' ? EXPANDED : place, '"');
      else if (char === "'" && place.kind === 'word') index = this.singleQuoted(index, command, undefined);
      else if (char === '$' || char === '`') index = this.expansion(index, command, place);
      else index++;
    }
    return index + 1;
  }

  private comment(start: number, command: SimpleCommand, inherited: ShellPlace | undefined): number {
    const newline = this.text.indexOf('\n', start);
    const end = newline < 0 ? this.text.length : newline;
    this.markReferences(start, end, command, inherited ?? EXPANDED);
    return end;
  }

  private redirection(start: number, command: SimpleCommand): number {
    const { text } = this;
    if (/^\d+$/.test(command.current)) {
      command.current = '';
      command.inWord = false;
    }
    command.endWord();
    if (text.startsWith('<<', start) && text[start + 2] !== '<') return this.hereDocumentOperator(start + 2, command);
    let index = start + 1;
    while (index < text.length && '<>&|'.includes(text[index]!)) index++;
    command.redirectTarget = true;
    return index;
  }

  private hereDocumentOperator(start: number, command: SimpleCommand): number {
    const { text } = this;
    let index = start;
    const stripTabs = text[index] === '-';
    if (stripTabs) index++;
    while (text[index] === ' ' || text[index] === '\t') index++;
    let delimiter = '';
    let quoted = false;
    while (index < text.length && !' \t\n;&|<>()'.includes(text[index]!)) {
      const char = text[index]!;
      if (char === "'" || char === '"') {
        const close = text.indexOf(char, index + 1);
        const end = close < 0 ? text.length : close;
        delimiter += text.slice(index + 1, end);
        quoted = true;
        index = end + 1;
      } else if (char === '\\') {
        delimiter += text[index + 1] ?? '';
        quoted = true;
        index += 2;
      } else {
        delimiter += char;
        index++;
      }
    }
    this.pendingDocuments.push({ delimiter, quoted, stripTabs, command });
    return index;
  }

  /** The bodies of the here-documents opened on the line just ended, one after the other. */
  private hereDocuments(start: number, inherited: ShellPlace | undefined): number {
    let index = start;
    for (const document of this.pendingDocuments.splice(0)) {
      const end = this.hereDocumentEnd(index, document);
      const reader = readsScriptFromInput(document.command.words);
      const place = inherited ?? (reader
        ? reparsedBy(`a here-document that ${reader} runs as a script`, ARGUMENT_REWRITE)
        : document.quoted
          ? { kind: 'literal' as const, where: `a here-document whose delimiter is quoted (<<'${document.delimiter}'), where the shell never expands it`, rewrite: `write the delimiter unquoted: <<${document.delimiter}` }
          : IN_DOCUMENT);
      if (document.quoted || place.kind === 'reparsed') this.markReferences(index, end.bodyEnd, document.command, place, IN_INPUT);
      else this.doubleQuoted(index, new SimpleCommand({ command: document.command, word: IN_INPUT }), place, '', end.bodyEnd);
      index = end.next;
    }
    return index;
  }

  private hereDocumentEnd(start: number, document: HereDocument): { bodyEnd: number; next: number } {
    const { text } = this;
    let lineStart = start;
    while (lineStart < text.length) {
      const newline = text.indexOf('\n', lineStart);
      const lineEnd = newline < 0 ? text.length : newline;
      const line = text.slice(lineStart, lineEnd);
      if ((document.stripTabs ? line.replace(/^\t+/, '') : line) === document.delimiter) return { bodyEnd: lineStart, next: lineEnd + 1 };
      lineStart = lineEnd + 1;
    }
    return { bodyEnd: text.length, next: text.length };
  }

  private closingBackquote(start: number): number {
    let index = start + 1;
    while (index < this.text.length && this.text[index] !== '`') index += this.text[index] === '\\' ? 2 : 1;
    return Math.min(index + 1, this.text.length);
  }

  private closingArithmetic(start: number): number {
    let depth = 0;
    for (let index = start; index < this.text.length; index++) {
      const char = this.text[index];
      if (char === '(') depth++;
      else if (char === ')' && depth > 0) depth--;
      else if (char === ')' && this.text[index + 1] === ')') return index + 2;
    }
    return this.text.length;
  }

  private closingAnsiQuote(start: number): number {
    let index = start;
    while (index < this.text.length && this.text[index] !== "'") index += this.text[index] === '\\' ? 2 : 1;
    return Math.min(index, this.text.length);
  }
}

/** Every `${vars.x}` and `${captures.x}` in a shell command line, in order, with where it stands. */
export const shellSites = (text: string): ShellSite[] => {
  // A text with no reference has no site: most commands are read no further, at load and at run.
  if (!text.includes('${')) return [];
  const scanner = new Scanner(text);
  scanner.code(0, '', undefined);
  return scanner.sites
    .map(({ start, end, namespace, name, place }) => ({ start, end, namespace, name, place }))
    .sort((a, b) => a.start - b.start);
};

/**
 * Characters that mean nothing to the shell in any place (shell-quote leaves such a word unquoted):
 * a value made only of them is written in place, `"--port=3307"`, and the line reads as written.
 */
const INERT = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** `rb_captures_banner` for `${captures.banner}`: the name says which reference it holds. */
const variableFor = (namespace: string, name: string): string => `rb_${namespace}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;

/**
 * The command line with each reference's value in place, never as shell syntax: one quoted word
 * (`quote`) outside quotes; elsewhere a variable set first (`rb_captures_banner='...'; echo
 * "got ${rb_captures_banner}"`), whose expansion the shell never parses, unless the value holds
 * only characters inert everywhere (INERT). A reference `lookup` does
 * not know stays as written, for the plan. A place the load refused (single quotes, `sh -c`) is
 * never rendered: reaching one is a bug, not a command to run.
 */
export const renderShellText = (text: string, lookup: (site: ShellSite) => string | undefined, quote: (value: string) => string): string => {
  const sites = shellSites(text);
  if (sites.length === 0) return text;
  const variables = new Map<string, { variable: string; value: string }>();
  let rendered = '';
  let last = 0;
  for (const site of sites) {
    const written = text.slice(site.start, site.end);
    const value = lookup(site);
    const inPlace = value === undefined ? written : quote(value);
    rendered += text.slice(last, site.start);
    if (site.place.kind === 'word') {
      rendered += inPlace;
    } else if (site.place.kind === 'expanded' && value !== undefined && INERT.test(value) && !site.place.inDocument) {
      rendered += value;
    } else if (site.place.kind === 'expanded') {
      const known = variables.get(written) ?? { variable: uniqueVariable(variableFor(site.namespace, site.name), variables), value: inPlace };
      variables.set(written, known);
      rendered += `\${${known.variable}}`;
    } else {
      throw new Error(`${written} stands in ${site.place.where}; loading should have refused it`);
    }
    last = site.end;
  }
  rendered += text.slice(last);
  const assignments = [...variables.values()].map(({ variable, value }) => `${variable}=${value}`);
  return assignments.length === 0 ? rendered : `${assignments.join(' ')}; ${rendered}`;
};

/** Two references whose names differ only in `.` and `-` (`a.b`, `a_b`) still get a variable each. */
const uniqueVariable = (base: string, taken: ReadonlyMap<string, { variable: string }>): string => {
  const used = new Set([...taken.values()].map(({ variable }) => variable));
  let candidate = base;
  for (let suffix = 2; used.has(candidate); suffix++) candidate = `${base}_${suffix}`;
  return candidate;
};

/** One message per reference the shell would never expand or would parse again, with the rewrite. */
export const shellPlaceProblems = (text: string): string[] =>
  shellSites(text).flatMap((site) => {
    if (site.place.kind === 'word' || site.place.kind === 'expanded') return [];
    const written = text.slice(site.start, site.end);
    const rewrite = site.place.rewrite.replaceAll('${captures.NAME}', written);
    return [`uses ${written} in ${site.place.where}: ${rewrite}`];
  });
