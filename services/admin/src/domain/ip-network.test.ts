import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNetwork } from './ip-network.js';

test('given IPv4/IPv6 addresses and CIDR blocks, when parsed, then each is kept in canonical form', () => {
  const cases: [string, string][] = [
    ['192.0.2.10', '192.0.2.10'],
    ['192.0.2.0/24', '192.0.2.0/24'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0::/48', '2001:db8::/48'],
    ['fe80::/10', 'fe80::/10'],
    ['::/0', '::/0'],
  ];
  for (const [input, network] of cases) assert.deepEqual(parseNetwork(input), { network }, input);
});

test('given a name, a bad address, a prefix out of range or host bits after the prefix, when parsed, then the problem says which', () => {
  const cases: [string, RegExp][] = [
    ['ap.example.org', /not an IP address or CIDR block/],
    ['192.0.2.300', /not an IP address/],
    ['192.0.2', /not an IP address/],
    ['192.0.2.0/24/1', /not an IP address/],
    ['', /not an IP address/],
    ['2001:db8::g', /not an IP address/],
    ['10.0.0.0/33', /0 to 32/],
    ['2001:db8::/129', /0 to 128/],
    ['10.0.0.0/x', /0 to 32/],
    ['192.0.2.5/24', /bits set after the \/24 prefix/],
    ['2001:db8::1/64', /bits set after the \/64 prefix/],
  ];
  for (const [input, why] of cases) {
    const r = parseNetwork(input);
    assert.ok('problem' in r, input);
    assert.match(r.problem, why, input);
  }
});
