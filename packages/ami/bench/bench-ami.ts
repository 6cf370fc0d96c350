// AMI benchmark: parser events/s over a ~50 MB stream built from the recorded fixture events, the
// longest event-loop block while parsing, and the p99 RTT of 10k pipelined DBPut actions against the
// AMI test server. Last line: one JSON object. Peers (npm AMI libraries) are not wired yet: peers = {}.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AmiTestServer } from '@sa/testkit/ami';
import { AmiClient, AmiFrameParser } from '../src/index.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const source = ['03-originate-redirect', '07-db-routing', '08-local-optimization']
  .map((n) => readFileSync(join(fixtures, `${n}.server.bin`), 'latin1'))
  .join('');
const events = source
  .split('\r\n\r\n')
  .filter((m) => m.startsWith('Event: '))
  .map((m) => `${m}\r\n\r\n`);
const unit = Buffer.from(events.join(''), 'latin1');
const copies = Math.ceil((50 * 1024 * 1024) / unit.length);
const stream = Buffer.concat(Array.from({ length: copies }, () => unit));
const totalEvents = events.length * copies;

async function parseOurs(): Promise<{ eventsPerSec: number; maxBlockMs: number }> {
  const parser = new AmiFrameParser();
  const chunk = 64 * 1024;
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let n = 0;
  let maxBlockMs = 0;
  const t0 = performance.now();
  for (let off = 0; off < stream.length; off += chunk) {
    const s = performance.now();
    for (const f of parser.push(stream.subarray(off, off + chunk)))
      if (f.kind === 'message' && f.message.get('Event')) n++;
    maxBlockMs = Math.max(maxBlockMs, performance.now() - s);
    if ((off / chunk) % 16 === 0) await new Promise((r) => setImmediate(r));
  }
  const secs = (performance.now() - t0) / 1000;
  h.disable();
  if (n !== totalEvents) throw new Error(`parsed ${n} of ${totalEvents} events`);
  return { eventsPerSec: Math.round(n / secs), maxBlockMs: Number(maxBlockMs.toFixed(2)) };
}

async function actionRtt(count: number): Promise<number> {
  const server = await AmiTestServer.start();
  const client = new AmiClient({
    host: server.host,
    port: server.port,
    username: 'smartassistant',
    secret: 'amisecret',
    events: 'off',
    keepaliveMs: 0,
    actionTimeoutMs: 30_000,
  });
  client.start();
  await client.waitReady();
  const rtts: number[] = [];
  await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const t = performance.now();
      return client
        .action('DBPut', { Family: 'BENCH', Key: `k${i}`, Val: String(i) })
        .then(() => rtts.push(performance.now() - t));
    }),
  );
  await client.close();
  await server.stop();
  rtts.sort((a, b) => a - b);
  return Number((rtts[Math.floor(rtts.length * 0.99)] ?? 0).toFixed(2));
}

const ours = await parseOurs();
const actionRttP99Ms = await actionRtt(10_000);
const peers: Record<string, number> = {};
const best = Math.max(0, ...Object.values(peers));
console.log(
  JSON.stringify({
    streamBytes: stream.length,
    events: totalEvents,
    eventsPerSec: ours.eventsPerSec,
    peers,
    ratio: best > 0 ? Number((ours.eventsPerSec / best).toFixed(2)) : null,
    maxBlockMs: ours.maxBlockMs,
    actionRttP99Ms,
  }),
);
