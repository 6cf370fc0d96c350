// The fleet bench's baseline, measured in the same run: the bare publish ceiling of this machine's NATS.
// A JetStream publish loop (each with a msgID, as ingest publishes) of PresenceReported messages the
// size a fleet phone's report gives, into a scratch stream configured like the phone stream, with the
// in-flight bound ingest uses by default. CPU per message: nats-server and the publisher (this process).
import { randomBytes } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { deleteBusStreams, ensurePhoneStream } from '@sa/platform';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import { PLACES } from './fleet-model.js';
import { cpuMicros } from './process-cpu.js';

const IN_FLIGHT = 1024; // ingest's PUBLISH_MAX_INFLIGHT default

export interface PublishBaseline {
  readonly seconds: number;
  readonly msgsPerSec: number;
  readonly msgBytes: number;
  /** nats-server + publisher */
  readonly cpuUsPerMsg: number;
  readonly natsUsPerMsg: number;
  readonly publisherUsPerMsg: number;
  readonly inFlight: number;
}

export async function measurePublishBaseline(
  natsUrl: string,
  natsPid: number,
  seconds: number,
): Promise<PublishBaseline> {
  const names = busNames(`fleetceil_${randomBytes(3).toString('hex')}`);
  const nc = await connect({ servers: natsUrl });
  try {
    await ensurePhoneStream(nc, names);
    const at = PLACES[0];
    const connected = { ssid: at.ssid, bssid: at.bssids[0]!, rssiDbm: -50 };
    const sample = encodeMessage(
      v1.PresenceReported,
      v1.PresenceReported.create({
        deviceId: 'FLEET0000012345',
        extension: '112345',
        counter: Date.now(),
        sentAtMs: Date.now(),
        receivedAtMs: Date.now(),
        connected,
        visible: [connected, { ssid: at.ssid, bssid: at.bssids[1]!, rssiDbm: -66 }],
        batteryPct: 80,
        sourceIp: '127.0.0.1',
      }),
      'PresenceReported',
    );
    const js = jetstream(nc);
    const subject = names.presence('112345');
    let issued = 0;
    let acked = 0;
    const nats0 = cpuMicros(natsPid);
    const self0 = cpuMicros(process.pid);
    const start = performance.now();
    const worker = async () => {
      while (performance.now() - start < seconds * 1000) {
        await js.publish(subject, sample, { msgID: `ceiling:${issued++}` });
        acked++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const elapsedS = (performance.now() - start) / 1000;
    const nats = cpuMicros(natsPid) - nats0;
    const self = cpuMicros(process.pid) - self0;
    const per = (us: number) => Math.round((us / Math.max(1, acked)) * 10) / 10;
    return {
      seconds: Math.round(elapsedS * 10) / 10,
      msgsPerSec: Math.round(acked / elapsedS),
      msgBytes: sample.length,
      cpuUsPerMsg: per(nats + self),
      natsUsPerMsg: per(nats),
      publisherUsPerMsg: per(self),
      inFlight: IN_FLIGHT,
    };
  } finally {
    await deleteBusStreams(nc, names);
    await nc.close();
  }
}
