// The UDP intake: feeds datagrams to the handler and sends back what it returns (never more
// bytes than arrived). Bounded: beyond `maxPending` packets in progress, datagrams are dropped.
import { createSocket, type Socket } from 'node:dgram';

export type DatagramHandler = (packet: Uint8Array, src: string) => Promise<Uint8Array | null>;

export interface UdpServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface UdpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly recvBufferBytes: number;
  readonly maxPending: number;
  readonly onOverload: (src: string) => void;
}

export async function startUdpServer(
  options: UdpServerOptions,
  handler: DatagramHandler,
): Promise<UdpServer> {
  const type = options.host.includes(':') ? 'udp6' : 'udp4';
  const socket: Socket = createSocket({ type, recvBufferSize: options.recvBufferBytes, reuseAddr: false });
  let pending = 0;
  let closed = false;
  socket.on('message', (msg, rinfo) => {
    const src = rinfo.address;
    if (pending >= options.maxPending) {
      options.onOverload(src);
      return;
    }
    pending++;
    handler(msg, src).then(
      (reply) => {
        pending--;
        if (reply && !closed && reply.length <= msg.length) socket.send(reply, rinfo.port, rinfo.address);
      },
      () => {
        pending--;
      },
    );
  });
  socket.on('error', () => {}); // send errors (ICMP unreachable) must not crash the process
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: options.host, port: options.port, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  try {
    socket.setRecvBufferSize(options.recvBufferBytes);
  } catch {
    // the kernel caps it (net.core.rmem_max); the bind-time size stays
  }
  const addr = socket.address();
  return {
    address: `${addr.address}:${addr.port}`,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        socket.close(() => resolve());
      }),
  };
}
