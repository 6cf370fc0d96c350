// ingest's unstored copies: a phone event the stream did not acknowledge (a NATS node died and the
// stream elects a leader) is also sent on core NATS, and router applies it at once. The stored report
// that follows (the phone sends it again until it is stored) is a no-op.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { decodeState } from '../src/routing/state-codec.js';
import { Harness, OFFICE_AP, presenceBytes, waitFor } from './harness.js';

describe('unstored phone events', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness().setup();
    await h.putConfig('260');
    await h.startRouter({ HYSTERESIS_REPORTS: '1', PRESENCE_TIMEOUT_S: '90' });
  });
  after(() => h.teardown());

  test('given a report the stream did not store, when ingest sends its unstored copy, then AstDB follows at once; the same report stored later writes nothing more; an undecodable copy is skipped', async () => {
    await waitFor(() => h.lastAstDb('260') === '0170260', 'the start-up target (Mobile)');
    const subject = h.names.unstored(h.names.presence('260'));
    const atMs = Date.now();
    h.nc.publish(subject, new Uint8Array([0xff, 0xff, 0xff]));
    h.nc.publish(
      subject,
      presenceBytes({ extension: '260', deviceId: 'D260', counter: 1, bssid: OFFICE_AP, atMs }),
    );
    await waitFor(() => h.lastAstDb('260') === '260', 'the desk target from the unstored copy');
    const jsm = await jetstreamManager(h.nc);
    assert.equal((await jsm.streams.info(h.names.phoneStream)).state.messages, 0, 'nothing was stored');
    const writes = h.astdb.get('260/target')!.length;

    // the phone's report again, stored this time, and a later one: both reach router through the stream
    await h.presence('260', 'D260', 1, OFFICE_AP, atMs);
    await h.presence('260', 'D260', 2, OFFICE_AP);
    await waitFor(async () => {
      const stored = await h.storedState('260');
      return stored && decodeState(stored).state.devices.find((d) => d.id === 'D260')?.counter === 2;
    }, 'the stored reports applied');
    assert.equal(h.astdb.get('260/target')!.length, writes, 'no AstDB write for the stored copy');
    assert.equal(h.lastAstDb('260'), '260');
  });
});
