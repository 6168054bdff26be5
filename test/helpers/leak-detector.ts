// Fails a test that leaves a child process or a network connection open behind it (zx's
// "ProcessPromise never resolved"): a leak here is a leak on an operator's host later.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterEach, beforeEach, expect } from 'vitest';

const LEAKY = new Set(['ProcessWrap', 'TCPSocketWrap', 'TCPWrap']);

const leakyHandles = (): number => process.getActiveResourcesInfo().filter((name) => LEAKY.has(name)).length;

const netnsOf = (pid: number | 'self'): string | undefined => {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
};

const OUR_NETNS = netnsOf('self');

/**
 * Live descendants of this worker, read from /proc (zombies count as gone). The lab's hosts live
 * in network namespaces of their own and are the lab's to stop; every command we run stays in ours.
 */
export const descendants = (root = process.pid): { pid: number; command: string }[] => {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (afterName[0] === 'Z') continue;
      parents.set(Number(entry), Number(afterName[1]));
      commands.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    } catch {
      // The process ended while we looked: not a leak.
    }
  }
  const isBelow = (pid: number): boolean => {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent)) if (parent === root) return true;
    return false;
  };
  return [...parents.keys()]
    .filter((pid) => isBelow(pid) && netnsOf(pid) === OUR_NETNS)
    .map((pid) => ({ pid, command: commands.get(pid) ?? '' }));
};

let baseline = 0;

beforeEach(() => {
  baseline = leakyHandles();
});

afterEach(async () => {
  const deadline = Date.now() + 3000;
  while ((descendants().length > 0 || leakyHandles() > baseline) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(descendants(), 'child processes left running after the test').toEqual([]);
  expect(leakyHandles(), 'sockets or processes left open after the test').toBeLessThanOrEqual(baseline);
});
