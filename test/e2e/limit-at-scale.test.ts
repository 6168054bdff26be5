// --limit over a fleet of 10,000 hosts with limits as long as a command line holds: each term costs
// what it names. Before, every plain name was matched against every host (15,000 names: 8 s),
// every `!host` made the selection anew (9,000 of them: 12 s), and `web:web:...` added the group
// once per time written (20,000 times: past a minute). The bound here only catches a hang; speed
// lives in `npm run bench`.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { BIN, inlineFiles } from '../helpers/run-cli.js';

const HANG = 30_000;

const runbook = (hosts: string): string =>
  ['version: 1', 'title: fleet', 'hosts:', `  web: ${hosts}`, 'questions:', '  - id: q', '    title: q', '    checks:', '      - { id: c, on: web, run: "true" }', ''].join('\n');

const names = (count: number, from = 1, prefix = ''): string[] => Array.from({ length: count }, (_, index) => `${prefix}h${from + index}`);

describe('--limit at scale', () => {
  const plan = async (file: string, limit: string, inventory: boolean) => {
    const dir = inlineFiles({
      'ranged.yaml': runbook('"h[1:10000]"'),
      'grouped.yaml': runbook('{}'),
      'hosts.yaml': 'all:\n  children:\n    web:\n      hosts:\n        h[1:10000]:\n',
    });
    const result = await execa(process.execPath, [BIN, 'plan', join(dir, file), '--limit', limit, ...(inventory ? ['--inventory', join(dir, 'hosts.yaml')] : [])], { reject: false, timeout: HANG });
    expect(result.timedOut, 'a hang').toBe(false);
    return result;
  };

  test.each([false, true])('9,000 host names pick those 9,000 (inventory: %s)', async (inventory) => {
    const result = await plan(inventory ? 'grouped.yaml' : 'ranged.yaml', names(9000).join(':'), inventory);
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('on web (9000 hosts: h1, h2, h3, …)');
  }, HANG * 2);

  test.each([false, true])('9,000 hosts excluded leave the other 1,000 (inventory: %s)', async (inventory) => {
    const result = await plan(inventory ? 'grouped.yaml' : 'ranged.yaml', names(9000, 1, '!').join(':'), inventory);
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('on web (1000 hosts: h9001, h9002, h9003, …)');
  }, HANG * 2);

  test.each([false, true])('a group written 20,000 times is the group once (inventory: %s)', async (inventory) => {
    const result = await plan(inventory ? 'grouped.yaml' : 'ranged.yaml', `${'web:'.repeat(20_000)}!h1`, inventory);
    expect([result.exitCode, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('on web (9999 hosts: h2, h3, h4, …)');
  }, HANG * 2);

  test('one name of 15,000 that no host has is named, with the closest one', async () => {
    const result = await plan('ranged.yaml', names(15_000).join(':'), false);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^--limit .*"h10001" names no host .*\[RB_USAGE\]$/);
  }, HANG * 2);
});

// It once said `"all" names no host or group`: without an inventory there was no `all` to start from.
test('a limit of exclusions alone starts from every host of the run, as in Ansible', async () => {
  const dir = inlineFiles({ 'ranged.yaml': runbook('"h[1:5]"') });
  const result = await execa(process.execPath, [BIN, 'plan', join(dir, 'ranged.yaml'), '--limit', '!h1:!h3'], { reject: false, timeout: HANG });
  expect([result.exitCode, result.stderr]).toEqual([0, '']);
  expect(result.stdout).toContain('on web (3 hosts: h2, h4, h5)');
});
