// The parsed file remembers where everything stands: paths print the way messages name them, and
// locate() finds the value, the key, or the nearest existing parent of a path.
import { describe, expect, test } from 'vitest';
import { formatPath, parseRunbookSource, type Path } from '../../src/runbook/source.js';

const TEXT = [
  'version: 1', //                        1
  'hosts:', //                            2
  '  server: local', //                   3
  'questions:', //                        4
  '  - id: q1', //                        5
  '    checks:', //                       6
  '      - {id: c1, on: server}', //      7
  '      - id: c2', //                    8
  '        expect:', //                   9
  '          exit_code:', //              10
  '',
].join('\n');

const PATHS: [Path, string][] = [
  [[], 'the runbook'],
  [['version'], 'version'],
  [['hosts', 'server'], 'hosts.server'],
  [['questions', 3, 'checks', 0, 'expect', 'exit_code'], 'questions[3].checks[0].expect.exit_code'],
  [['questions', 0, 'checks', 1, 'capture', 'pid', 'regex'], 'questions[0].checks[1].capture.pid.regex'],
  [['expect', 'stdout', 'any_of', 1, 'regex'], 'expect.stdout.any_of[1].regex'],
];

/** [path, key or value, line, col]. */
const LOCATIONS: [Path, 'key' | 'value', number, number][] = [
  [['version'], 'value', 1, 10],
  [['version'], 'key', 1, 1],
  [['hosts', 'server'], 'value', 3, 11],
  [['hosts', 'server'], 'key', 3, 3],
  [['questions', 0], 'value', 5, 5],
  [['questions', 0, 'checks', 0, 'on'], 'value', 7, 22],
  [['questions', 0, 'checks', 0, 'on'], 'key', 7, 18],
  [['questions', 0, 'checks', 1, 'id'], 'value', 8, 13],
  // A key with no value: just after its colon, where the value is missing.
  [['questions', 0, 'checks', 1, 'expect', 'exit_code'], 'value', 10, 21],
  [['questions', 0, 'checks', 1, 'expect', 'exit_code'], 'key', 10, 11],
  // Paths that do not exist fall back to the nearest parent that does.
  [['questions', 0, 'checks', 1, 'run'], 'value', 8, 9],
  [['questions', 0, 'checks', 7], 'value', 7, 7],
  [['nothing', 'here'], 'value', 1, 1],
];

describe('formatPath', () => {
  test.each(PATHS)('%j -> %s', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});

describe('parseRunbookSource', () => {
  const { source, diagnostics } = parseRunbookSource('x.yaml', TEXT);

  test('parses valid YAML with no diagnostics', () => {
    expect(diagnostics).toEqual([]);
    expect(source.data).toMatchObject({ version: 1, hosts: { server: 'local' } });
  });

  test.each(LOCATIONS)('locates %j (%s) at %i:%i', (path, target, line, col) => {
    expect(source.locate(path, target)).toEqual({ file: 'x.yaml', line, col });
  });

  test('broken YAML gives every error with its position and no data', () => {
    const broken = parseRunbookSource('x.yaml', 'a: 1\na: 2\nb: [1,\n');
    expect(broken.source.data).toBeUndefined();
    expect(broken.diagnostics.map(({ code, location }) => [code, location?.line, location?.col])).toEqual([
      ['RB_YAML', 2, 1],
      ['RB_YAML', 4, 1],
    ]);
  });
});
