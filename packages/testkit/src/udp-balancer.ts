// A UDP load balancer a test puts in front of several instances of a service (ingest): every datagram
// goes to the next backend in turn, round-robin per datagram, the harshest spreading a real balancer can
// do (nginx's stream module and a Kubernetes Service keep a client on one backend while its flow lasts).
// Each client gets its own upstream socket per backend, so a backend's reply finds its way back to the
// client that sent the request. Like nginx without `transparent`, the backends see the balancer's
// address as the sender.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export interface UdpBackend {
  readonly host: string;
  readonly port: number;
}

export interface UdpBalancer {
  readonly port: number;
  /** datagrams sent to each backend, in the order the backends were given */
  readonly forwarded: readonly number[];
  /** the backend the last datagram went to (index into the backends) */
  readonly lastBackend: number;
  close(): Promise<void>;
}

function bind(socket: Socket, host: string, port = 0): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

export async function startUdpBalancer(
  backends: readonly UdpBackend[],
  options: { host?: string } = {},
): Promise<UdpBalancer> {
  if (backends.length === 0) throw new Error('a balancer needs at least one backend');
  const host = options.host ?? '127.0.0.1';
  const front = createSocket('udp4');
  const upstreams = new Map<string, Promise<Socket>>();
  const forwarded = backends.map(() => 0);
  let next = 0;
  let last = -1;

  /** the socket that talks to `backend` for `client`; what comes back on it goes to the client */
  const upstreamFor = (client: RemoteInfo, backend: number): Promise<Socket> => {
    const key = `${client.address}:${client.port}>${backend}`;
    let socket = upstreams.get(key);
    if (!socket) {
      const upstream = createSocket('udp4');
      upstream.on('message', (reply) => front.send(reply, client.port, client.address));
      upstream.on('error', () => upstream.close());
      socket = bind(upstream, host).then(() => upstream);
      upstreams.set(key, socket);
    }
    return socket;
  };

  front.on('message', (datagram, client) => {
    const backend = next;
    next = (next + 1) % backends.length;
    last = backend;
    forwarded[backend] = (forwarded[backend] ?? 0) + 1;
    const target = backends[backend] as UdpBackend;
    void upstreamFor(client, backend).then((socket) => socket.send(datagram, target.port, target.host));
  });
  await bind(front, host);

  return {
    port: front.address().port,
    forwarded,
    get lastBackend() {
      return last;
    },
    async close() {
      const sockets = [front, ...(await Promise.all(upstreams.values()))];
      await Promise.all(sockets.map(closeQuietly));
    },
  };
}

/** Closes a socket that may have closed already (after an error). */
function closeQuietly(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
