// Host ranges as Ansible expands them. The VALID rows marked "(2.14)" were checked against
// ansible-core 2.14's own expand_hostname_range; the INVALID rows are where Ansible either fails
// with a Python error or quietly makes no host, and we say why in a sentence instead.
import { describe, expect, test } from 'vitest';
import { expandHostPattern, MAX_HOSTS_PER_PATTERN } from '../../src/model/host-pattern.js';

const VALID: [pattern: string, hosts: string[]][] = [
  ['web01', ['web01']],
  ['web[01:05].prod', ['web01.prod', 'web02.prod', 'web03.prod', 'web04.prod', 'web05.prod']], // (2.14)
  // Padding comes from the begin alone: no leading zero, no padding.
  ['w[8:11]', ['w8', 'w9', 'w10', 'w11']],
  ['w[0:2]', ['w0', 'w1', 'w2']],
  ['w[001:010:3]', ['w001', 'w004', 'w007', 'w010']], // (2.14)
  ['db-[a:f]', ['db-a', 'db-b', 'db-c', 'db-d', 'db-e', 'db-f']], // (2.14)
  ['node[1:10:2]', ['node1', 'node3', 'node5', 'node7', 'node9']], // (2.14)
  // Letters count a..z then A..Z (Python's string.ascii_letters).
  ['x[x:B]', ['xx', 'xy', 'xz', 'xA', 'xB']], // (2.14)
  ['w[a:e:2]', ['wa', 'wc', 'we']], // (2.14)
  ['w[:3]', ['w0', 'w1', 'w2', 'w3']], // (2.14) an empty begin is 0
  ['w[7:7]', ['w7']],
  ['w[1:3:5]', ['w1']],
  // Several ranges: every combination, the first range changing slowest.
  ['rack[1:2]-node[a:b]', ['rack1-nodea', 'rack1-nodeb', 'rack2-nodea', 'rack2-nodeb']], // (2.14)
  ['10.0.0.[1:3]', ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
  // The rest of the name is kept as written, a port too.
  ['web[1:2]:2222', ['web1:2222', 'web2:2222']],
  // Brackets around an IPv6 address are the address, as after ssh, never a range.
  ['[fe80::1]:2222', ['[fe80::1]:2222']],
  ['[::1]', ['[::1]']],
  ['admin@[2001:db8::5]:2200', ['admin@[2001:db8::5]:2200']],
  ['fe80::1', ['fe80::1']],
];

const INVALID: [pattern: string, message: string][] = [
  ['', 'the host pattern is empty: write a host name, e.g. web[01:50].example.com'],
  ['w[9:1]', '[9:1] in "w[9:1]" counts down from 9 to 1: write the smaller number first, [1:9]'],
  ['w[f:a]', '[f:a] in "w[f:a]" goes backwards from "f" to "a": letters count a..z then A..Z, so write [a:f]'],
  ['db[A:z]', '[A:z] in "db[A:z]" goes backwards from "A" to "z": letters count a..z then A..Z, so write [z:A]'],
  ['w[a:9]', '[a:9] in "w[a:9]" mixes a number and a letter: a range goes from number to number ([1:20]) or from letter to letter ([a:f])'],
  ['w[1:z]', '[1:z] in "w[1:z]" mixes a number and a letter: a range goes from number to number ([1:20]) or from letter to letter ([a:f])'],
  ['w[aa:zz]', '[aa:zz] in "w[aa:zz]" has more than one letter at an end: a letter range goes from one letter to one letter, e.g. [a:f]'],
  ['w[0x1:0x5]', '[0x1:0x5] in "w[0x1:0x5]" is not a range: write [begin:end] or [begin:end:step] with numbers or single letters, e.g. [01:50] or [a:f]'],
  ['w[01:100]', '[01:100] in "w[01:100]" pads numbers to 2 digits but its end "100" has 3: write both ends with the same width, e.g. [01:99]'],
  ['w[1:5:0]', '[1:5:0] in "w[1:5:0]" has step "0": a step is a whole number of 1 or more, e.g. [1:10:2]'],
  ['w[1:5:-1]', '[1:5:-1] in "w[1:5:-1]" has step "-1": a step is a whole number of 1 or more, e.g. [1:10:2]'],
  ['w[1:5:x]', '[1:5:x] in "w[1:5:x]" has step "x": a step is a whole number of 1 or more, e.g. [1:10:2]'],
  ['w[1:5:]', '[1:5:] in "w[1:5:]" has step "": a step is a whole number of 1 or more, e.g. [1:10:2]'],
  ['w[1:]', '[1:] in "w[1:]" has no end: write [1:END]'],
  ['w[1]', '[1] in "w[1]" is not a range: write [begin:end] or [begin:end:step], e.g. [01:50] or [1:10:2]'],
  ['w[]', '[] in "w[]" is not a range: write [begin:end] or [begin:end:step], e.g. [01:50] or [1:10:2]'],
  ['w[1:2:3:4]', '[1:2:3:4] in "w[1:2:3:4]" is not a range: write [begin:end] or [begin:end:step], e.g. [01:50] or [1:10:2]'],
  ['w[1:2', '"w[1:2" opens a range with "[" and never closes it with "]"'],
  ['w]1[1:2]', '"w]1[1:2]" has a "]" with no "[" before it'],
  ['w[[1:2]]', '"w[[1:2]]" has a "[" inside a range: ranges cannot be nested'],
  ['w[1:10001]', '"w[1:10001]" makes 10001 hosts, more than 10000 from one pattern: use an inventory, or split the range'],
  ['h[1:101]-[1:100]', '"h[1:101]-[1:100]" makes 10100 hosts, more than 10000 from one pattern: use an inventory, or split the range'],
  ['w[1:99999999999999999999]', '[1:99999999999999999999] in "w[1:99999999999999999999]" has a number too large for a host range'],
];

describe('expandHostPattern', () => {
  test.each(VALID)('%s', (pattern, hosts) => {
    expect(expandHostPattern(pattern)).toEqual({ ok: true, value: hosts });
  });

  test.each(INVALID)('%j is refused', (pattern, message) => {
    expect(expandHostPattern(pattern)).toEqual({ ok: false, error: message });
  });

  test(`up to ${MAX_HOSTS_PER_PATTERN} hosts from one pattern, counted across its ranges`, () => {
    const one = expandHostPattern('h[00001:10000]');
    const product = expandHostPattern('h[1:100]-[1:100]');
    expect(one.ok && [one.value.length, one.value[0], one.value.at(-1)]).toEqual([10_000, 'h00001', 'h10000']);
    expect(product.ok && [product.value.length, product.value[0], product.value[1], product.value.at(-1)]).toEqual([10_000, 'h1-1', 'h1-2', 'h100-100']);
  });

  // Counted before any host is made: making 9e14 names first would never return.
  test('a huge range is refused by its count', () => {
    expect(expandHostPattern('w[1:900000000000000]')).toEqual({
      ok: false,
      error: '"w[1:900000000000000]" makes 900000000000000 hosts, more than 10000 from one pattern: use an inventory, or split the range',
    });
  });
});
