// The amiStatus responder against real NATS, with the AMI link state supplied by the test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectNats, createLogger, type NatsClient } from '@sa/platform';
import { busNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { testUrls, uniqueName } from '@sa/testkit';
import { type AmiLinkStatus, subscribeStatus } from './status-server.js';

describe('amiStatus responder', () => {
  const names = busNames(uniqueName('amist'));
  let nats: NatsClient;
  let link: AmiLinkStatus = { connected: false, session: 0, banner: '' };
  let server: { stop(): void };

  before(async () => {
    nats = await connectNats(testUrls.nats, 'status-server-test', createLogger('test', 'silent'));
    server = subscribeStatus({ nc: nats.nc, names, bridgeId: 'bridge-1', status: () => link });
    await nats.nc.flush();
  });

  after(async () => {
    server.stop();
    await nats.close();
  });

  async function ask() {
    const request = encodeMessage(v1.AmiStatusRequest, v1.AmiStatusRequest.create(), 'AmiStatusRequest');
    const reply = await nats.nc.request(names.amiStatus, request, { timeout: 2000 });
    return decodeMessage(v1.AmiStatusReply, reply.data, 'AmiStatusReply');
  }

  test('given an AMI login in progress, when asked, then it answers not connected with its bridge id', async () => {
    link = { connected: false, session: 1, banner: 'Asterisk Call Manager/5.0.1' };
    const r = await ask();
    assert.deepEqual([r.connected, r.session, r.serverBanner, r.bridgeId], [false, 0, '', 'bridge-1']);
  });

  test('given AMI logged in, when asked, then it answers connected with the session and banner of that login', async () => {
    link = { connected: true, session: 3, banner: 'Asterisk Call Manager/5.0.1' };
    const r = await ask();
    assert.deepEqual(
      [r.connected, r.session, r.serverBanner, r.bridgeId],
      [true, 3, 'Asterisk Call Manager/5.0.1', 'bridge-1'],
    );
  });
});
