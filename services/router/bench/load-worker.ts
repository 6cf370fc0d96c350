// The router bench's presence publisher, in its own thread so that publishing at full speed does
// not delay the main thread's stub ami-bridge and call client (which take the latency samples).
// Each device sits at one of two access points; a report "moves" it with probability MOVE.
// Samples (moves of users with a single device, whose target follows that device exactly) carry
// an absolute high-resolution publish time; the main thread matches them with DBPut arrivals.
import { parentPort, workerData } from 'node:worker_threads';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import { APS, ext, type LoadCommand, type LoadDone, type LoadInit, targetAt } from './load-shared.js';

const init = workerData as LoadInit;
const names = busNames(init.prefix);
const nc = await connect({ servers: init.natsUrl });
const js = jetstream(nc);
const counters = new Uint32Array(init.devices);
const aps = new Uint8Array(init.devices);
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let samples: [string, string, number][] = [];

function publishOne(sample: boolean): Promise<unknown> {
  const d = Math.floor(Math.random() * init.devices);
  const u = d % init.users;
  const user = ext(u);
  const moved = Math.random() < init.moveFraction;
  if (moved) aps[d] = 1 - aps[d]!;
  const counter = ++counters[d]!;
  const at = Date.now();
  const msg = v1.PresenceReported.create({
    deviceId: `DEV${d}`,
    extension: user,
    counter,
    sentAtMs: at,
    receivedAtMs: at,
    connected: { ssid: 'Corp', bssid: APS[aps[d]!]!, rssiDbm: -50 },
    visible: [{ ssid: 'Guest', bssid: '11:22:33:44:55:66', rssiDbm: -70 }],
  });
  // users u >= devices - users have no second device
  if (sample && moved && u >= init.devices - init.users) samples.push([user, targetAt(user, aps[d]!), now()]);
  return js.publish(names.presence(user), encodeMessage(v1.PresenceReported, msg, 'PresenceReported'));
}

async function windowed(total: number, seconds: number, send: () => Promise<unknown>): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let i = 0;
  await Promise.all(
    Array.from({ length: init.window }, async () => {
      while (i < total && Date.now() < deadline) {
        i++;
        await send();
      }
    }),
  );
  return i;
}

async function paced(rate: number, seconds: number): Promise<number> {
  const start = performance.now();
  let sent = 0;
  let inFlight = 0;
  for (;;) {
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= seconds) break;
    const due = Math.floor(elapsed * rate) - sent;
    for (let k = 0; k < due && inFlight < init.window; k++) {
      inFlight++;
      sent++;
      void publishOne(true).finally(() => inFlight--);
    }
    await sleep(1);
  }
  while (inFlight > 0) await sleep(1);
  return sent;
}

parentPort!.on('message', async (cmd: LoadCommand) => {
  const t0 = performance.now();
  let sent = 0;
  samples = [];
  if (cmd.kind === 'ceiling') {
    // bare JetStream publish loop of the same message size into a scratch stream
    const data = encodeMessage(
      v1.PresenceReported,
      v1.PresenceReported.create({
        deviceId: 'DEV0',
        extension: ext(0),
        counter: 1,
        sentAtMs: Date.now(),
        receivedAtMs: Date.now(),
        connected: { ssid: 'Corp', bssid: APS[0]!, rssiDbm: -50 },
        visible: [{ ssid: 'Guest', bssid: '11:22:33:44:55:66', rssiDbm: -70 }],
      }),
      'PresenceReported',
    );
    let i = 0;
    sent = await windowed(Number.MAX_SAFE_INTEGER, cmd.seconds, () =>
      js.publish(`${init.prefix}.ceiling.${i++ % 1000}`, data),
    );
  } else if (cmd.kind === 'paced') sent = await paced(cmd.rate, cmd.seconds);
  else sent = await windowed(cmd.count, 3600, () => publishOne(false));
  const done: LoadDone = { sent, seconds: (performance.now() - t0) / 1000, samples };
  parentPort!.postMessage(done);
});
parentPort!.postMessage('ready');
