// Host addresses as the operator would type them after `ssh`: `local`, or [user@]host[:port] with
// IPv6 in brackets. What describeHost prints must be an address the operator can type back.
import { describe, expect, test } from 'vitest';
import type { HostSpec } from '../../src/model/runbook.js';
import { describeHost } from '../../src/model/host-address.js';
import { parseHostAddress } from '../../src/runbook/hosts.js';

const ssh = (host: string, extra: { user?: string; port?: number } = {}): HostSpec => ({ role: 'r', kind: 'ssh', name: host, host, become: false, ...extra });

const VALID: [string, HostSpec][] = [
  ['local', { role: 'r', kind: 'local', name: 'local', become: false }],
  ['db', ssh('db')],
  ['db.example.com', ssh('db.example.com')],
  ['10.200.0.82', ssh('10.200.0.82')],
  ['admin@db', ssh('db', { user: 'admin' })],
  ['db:2222', ssh('db', { port: 2222 })],
  ['db:1', ssh('db', { port: 1 })],
  ['db:65535', ssh('db', { port: 65535 })],
  ['admin@10.0.0.5:2222', ssh('10.0.0.5', { user: 'admin', port: 2222 })],
  ['[::1]', ssh('::1')],
  ['[fe80::1]:22', ssh('fe80::1', { port: 22 })],
  ['root@[2001:db8::5]:2200', ssh('2001:db8::5', { user: 'root', port: 2200 })],
];

const INVALID = ['db:0', 'db:65536', 'db:123456', 'db:', 'db:ssh', 'a b', '@db', 'user@', 'a@b@c', '::1', 'fe80::1:22', '[db', ''];

describe('parseHostAddress', () => {
  test.each(VALID)('%s', (address, spec) => {
    expect(parseHostAddress('r', address)).toEqual(spec);
  });

  test.each(INVALID)('%j is not an address', (address) => {
    expect(parseHostAddress('r', address)).toBeUndefined();
  });

  test('carries become for local and SSH hosts alike', () => {
    expect(parseHostAddress('r', 'local', true)).toEqual({ role: 'r', kind: 'local', name: 'local', become: true });
    expect(parseHostAddress('r', 'db', true)).toEqual({ ...ssh('db'), become: true });
  });
});

const IPV6 = (address: string): boolean => address.includes('[');

describe('describeHost', () => {
  test.each(VALID.map(([address]) => address).filter((address) => !IPV6(address)))('%s reads back as itself', (address) => {
    expect(describeHost(parseHostAddress('r', address)!)).toBe(address);
  });

  // "fe80::1:22" would read as another IPv6 address without a port.
  test('an IPv6 address keeps its brackets, so its port stays a port', () => {
    expect(VALID.filter(([address]) => IPV6(address)).map(([address]) => describeHost(parseHostAddress('r', address)!))).toEqual([
      '[::1]',
      '[fe80::1]:22',
      'root@[2001:db8::5]:2200',
    ]);
  });
});
