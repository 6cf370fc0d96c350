import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import radius from 'radius';
import {
  checkFraming,
  decodeAccountingRequest,
  encodeAccountingResponse,
  requestAuthenticatorValid,
} from './radius-codec.js';

const SECRET = Buffer.from('s3cret');
const request = (attributes: unknown[][], identifier = 1) =>
  radius.encode({ code: 'Accounting-Request', secret: 's3cret', identifier, attributes });
const START = [
  ['Acct-Status-Type', 'Start'],
  ['Acct-Session-Id', 'A1'],
  ['Calling-Station-Id', 'AA-BB-CC-DD-EE-FF'],
];

describe('RADIUS codec', () => {
  it('given a signed Accounting-Request, when checked and decoded, then its status, stations and a response radclient-style verification accepts', () => {
    const packet = request([
      ...START,
      ['Called-Station-Id', '11-22-33-44-55-66:Office'],
      ['Acct-Delay-Time', 3],
    ]);
    const framing = checkFraming(packet);
    assert.ok(framing.ok);
    assert.ok(requestAuthenticatorValid(packet, framing.length, SECRET));
    const d = decodeAccountingRequest(packet, framing.length, SECRET);
    assert.ok(d.ok);
    assert.equal(d.request.status, 'start');
    assert.equal(d.request.callingStationId, 'AA-BB-CC-DD-EE-FF');
    assert.equal(d.request.calledStationId, '11-22-33-44-55-66:Office');
    assert.equal(d.request.delayS, 3);
    const response = encodeAccountingResponse(d.packet, SECRET);
    assert.ok(radius.verify_response({ request: packet, response, secret: 's3cret' }));
  });

  it('given the wrong secret, when checked, then the authenticator is refused', () => {
    const packet = request(START);
    assert.equal(requestAuthenticatorValid(packet, packet.length, Buffer.from('other')), false);
  });

  it('given an attribute running past the end, a zero-length attribute, a short header or a length beyond the datagram, then malformed', () => {
    const packet = request(START);
    const overrun = Buffer.from(packet);
    overrun[21] = 200;
    const zero = Buffer.from(packet);
    zero[21] = 0;
    const long = Buffer.from(packet);
    long.writeUInt16BE(packet.length + 1, 2);
    for (const bad of [overrun, zero, packet.subarray(0, 19), long])
      assert.deepEqual(checkFraming(bad), { ok: false, reason: 'malformed' });
  });

  it('given an Access-Request on the accounting port, then not_accounting', () => {
    const access = radius.encode({
      code: 'Access-Request',
      secret: 's3cret',
      attributes: [['User-Name', 'x']],
    });
    assert.deepEqual(checkFraming(access), { ok: false, reason: 'not_accounting' });
  });

  it('given a retransmission with a higher Acct-Delay-Time and another identifier, then the same fingerprint; other counters, another', () => {
    const fp = (attrs: unknown[][], id: number) => {
      const p = request(attrs, id);
      const d = decodeAccountingRequest(p, p.length, SECRET);
      assert.ok(d.ok);
      return d.request.fingerprint;
    };
    const a = fp([...START, ['Acct-Delay-Time', 0]], 1);
    assert.equal(fp([...START, ['Acct-Delay-Time', 5]], 2), a);
    assert.notEqual(fp([...START, ['Acct-Session-Time', 5]], 1), a);
  });

  it('given no Acct-Status-Type, when decoded, then malformed', () => {
    const packet = request([['Acct-Session-Id', 'A1']]);
    assert.deepEqual(decodeAccountingRequest(packet, packet.length, SECRET), {
      ok: false,
      reason: 'malformed',
    });
  });
});
