// The leak detector must itself be able to fail: it sees a child left running, and stops seeing
// it once it is gone.
import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';
import { descendants } from './leak-detector.js';

test('a child process left running is seen as a descendant of the test worker, until it ends', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
  const ended = new Promise((resolve) => child.once('exit', resolve));
  try {
    expect(descendants().map((found) => found.pid)).toContain(child.pid);
  } finally {
    child.kill('SIGKILL');
    await ended;
  }
  expect(descendants().map((found) => found.pid)).not.toContain(child.pid);
});
