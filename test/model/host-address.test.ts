// How a host and what happened on it read together on one line.
import { describe, expect, test } from 'vitest';
import { reasonAfterWhere } from '../../src/model/host-address.js';

describe('reasonAfterWhere: a reason after "on ROLE (TARGET):" does not name the target again', () => {
  test.each([
    ['db (root@10.0.0.5:2223): connection refused', 'root@10.0.0.5:2223', 'connection refused'],
    ['127.0.0.1 (nobody@127.0.0.1:1): authentication failed (tried: publickey)', 'nobody@127.0.0.1:1', 'authentication failed (tried: publickey)'],
    // Another host's name, or the target quoted inside the words, stays as written.
    ['db (root@10.0.0.6:22): connection refused', 'root@10.0.0.5:22', 'db (root@10.0.0.6:22): connection refused'],
    ['stdout expected to contain "x (root@10.0.0.5:22): y", got ""', 'root@10.0.0.5:22', 'stdout expected to contain "x (root@10.0.0.5:22): y", got ""'],
    ['exit_code expected to equal 0, got 1', 'root@10.0.0.5:22', 'exit_code expected to equal 0, got 1'],
  ])('%s', (reason, target, shown) => {
    expect(reasonAfterWhere(reason, target)).toBe(shown);
  });
});
