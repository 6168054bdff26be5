// Files ssh_config leads to are read with a bound: a device or a huge file is refused, naming it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readBoundedSync } from '../../src/transport/ssh/bounded-read.js';

describe('readBoundedSync', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bounded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('reads a file of up to the limit whole', () => {
    const file = join(dir, 'exact');
    writeFileSync(file, 'x'.repeat(3000));
    expect(readBoundedSync(file, 3000).toString()).toBe('x'.repeat(3000));
  });

  test('refuses a byte more than the limit, and a device that never ends', () => {
    const file = join(dir, 'over');
    writeFileSync(file, 'x'.repeat(3001));
    expect(() => readBoundedSync(file, 3000)).toThrow(`${file} holds more than 0 MiB, more than such a file may`);
    expect(() => readBoundedSync('/dev/zero', 1024 * 1024)).toThrow('/dev/zero holds more than 1 MiB, more than such a file may');
  });

  test('says why a missing file cannot be read', () => {
    expect(() => readBoundedSync(join(dir, 'missing'), 10)).toThrow(/ENOENT/);
  });
});
