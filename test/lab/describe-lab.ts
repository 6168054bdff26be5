// Gate for test files that need the lab. Where the lab cannot run, the suite is replaced by one
// test whose title carries the reason: skipped (and said on stderr) on a developer's machine,
// failed under CI=true, where a silently skipped lab would hide a broken setup.
import { describe, test } from 'vitest';
import { labAvailable } from './require-root.js';

export function describeLab(title: string, body: () => void): void {
  const availability = labAvailable();
  describe.runIf(availability.ok)(title, body);
  if (availability.ok) return;
  const onCi = process.env['CI'] === 'true';
  if (!onCi) process.stderr.write(`[runbook lab] not running "${title}": ${availability.reason}\n`);
  test.skipIf(!onCi)(`${title} [lab unavailable: ${availability.reason}]`, () => {
    throw new Error(`CI=true requires the lab, but it is unavailable: ${availability.reason}`);
  });
}
