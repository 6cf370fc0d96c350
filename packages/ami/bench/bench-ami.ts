// AMI benchmark. Builds a ~50 MB stream from the recorded call events (fixtures 03/07/08) and measures:
// - `eventsPerSec`: our AmiClient receiving the stream from a local TCP server that speaks AMI (banner,
//   Login answered with Success, then the stream) — the same path, server and stream for every peer;
// - `peers`: the most used npm AMI clients on that same path (asterisk-manager, asterisk-ami-client,
//   yana), `ratio` = ours / best peer;
// - `parserEventsPerSec` and `maxBlockMs`: our AmiFrameParser (after a JIT warm-up) fed in 16 KB
//   slices, yielding to the event loop whenever a run of slices has taken 1 ms; `maxBlockMs` is the
//   longest synchronous stretch (a GC pause or the OS preempting us on a busy machine lands in it),
//   `blockP99Ms` the p99 stretch, `loopDelayMaxMs` what monitorEventLoopDelay saw meanwhile;
// - `actionRttP99Ms`: p99 RTT of 10k pipelined DBPut actions against the AMI test server.
// Last line: one JSON object.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fixturesDir as fixtures } from '@sa/ami-protocol/transcripts';
import { AmiTestServer } from '@sa/testkit/ami';
import { AmiClient, AmiFrameParser } from '../src/index.js';

const require = createRequire(import.meta.url);
const PEER_TIMEOUT_MS = 25_000;

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

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

async function parseOurs(): Promise<{
  eventsPerSec: number;
  maxBlockMs: number;
  blockP99Ms: number;
  loopDelayMaxMs: number;
}> {
  // Warm-up (JIT) on a separate parser, so the measured run shows steady-state slices.
  const warm = new AmiFrameParser();
  for (let off = 0; off < 4 * 1024 * 1024; off += 16 * 1024) warm.push(stream.subarray(off, off + 16 * 1024));
  await yieldNow();
  const parser = new AmiFrameParser();
  const slice = 16 * 1024;
  const stretches: number[] = [];
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let n = 0;
  let maxBlockMs = 0;
  const t0 = performance.now();
  let runStart = performance.now();
  for (let off = 0; off < stream.length; off += slice) {
    for (const f of parser.push(stream.subarray(off, off + slice)))
      if (f.kind === 'message' && f.message.get('Event')) n++;
    const now = performance.now();
    if (now - runStart >= 1) {
      maxBlockMs = Math.max(maxBlockMs, now - runStart);
      stretches.push(now - runStart);
      await yieldNow();
      runStart = performance.now();
    }
  }
  maxBlockMs = Math.max(maxBlockMs, performance.now() - runStart);
  const secs = (performance.now() - t0) / 1000;
  h.disable();
  if (n !== totalEvents) throw new Error(`parsed ${n} of ${totalEvents} events`);
  stretches.sort((a, b) => a - b);
  return {
    eventsPerSec: Math.round(n / secs),
    maxBlockMs: Number(maxBlockMs.toFixed(2)),
    blockP99Ms: Number((stretches[Math.floor(stretches.length * 0.99)] ?? 0).toFixed(2)),
    loopDelayMaxMs: Number((h.max / 1e6).toFixed(2)),
  };
}

