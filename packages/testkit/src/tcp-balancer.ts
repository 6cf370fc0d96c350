// A TCP load balancer a test puts in front of several instances of a service (admin behind its
// balancer): each new connection goes to the next backend in turn. A client that opens one connection
// per request (node:http with `agent: false`) therefore alternates between the backends request by
// request, as a balancer without stickiness may do to a browser.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpBalancer {
  readonly port: number;
  /** connections handed to each backend, in the order the backends were given */
  readonly connections: readonly number[];
  close(): Promise<void>;
}

export async function startTcpBalancer(
  backends: readonly { host: string; port: number }[],
): Promise<TcpBalancer> {
  if (backends.length === 0) throw new Error('a balancer needs at least one backend');
  const connections = backends.map(() => 0);
  const sockets = new Set<Socket>();
  let next = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const index = next;
    next = (next + 1) % backends.length;
    connections[index] = (connections[index] ?? 0) + 1;
    const { host, port } = backends[index] as { host: string; port: number };
    const backend = connect({ host, port });
    track(client);
    track(backend);
    // either side failing or ending takes the other one down with it
    const teardown = () => {
      client.destroy();
      backend.destroy();
    };
    client.once('error', teardown).once('close', teardown);
    backend.once('error', teardown).once('close', teardown);
    client.pipe(backend).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
