// Sends one envelope over UDP or HTTP and returns the raw reply bytes (null: no answer in time).
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';

export type TransportKind = 'udp' | 'http';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly transport: TransportKind;
  /** HTTP only: full URL overriding host/port (e.g. behind a TLS proxy) */
  readonly url?: string;
}

export async function sendPacket(
  endpoint: Endpoint,
  packets: Uint8Array[],
  timeoutMs: number,
): Promise<Uint8Array[]> {
  return endpoint.transport === 'udp'
    ? sendUdp(endpoint, packets, timeoutMs)
    : Promise.all(packets.map((p) => sendHttp(endpoint, p, timeoutMs))).then((r) =>
        r.filter((x): x is Uint8Array => x !== null),
      );
}

/** Sends every packet from one socket and collects replies until `timeoutMs` after the last send. */
async function sendUdp(endpoint: Endpoint, packets: Uint8Array[], timeoutMs: number): Promise<Uint8Array[]> {
  const socket = createSocket(isIP(endpoint.host) === 6 ? 'udp6' : 'udp4');
  const replies: Uint8Array[] = [];
  socket.on('message', (msg) => replies.push(new Uint8Array(msg)));
  socket.on('error', () => {});
  try {
    for (const p of packets) {
      await new Promise<void>((resolve, reject) =>
        socket.send(p, endpoint.port, endpoint.host, (err) => (err ? reject(err) : resolve())),
      );
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && replies.length < packets.length) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return replies;
  } finally {
    socket.close();
  }
}

async function sendHttp(
  endpoint: Endpoint,
  packet: Uint8Array,
  timeoutMs: number,
): Promise<Uint8Array | null> {
  const url =
    endpoint.url ??
    `http://${isIP(endpoint.host) === 6 ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}/v1/phone`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: packet,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = new Uint8Array(await res.arrayBuffer());
  return res.status === 200 ? body : null;
}