/** A TCP server speaking just enough AMI: banner, Success to Login (with its ActionID), then the stream. */
async function startStreamServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const parser = new AmiFrameParser();
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    let streaming = false;
    socket.on('data', (chunk: Buffer) => {
      for (const f of parser.push(chunk)) {
        if (f.kind !== 'message') continue;
        const id = f.message.get('ActionID');
        const head = `Response: Success\r\n${id ? `ActionID: ${id}\r\n` : ''}`;
        if (f.message.get('Action')?.toLowerCase() !== 'login') {
          socket.write(`${head}\r\n`);
          continue;
        }
        socket.write(`${head}Message: Authentication accepted\r\n\r\n`);
        if (streaming) continue;
        streaming = true;
        void (async () => {
          const piece = 1024 * 1024;
          for (let off = 0; off < stream.length && !socket.destroyed; off += piece) {
            if (!socket.write(stream.subarray(off, off + piece))) {
              await new Promise((r) => socket.once('drain', r));
            }
          }
        })();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return {
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Connects and logs in; calls onEvent for every event; returns a function that disconnects. */
type Run = (port: number, onEvent: () => void) => Promise<() => void>;

const runners: Record<string, Run> = {
  '@sa/ami': async (port, onEvent) => {
    const client = new AmiClient({
      host: '127.0.0.1',
      port,
      username: 'u',
      secret: 's',
      events: 'on',
      keepaliveMs: 0,
    });
    client.on('event', onEvent);
    client.start();
    return () => void client.close();
  },
  'asterisk-manager': async (port, onEvent) => {
    const Manager = require('asterisk-manager') as (
      port: number,
      host: string,
      user: string,
      secret: string,
      events: boolean,
    ) => { on: (e: string, f: () => void) => void; disconnect: () => void };
    const ami = Manager(port, '127.0.0.1', 'u', 's', true);
    ami.on('managerevent', onEvent);
    return () => ami.disconnect();
  },
  'asterisk-ami-client': async (port, onEvent) => {
    const AmiClientPeer = require('asterisk-ami-client') as new (
      o: object,
    ) => {
      connect: (u: string, s: string, o: object) => Promise<unknown>;
      on: (e: string, f: () => void) => void;
      disconnect: () => void;
    };
    const client = new AmiClientPeer({ reconnect: false, keepAlive: false, emitEventsByTypes: false });
    client.on('event', onEvent);
    await client.connect('u', 's', { host: '127.0.0.1', port });
    return () => client.disconnect();
  },
  yana: async (port, onEvent) => {
    const Yana = require('yana') as new (
      o: object,
    ) => {
      connect: (cb?: () => void) => void;
      on: (e: string, f: () => void) => void;
      disconnect?: () => void;
      socket?: { destroy: () => void };
    };
    const ami = new Yana({ port, host: '127.0.0.1', login: 'u', password: 's', events: 'on' });
    ami.on('event', onEvent);
    ami.on('error', () => {});
    ami.connect();
    return () => (ami.disconnect ? ami.disconnect() : ami.socket?.destroy());
  },
};

/** Events per second one client library takes from the stream server (partial rate on timeout). */
async function overTcp(
  name: string,
  run: Run,
): Promise<{ eventsPerSec: number; received: number; complete: boolean }> {
  const server = await startStreamServer();
  let n = 0;
  let t0 = 0;
  let tLast = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const stop = await run(server.port, () => {
    tLast = performance.now();
    if (n === 0) t0 = tLast;
    if (++n >= totalEvents) done();
  });
  const timer = setTimeout(done, PEER_TIMEOUT_MS);
  // A library that loses events never reaches the total: stop once nothing arrived for 2 s.
  const idle = setInterval(() => {
    if (n > 0 && performance.now() - tLast > 2000) done();
  }, 250);
  await finished;
  clearTimeout(timer);
  clearInterval(idle);
  const secs = Math.max(1e-6, (tLast - t0) / 1000);
  stop();
  await server.close();
  await yieldNow();
  if (n === 0) console.error(`${name}: no events received`);
  return { eventsPerSec: Math.round(n / secs), received: n, complete: n >= totalEvents };
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

const parser = await parseOurs();
console.error(`parser: ${JSON.stringify(parser)}`);
const results: Record<string, number> = {};
const incomplete: Record<string, number> = {};
for (const [name, run] of Object.entries(runners)) {
  const r = await overTcp(name, run);
  results[name] = r.eventsPerSec;
  if (!r.complete) incomplete[name] = r.received;
  console.error(
    `${name}: ${r.eventsPerSec} events/s${r.complete ? '' : ` (only ${r.received} events arrived)`}`,
  );
}
const { '@sa/ami': ours = 0, ...peers } = results;
const actionRttP99Ms = await actionRtt(10_000);
const best = Math.max(0, ...Object.values(peers));
console.log(
  JSON.stringify({
    streamBytes: stream.length,
    events: totalEvents,
    path: 'local TCP server speaking AMI (banner, Login Success, then the stream); each client counts its event callbacks',
    eventsPerSec: ours,
    peers,
    ratio: best > 0 ? Number((ours / best).toFixed(2)) : null,
    /** Libraries that delivered fewer than `events` events: how many they delivered. */
    incomplete,
    parserEventsPerSec: parser.eventsPerSec,
    maxBlockMs: parser.maxBlockMs,
    blockP99Ms: parser.blockP99Ms,
    loopDelayMaxMs: parser.loopDelayMaxMs,
    actionRttP99Ms,
  }),
);
process.exit(0);
