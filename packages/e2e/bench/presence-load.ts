// The call bench's fleet (bench-call.ts): phones reporting presence to ingest over UDP at a steady
// rate, in a worker thread so that sealing and sending never run on the main thread, whose PBX model
// takes the call timings. Each device is at one place (a Wi-Fi network); a report moves it to
// another place with probability `moveFraction`. Packets are sealed as a phone seals them
// (@sa/phone-protocol), with each device's own enrolled key, and counted in clock milliseconds
// (docs/protocol.md section 6). Devices report in turn, so each reports every devices/rate seconds.
import { createSocket } from 'node:dgram';
import { parentPort, workerData } from 'node:worker_threads';
import { deriveEnvelopeKey, sealRequest } from '@sa/phone-protocol';
import type { WifiNetwork } from '../src/index.js';

export interface FleetDevice {
  readonly deviceId: string;
  readonly keyId: number;
  readonly secret: string;
  /** index into FleetInit.places where the device starts */
  readonly place: number;
}
export interface FleetInit {
  readonly host: string;
  readonly port: number;
  readonly devices: readonly FleetDevice[];
  readonly places: readonly WifiNetwork[];
  readonly moveFraction: number;
}
/** `rate`: reports per second from now on (0 pauses); `stats`: answer FleetStats; `stop`: close */
export type FleetCommand = { kind: 'rate'; perSec: number } | { kind: 'stats' } | { kind: 'stop' };
export interface FleetStats {
  /** reports sent, replies received (any status), reports that moved their device, since start */
  readonly sent: number;
  readonly replies: number;
  readonly moves: number;
}

const init = workerData as FleetInit;
const devices = init.devices.map((d) => ({
  ...d,
  key: deriveEnvelopeKey(d.secret, d.deviceId),
  at: d.place,
  counter: 0,
}));
const socket = createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
let replies = 0;
socket.on('message', () => {
  replies++;
});
await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
await new Promise<void>((r) => socket.connect(init.port, init.host, () => r()));

let sent = 0;
let moves = 0;
let next = 0;
let perSec = 0;
let since = performance.now();
let sentSince = 0;
let running = true;

function reportOne(): void {
  const d = devices[next++ % devices.length]!;
  if (Math.random() < init.moveFraction) {
    d.at = (d.at + 1 + Math.floor(Math.random() * (init.places.length - 1))) % init.places.length;
    moves++;
  }
  const now = Date.now();
  d.counter = Math.max(now, d.counter + 1);
  const net = init.places[d.at]!;
  socket.send(
    sealRequest({
      key: d.key,
      keyId: d.keyId,
      deviceId: d.deviceId,
      counter: d.counter,
      timestampMs: now,
      body: { presence: { connected: net, visible: [net] } },
    }),
  );
  sent++;
}

async function pace(): Promise<void> {
  while (running) {
    if (perSec > 0) {
      const due = sentSince + Math.floor(((performance.now() - since) / 1000) * perSec);
      if (due - sent > perSec) {
        // this thread was held up for over a second: go on at the rate rather than in a burst
        since = performance.now();
        sentSince = sent;
      } else while (sent < due) reportOne();
    }
    await new Promise((r) => setTimeout(r, 1));
  }
}

parentPort!.on('message', (cmd: FleetCommand) => {
  if (cmd.kind === 'rate') {
    perSec = cmd.perSec;
    since = performance.now();
    sentSince = sent;
  } else if (cmd.kind === 'stats') {
    parentPort!.postMessage({ sent, replies, moves } satisfies FleetStats);
  } else {
    running = false;
    socket.close();
    parentPort!.close();
  }
});
void pace();
parentPort!.postMessage('ready');
