// Generator (a): YAML-ish text from the tokens YAML and runbooks are made of, joined at random.
// Most of it is broken YAML, which must become RB_YAML lines; some parses, and reaches the schema
// with aliases, tags, merge keys and flow collections in odd places.
import fc from 'fast-check';

const RUNBOOK_KEYS = [
  'version', 'title', 'description', 'vars', 'hosts', 'questions', 'defaults', 'include', 'diagnosis',
  'id', 'checks', 'on', 'run', 'expect', 'capture', 'depends_on', 'when', 'hint', 'timeout', 'retry', 'until',
  'exit_code', 'stdout', 'stderr', 'regex', 'contains', 'equals', 'any_of', 'all_of', 'not', 'lt', 'line_count',
  'tcp_connect', 'process', 'listening', 'mysql', 'ping', 'port_scan', 'packet_capture', 'trigger', 'filter', 'client',
  'host', 'port', 'name', 'secret', 'default', 'all', 'any', 'check', 'status', 'field', 'matches', 'finding',
  'file', 'as', 'attempts', 'interval', 'severity', 'require', 'tags', 'become', 'address',
];

/** Structure: indicators, indentation, line ends, document markers and directives. */
const STRUCTURE = [
  ': ', ':', '- ', '-', '\n', '\n  ', '\n    ', '\n      ', '\n        ', '  ', ' ', '[', ']', '{', '}', ', ', ',',
  '"', "'", '? ', '|', '|-', '>', '>+', '|2', '#', ' # note', '---\n', '...\n', '--- ', '%YAML 1.1\n---\n',
  '%YAML 1.2\n---\n', '%TAG !e! tag:example.com,2000:\n---\n', '\t', '\r\n', '\r', '[[[[', ']]]]', '{a: {b: {c: [',
];

/** Anchors, aliases (defined, undefined, empty) and merge keys. */
const ANCHORS = ['&a ', '&b ', '&c1 ', '*a', '*b', '*c1', '*nowhere', '<<: *a', '<<: [*a, *b]', '<<: ', '<<', '& ', '*', '&a [*a]'];

const TAGS = [
  '!foo ', '!shell ', '!!str ', '!!binary ', '!!set ', '!!omap ', '!!pairs ', '!!int ', '!!float ', '!!bool ', '!!null ',
  '!!map ', '!!seq ', '!!timestamp ', '!!merge ', '!<tag:yaml.org,2002:str> ', '!e!x ', '! ', '!!binary aGVsbG8=',
];

const SCALARS = [
  '1', '0', '-1', '1e29', '1e308', '-0', '.inf', '-.inf', '.nan', '0x1F', '0o17', '99999999999999999999', '3.5',
  'true', 'false', 'yes', 'no', 'on', 'off', '~', 'null', 'local', 'server', 'root@10.0.0.1:22', 'web[01:03]',
  'web[1:99999999]', '@group', '[fe80::1]:22', 'echo ok', 'true', '5s', '500ms', '24h', '25h', '600h', '0s', 'pass',
  'fail', '2001-12-14', '12:30:00', '"\\0"', '"\\x1b[2J"', '"\\u0085"', '"\\t"', '"\\uD800"', "'it''s'", '"a\\nb"',
  'q1', 'c1', 'c2', 'mysqld', '^(a+)+$', "'(?<value>\\d+)'", "'('",
];

const REFERENCES = [
  '${vars.x}', '${vars.port}', '"${vars.port}"', '${captures.y}', '"${captures.pid}"', '${env.HOME}', '${fields.c1.stdout}',
  '${tools.missing}', '${vars.}', '${', '}', '$(touch /tmp/x)', '${HOME}', '${var.port}',
];

/** C0 and C1 controls, DEL, line separators, a BOM, a non-character and a lone surrogate. */
const CONTROL = ['\0', '\x01', '\x07', '\x08', '\x0b', '\x0c', '\x1b', '\x1b[31m', '\x7f', '\x85', '\x9b', '\u2028', '\u2029', '\ufeff', '\ufffe', '\ud800'];

const UNICODE = ['é', 'ß', '日本', '🙂', 'e\u0301', '\u202e', 'Ω', 'ǅ', '\u00a0', '\u3000'];

/** Brackets opened up to 40 deep: modest, below the depth at which the YAML library itself fails. */
const nesting = fc.tuple(fc.integer({ min: 2, max: 40 }), fc.constantFrom('[', '{', '- ', '{a: ')).map(([depth, open]) => open.repeat(depth));

/** One token; the structural ones are likelier, as in a real file. */
export const yamlToken: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...STRUCTURE) },
  { weight: 5, arbitrary: fc.constantFrom(...RUNBOOK_KEYS) },
  { weight: 4, arbitrary: fc.constantFrom(...SCALARS) },
  { weight: 2, arbitrary: fc.constantFrom(...ANCHORS) },
  { weight: 2, arbitrary: fc.constantFrom(...TAGS) },
  { weight: 2, arbitrary: fc.constantFrom(...REFERENCES) },
  { weight: 1, arbitrary: fc.constantFrom(...CONTROL) },
  { weight: 1, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  { weight: 1, arbitrary: nesting },
);

export const yamlSoup: fc.Arbitrary<string> = fc.array(yamlToken, { maxLength: 60 }).map((tokens) => tokens.join(''));

/** Where a soup goes into a good runbook: a new line, in place of a line, or in the middle of one. */
type Splice = 'insert-line' | 'replace-line' | 'inside-line';

const splice = (text: string, soup: string, at: number, how: Splice): string => {
  const lines = text.split('\n');
  const index = at % lines.length;
  if (how === 'insert-line') lines.splice(index, 0, soup);
  else if (how === 'replace-line') lines[index] = soup;
  else {
    const line = lines[index]!;
    const cut = at % (line.length + 1);
    lines[index] = line.slice(0, cut) + soup + line.slice(cut);
  }
  return lines.join('\n');
};

/** A good runbook's text with a soup of tokens spliced in: mostly valid YAML around one bad spot. */
export const splicedRunbook = (goodText: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(goodText, fc.array(yamlToken, { minLength: 1, maxLength: 12 }), fc.nat(), fc.constantFrom<Splice>('insert-line', 'replace-line', 'inside-line'))
    .map(([text, tokens, at, how]) => splice(text, tokens.join(''), at, how));
