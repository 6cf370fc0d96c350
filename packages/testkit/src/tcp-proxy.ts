// A TCP proxy a test puts between a service and a real server (Postgres, say) to take the server
// away and give it back: cut() resets every open connection and refuses new ones, as a restarting
// server does; restore() lets connections through again. hold() makes the server slow instead: new
// connections are accepted but go nowhere (whatever the client sends waits) until release(). The
// real server is never touched.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** the server "goes down": open connections are reset, new ones refused until restore() */
  cut(): void;
  restore(): void;
  /** new connections are accepted and left waiting, unanswered, until release(); open ones still flow */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let down = false;
  let held: Socket[] | null = null;
  const pass = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  };
  const server: Server = createServer((client) => {
    if (down) client.resetAndDestroy();
    else if (held) {
      // paused: what the client sends stays buffered until release() pipes it on
      client.pause();
      held.push(client);
    } else pass(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cut() {
      down = true;
      for (const s of open) s.resetAndDestroy();
      open.clear();
    },
    restore() {
      down = false;
    },
    hold() {
      held ??= [];
    },
    release() {
      const waiting = held ?? [];
      held = null;
      for (const client of waiting) if (!client.destroyed) pass(client);
    },
    async close() {
      for (const s of [...open, ...(held ?? [])]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
