// Evidence from hosts is bounded (head and tail kept, long lines cut) and escaped (nothing a host
// prints can drive the operator's terminal), and exit codes are explained.
import { describe, expect, test } from 'vitest';
import { EXCERPT_MAX_LINE_CHARS, EXCERPT_MAX_LINES, evidenceFor, excerpt, exitMeaning } from '../../src/execute/evidence.js';
import type { Excerpt } from '../../src/model/outcome.js';
import type { CommandOutcome } from '../../src/transport/types.js';

const lines = (count: number, from = 1): string[] => Array.from({ length: count }, (_, index) => `line ${from + index}`);

const EXCERPTS: [string, string, number | undefined, Excerpt][] = [
  ['empty output', '', undefined, { text: '', totalLines: 0, totalBytes: 0, truncated: false }],
  ['one line', 'ok\n', undefined, { text: 'ok', totalLines: 1, totalBytes: 3, truncated: false }],
  ['no final newline', 'a\nb', undefined, { text: 'a\nb', totalLines: 2, totalBytes: 3, truncated: false }],
  ['an empty last line', 'a\n\n', undefined, { text: 'a\n', totalLines: 2, totalBytes: 3, truncated: false }],
  ['bytes, not characters', 'é✓\n', undefined, { text: 'é✓', totalLines: 1, totalBytes: 6, truncated: false }],
  ['exactly the line limit', `${lines(5).join('\n')}\n`, 5, { text: lines(5).join('\n'), totalLines: 5, totalBytes: 35, truncated: false }],
  [
    'over the limit: head and tail kept',
    `${lines(10).join('\n')}\n`,
    5,
    { text: [...lines(3), '… 5 lines omitted …', ...lines(2, 9)].join('\n'), totalLines: 10, totalBytes: 71, truncated: true },
  ],
  [
    'one over the limit',
    lines(6).join('\n'),
    4,
    { text: [...lines(3), '… 2 lines omitted …', 'line 6'].join('\n'), totalLines: 6, totalBytes: 41, truncated: true },
  ],
  [
    'a line at the length limit is kept whole',
    'x'.repeat(EXCERPT_MAX_LINE_CHARS),
    undefined,
    { text: 'x'.repeat(EXCERPT_MAX_LINE_CHARS), totalLines: 1, totalBytes: EXCERPT_MAX_LINE_CHARS, truncated: false },
  ],
  [
    'a longer line is cut and says how long it was',
    `short\n${'x'.repeat(600)}\n`,
    undefined,
    { text: `short\n${'x'.repeat(EXCERPT_MAX_LINE_CHARS)}… (600 chars)`, totalLines: 2, totalBytes: 607, truncated: true },
  ],
  [
    'escaped after cutting: a control character past the cut is gone, one before it is escaped',
    `\u001b${'x'.repeat(EXCERPT_MAX_LINE_CHARS)}\u001b`,
    undefined,
    { text: `\\x1b${'x'.repeat(EXCERPT_MAX_LINE_CHARS - 1)}… (502 chars)`, totalLines: 1, totalBytes: 502, truncated: true },
  ],
];

const MEANINGS: [number | null, string | null, string | undefined][] = [
  [0, null, 'success'],
  [1, null, 'general failure'],
  [2, null, 'misuse or error (often: bad usage)'],
  [124, null, 'timed out (coreutils timeout)'],
  [126, null, 'command found but not executable'],
  [127, null, 'command not found'],
  [130, null, 'interrupted (SIGINT)'],
  [137, null, 'killed (SIGKILL)'],
  [143, null, 'terminated (SIGTERM)'],
  [129, null, 'ended by signal 1'],
  [141, null, 'ended by signal 13'],
  [159, null, 'ended by signal 31'],
  [null, 'SIGKILL', 'ended by SIGKILL'],
  [null, 'SIGTERM', 'ended by SIGTERM'],
  [null, null, undefined],
  [3, null, undefined],
  [42, null, undefined],
  [128, null, undefined],
  [160, null, undefined],
  [255, null, undefined],
];

