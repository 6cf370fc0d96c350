import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it } from 'node:test';
import { type Interfaces, listenUrls } from './listen-urls.js';

function nic(address: string, internal = false): NetworkInterfaceInfo {
  const family = address.includes(':') ? 'IPv6' : 'IPv4';
  return { address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null, scopeid: 0 };
}

const office: Interfaces = {
  lo: [nic('127.0.0.1', true), nic('::1', true)],
  eth0: [nic('192.168.1.10'), nic('2001:db8::10'), nic('fe80::1')],
  wg0: [nic('10.8.0.1')],
};

describe('listenUrls', () => {
  it('given admin bound to 0.0.0.0, when listed, then every non-internal IPv4 address and then 127.0.0.1', () => {
    assert.deepEqual(listenUrls({ address: '0.0.0.0', port: 8081 }, office), [
      'http://192.168.1.10:8081',
      'http://10.8.0.1:8081',
      'http://127.0.0.1:8081',
    ]);
  });

  it('given admin bound to ::, when listed, then IPv4 first, routable IPv6 in brackets, no link-local, then 127.0.0.1', () => {
    assert.deepEqual(listenUrls({ address: '::', port: 8081 }, office), [
      'http://192.168.1.10:8081',
      'http://10.8.0.1:8081',
      'http://[2001:db8::10]:8081',
      'http://127.0.0.1:8081',
    ]);
  });

  it('given admin bound to one address, when listed, then only that address', () => {
    assert.deepEqual(listenUrls({ address: '192.168.1.10', port: 8081 }, office), [
      'http://192.168.1.10:8081',
    ]);
    assert.deepEqual(listenUrls({ address: '::1', port: 9 }, office), ['http://[::1]:9']);
  });

  it('given a machine with loopback only, when bound to 0.0.0.0, then 127.0.0.1 alone', () => {
    assert.deepEqual(listenUrls({ address: '0.0.0.0', port: 8081 }, { lo: office.lo }), [
      'http://127.0.0.1:8081',
    ]);
  });
});
