// A stand-in for ingest's UDP port in client tests: opens each request with the device's own key
// (the same @sa/phone-protocol functions ingest uses), records it, and answers with a chosen status.
// It checks nothing else (no replay window, no admin): the real ingest has its own tests.
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import {
  deriveEnvelopeKey,
  openRequest,
  type PhoneRequest,
  parseEnvelope,
  sealReply,
} from '@sa/phone-protocol';
import { v1 } from '@sa/proto';

export interface FakeIngest {
  readonly port: number;
  /** every request that opened, answered or not */
  readonly requests: PhoneRequest[];
  /** the status of the next replies; 'silent' answers nothing (a server that is down) */
  status: number | 'silent';
  close(): Promise<void>;
}

export async function startFakeIngest(deviceId: string, secret: string): Promise<FakeIngest> {
  const key = deriveEnvelopeKey(secret, deviceId);
  const socket = createSocket('udp4');
  const ingest: FakeIngest = {
    port: 0,
    requests: [],
    status: v1.ReplyStatus.REPLY_STATUS_OK,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (packet, from) => {
    const parsed = parseEnvelope(packet);
    if (!parsed.ok) return;
    const opened = openRequest(key, packet, parsed);
    if (!opened.ok) return;
    ingest.requests.push(opened.request);
    if (ingest.status === 'silent') return;
    const reply = sealReply({
      key,
      request: parsed.header,
      reply: { status: ingest.status },
      nowMs: Date.now(),
      budget: packet.length,
    });
    if (reply) socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return Object.assign(ingest, { port: (socket.address() as AddressInfo).port });
}
