// Port knocking as the original app did: three ports, left to right, before the real packet.
// Obscurity only (docs/protocol.md section 10).
import { createSocket } from 'node:dgram';
import { isIP, Socket } from 'node:net';

export type KnockProtocol = 'udp' | 'tcp';

export interface KnockOptions {
  readonly host: string;
  readonly ports: readonly number[];
  readonly protocol: KnockProtocol;
  /** pause between knocks */
  readonly delayMs: number;
}

export function parseKnockPorts(spec: string): number[] {
  const ports = spec.split(',').map((p) => Number(p.trim()));
  if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new Error(`knock sequence must be comma-separated ports, got "${spec}"`);
  }
  return ports;
}

/** Sends one knock; resolves once the packet has left (UDP) or the attempt has started (TCP). */
export type KnockSender = (host: string, port: number, protocol: KnockProtocol) => Promise<void> | void;

const sendKnock: KnockSender = (host, port, protocol) =>
  protocol === 'udp' ? knockUdp(host, port) : knockTcp(host, port);

/** Each knock is sent only after the previous one has left and delayMs has passed, so knockd sees them in order. */
export async function knock(options: KnockOptions, send: KnockSender = sendKnock): Promise<void> {
  for (const port of options.ports) {
    await send(options.host, port, options.protocol);
    await new Promise((r) => setTimeout(r, options.delayMs));
  }
}

function knockUdp(host: string, port: number): Promise<void> {
  const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
  return new Promise((resolve) => {
    socket.send(new Uint8Array(1), port, host, () => {
      socket.close();
      resolve();
    });
  });
}

/** A connect attempt sends the SYN knockd watches for; we never wait for (or care about) the answer. */
function knockTcp(host: string, port: number): void {
  const socket = new Socket();
  socket.on('error', () => {});
  socket.setTimeout(200, () => socket.destroy());
  socket.connect({ host, port }, () => socket.destroy());
}
