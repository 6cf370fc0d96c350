import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddress, parseTrustedProxies } from './client-address.js';

describe('clientAddress', () => {
  const trusted = parseTrustedProxies('10.0.0.1, 192.168.0.0/16');

  it('given an untrusted peer with X-Forwarded-For, when resolved, then the header is ignored', () => {
    assert.equal(clientAddress('203.0.113.9', '1.2.3.4', trusted), '203.0.113.9');
  });

  it('given a trusted proxy chain, when resolved, then the right-most untrusted hop wins', () => {
    assert.equal(clientAddress('::ffff:10.0.0.1', '6.6.6.6, 1.2.3.4, 192.168.1.5', trusted), '1.2.3.4');
  });

  it('given a trusted proxy with garbage in the header, when resolved, then the peer is used', () => {
    assert.equal(clientAddress('10.0.0.1', 'not-an-ip', trusted), '10.0.0.1');
  });

  it('given a bad TRUSTED_PROXIES entry, when parsed, then it names the entry', () => {
    assert.throws(() => parseTrustedProxies('10.0.0.1,example.com'), /example\.com/);
  });
});
