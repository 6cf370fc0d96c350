import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { busNames } from '@sa/proto';
import {
  deleteBusStreams,
  ensurePhoneStream,
  openDeviceKeysBucket,
  openSnapshotBuckets,
} from './bus-setup.js';

test('given a prefix with its phone stream and buckets, when deleted, then none of them is left and a second delete is harmless', async () => {
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  try {
    const names = busNames(`t_bus${randomBytes(3).toString('hex')}`);
    await ensurePhoneStream(nc, names);
    await openSnapshotBuckets(nc, names);
    await openDeviceKeysBucket(nc, names);
    const jsm = await jetstreamManager(nc);
    const streams = [
      names.phoneStream,
      `KV_${names.devicesBucket}`,
      `KV_${names.keysBucket}`,
      `KV_${names.deviceKeysBucket}`,
      `KV_${names.usersBucket}`,
    ];
    for (const s of streams) await jsm.streams.info(s);
    await deleteBusStreams(nc, names);
    for (const s of streams) await assert.rejects(jsm.streams.info(s), `${s} still exists`);
    await deleteBusStreams(nc, names);
  } finally {
    await nc.close();
  }
});
