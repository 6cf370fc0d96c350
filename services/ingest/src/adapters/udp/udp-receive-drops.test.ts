import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUdpDrops } from './udp-receive-drops.js';

// Lines as Linux prints them (IPv4 and IPv6 tables), the last column being the socket's drops.
const UDP4 = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
 9194: 0100007F:1F90 00000000:0000 07 00000000:00000000 00:00000000 00000000   998        0 367856 2 00000000d0bb622c 17
 9195: 00000000:1F90 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 400001 2 00000000d0bb6230 99
 9201: 0100007F:1F91 00000000:0000 07 00000000:00000000 00:00000000 00000000   998        0 367857 2 00000000d0bb6234 5
`;
const UDP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
 1234: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   998        0 367860 2 00000000aa 3
`;

describe('parseUdpDrops', () => {
  it('given the IPv4 table, when asked for port 8080 and this process’s inodes, then only that socket’s drops count', () => {
    assert.equal(parseUdpDrops(UDP4, 8080, new Set(['367856', '367857'])), 17);
  });

  it('given another process’s socket on the same port (another address), then it does not count', () => {
    assert.equal(parseUdpDrops(UDP4, 8080, new Set(['367856'])), 17);
    assert.equal(parseUdpDrops(UDP4, 8080, new Set(['400001'])), 99);
  });

  it('given the IPv6 table, then its 32-digit addresses are parsed the same way', () => {
    assert.equal(parseUdpDrops(UDP6, 8080, new Set(['367860'])), 3);
    assert.equal(parseUdpDrops(UDP6, 8081, new Set(['367860'])), 0);
  });

  it('given a header only or garbage, then 0', () => {
    assert.equal(parseUdpDrops(UDP4.split('\n')[0]!, 8080, new Set(['367856'])), 0);
    assert.equal(parseUdpDrops('nonsense\n1 2 3', 8080, new Set(['1'])), 0);
  });
});
