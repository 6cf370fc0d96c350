// Memory probe: starts ingest in-process against BENCH_DEVICES (100000) registered devices, then
// prints V8 heap statistics after a full GC, so memory changes can be measured without the noise of
// a load test. Run with --expose-gc. Seeds a bus prefix once and keeps it (PROBE_PREFIX, default
// "heapprobe"); PROBE_CLEAN=1 deletes it. Replay keys go under "<prefix>:ingest:" and are deleted at
// the end. PROBE_SNAPSHOT=1 also writes a heap snapshot.
//   node --expose-gc --import tsx services/ingest/bench/heap-probe.ts
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { connect } from '@nats-io/transport-node';
import { deriveEnvelopeKey, sealRequest } from '@sa/phone-protocol';
import { createLogger, deleteBusStreams, ensurePhoneStream, openSnapshotBuckets, Redis } from '@sa/platform';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import { deleteRedisKeys } from '@sa/testkit';
import { buildIngestApp } from '../src/app.js';
import { loadIngestConfig } from '../src/config.js';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const prefix = process.env.PROBE_PREFIX ?? 'heapprobe';
const names = busNames(prefix);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (n: number) => Math.round(n / 1048576);
const stats = (label: string) => {
  gc();
  const h = getHeapStatistics();
  const rss = process.memoryUsage().rss;
  console.log(
    JSON.stringify({
      label,
      heapUsedMb: mb(h.used_heap_size),
      heapTotalMb: mb(h.total_heap_size),
      rssMb: mb(rss),
    }),
  );
};

const nc = await connect({ servers: NATS_URL });
await ensurePhoneStream(nc, names);
const { devices } = await openSnapshotBuckets(nc, names);
if ((await devices.status()).values < DEVICES) {
  for (let i = 0; i < DEVICES; i += 1000) {
    const puts = [];
    for (let k = i; k < Math.min(i + 1000, DEVICES); k++) {
      const d = v1.Device.create({
        deviceId: `b${k}`,
        extension: `${1000 + (k % 5000)}`,
        enabled: true,
        tier: 2,
      });
      puts.push(devices.put(d.deviceId, encodeMessage(v1.Device, d, 'Device')));
    }
    await Promise.all(puts);
  }
}
stats('before');
const redisPrefix = `${prefix}:ingest:`;
const config = loadIngestConfig({
  ...process.env,
  REDIS_KEY_PREFIX: redisPrefix,
  SA_BUS_PREFIX: prefix,
  INGEST_PORT: '0',
  OPS_PORT: '0',
  INGEST_HOST: '127.0.0.1',
});
const app = await buildIngestApp(config, createLogger('ingest', 'warn'));
await app.start();
stats('started');
await new Promise((r) => setTimeout(r, 2000));
stats('settled');
// one valid presence packet from every device, through the handler (no UDP), 1000 at a time
const key = deriveEnvelopeKey('1234567890123456');
const counter = Date.now();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let ok = 0;
for (let i = 0; i < DEVICES; i += 1000) {
  const batch = [];
  for (let k = i; k < Math.min(i + 1000, DEVICES); k++) {
    const packet = sealRequest({
      key,
      keyId: 1,
      deviceId: `b${k}`,
      counter: counter + k,
      timestampMs: Date.now(),
      body: { presence: { connected: { ssid: 'Office', bssid: 'aa:bb:cc:dd:ee:01', rssiDbm: -50 } } },
      padTo: 140,
    });
    batch.push(app.handler.handle(packet, '127.0.0.1', 'udp'));
  }
  for (const r of await Promise.all(batch)) if (r) ok++;
}
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    handled: DEVICES,
    replies: ok,
    s: ((performance.now() - t0) / 1000).toFixed(1),
    cpuUsPerPacketInclSealing: Math.round((cpu.user + cpu.system) / DEVICES),
  }),
);
stats('after traffic');
if (process.env.PROBE_SNAPSHOT) console.log('snapshot', writeHeapSnapshot());
await app.stop('probe');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
await deleteRedisKeys(redis, `${redisPrefix}*`);
await redis.quit();
if (process.env.PROBE_CLEAN) await deleteBusStreams(nc, names);
await nc.close();