const outcome = (overrides: Partial<CommandOutcome>): CommandOutcome => ({ exitCode: 0, signal: null, stdout: '', stderr: '', durationMs: 12, ...overrides });

describe('excerpt', () => {
  test.each(EXCERPTS)('%s', (_name, text, maxLines, want) => {
    expect(excerpt(text, maxLines)).toEqual(want);
  });

  test(`keeps at most ${EXCERPT_MAX_LINES} lines (plus the omission line) of a huge output`, () => {
    const result = excerpt(`${lines(1000).join('\n')}\n`);
    const kept = result.text.split('\n');
    expect(kept).toHaveLength(EXCERPT_MAX_LINES + 1);
    expect(kept.slice(119, 122)).toEqual(['line 120', '… 800 lines omitted …', 'line 921']);
    expect(kept.at(-1)).toBe('line 1000');
    expect(result).toMatchObject({ totalLines: 1000, truncated: true });
  });
});

describe('exitMeaning', () => {
  test.each(MEANINGS)('exit %j, signal %j -> %j', (exitCode, signal, meaning) => {
    expect(exitMeaning(exitCode, signal)).toBe(meaning);
  });
});

describe('evidenceFor', () => {
  test('a missing command: exit code explained, output escaped, no signal', () => {
    const evidence = evidenceFor('db (root@10.0.0.5)', 'nc -z db 3306', outcome({ exitCode: 127, stderr: 'sh: 1: nc: not found\u001b[0m\n' }));
    expect(evidence).toEqual({
      host: 'db (root@10.0.0.5)',
      command: 'nc -z db 3306',
      exitCode: 127,
      exitMeaning: 'command not found',
      durationMs: 12,
      stdout: { text: '', totalLines: 0, totalBytes: 0, truncated: false },
      stderr: { text: 'sh: 1: nc: not found\\x1b[0m', totalLines: 1, totalBytes: 25, truncated: false },
    });
  });

  // A captured value in a later command is what a host printed: `ESC c` resets a terminal, `ESC M`
  // moves its cursor up over the lines above, a right-to-left override turns `KO` into `OK`.
  test('the command line is escaped too: a captured value in it reaches no terminal raw', () => {
    const evidence = evidenceFor('local', "echo 'v=\u001bc\u001bM\u202eKO'", outcome({ exitCode: 0 }));
    expect(evidence.command).toBe("echo 'v=\\x1bc\\x1bM\\u202EKO'");
  });

  test('a killed command keeps its signal', () => {
    expect(evidenceFor('local', 'sleep 60', outcome({ exitCode: null, signal: 'SIGKILL' }))).toMatchObject({ exitCode: null, signal: 'SIGKILL', exitMeaning: 'ended by SIGKILL' });
    expect(evidenceFor('local', 'tcpdump', outcome({ exitCode: null, signal: 'SIGTERM', termination: 'stopped' }))).toMatchObject({ signal: 'SIGTERM', stopped: true });
    expect(evidenceFor('local', 'sleep 60', outcome({ exitCode: null, signal: 'SIGKILL', termination: 'timeout' }))).not.toHaveProperty('stopped');
  });

  test('an exit code with no usual meaning has no exitMeaning', () => {
    expect(evidenceFor('local', 'exit 42', outcome({ exitCode: 42 }))).not.toHaveProperty('exitMeaning');
  });

  test('a command the transport could not start is marked not run; one cut off by a lost connection is not', () => {
    const refused = { code: 'ECONNREFUSED', message: 'db (root@10.0.0.5:22): connection refused' };
    expect(evidenceFor('db', 'uname', outcome({ exitCode: null, transportError: refused }))).toMatchObject({ exitCode: null, notRun: true });
    const lost = { code: 'DISCONNECTED', message: 'db (root@10.0.0.5:22): connection lost while the command ran', started: true as const };
    expect(evidenceFor('db', 'sleep 5', outcome({ exitCode: null, transportError: lost }))).not.toHaveProperty('notRun');
    expect(evidenceFor('db', 'exit 1', outcome({ exitCode: 1 }))).not.toHaveProperty('notRun');
  });
});
