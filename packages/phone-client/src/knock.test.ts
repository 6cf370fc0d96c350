import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { describe, it } from 'node:test';
import { knock, parseKnockPorts } from './knock.js';

async function udpListeners(n: number): Promise<{ sockets: Socket[]; ports: number[]; hits: number[] }> {
  const hits: number[] = [];
  const sockets = await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const s = createSocket('udp4');
      s.on('message', () => hits.push(i));
      return new Promise<Socket>((r) => s.bind(0, '127.0.0.1', () => r(s)));
    }),
  );
  return { sockets, ports: sockets.map((s) => s.address().port), hits };
}

describe('knock', () => {
  it('given three UDP ports, when knocking, then they are hit left to right', async () => {
    const { sockets, ports, hits } = await udpListeners(3);
    const reversed = [...ports].reverse();
    await knock({ host: '127.0.0.1', ports: reversed, protocol: 'udp', delayMs: 20 });
    const deadline = Date.now() + 2000;
    while (hits.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(hits, [2, 1, 0]);
    for (const s of sockets) s.close();
  });

  it('given TCP ports, when knocking, then each sees a connection attempt in order', async () => {
    const hits: number[] = [];
    const servers: Server[] = await Promise.all(
      [0, 1, 2].map(
        (i) =>
          new Promise<Server>((r) => {
            const srv = createServer((sock) => {
              hits.push(i);
              sock.destroy();
            });
            srv.listen(0, '127.0.0.1', () => r(srv));
          }),
      ),
    );
    const ports = servers.map((s) => (s.address() as { port: number }).port);
    await knock({ host: '127.0.0.1', ports, protocol: 'tcp', delayMs: 30 });
    const deadline = Date.now() + 2000;
    while (hits.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(hits, [0, 1, 2]);
    for (const s of servers) s.close();
  });

  it('given a bad sequence, when parsed, then it is refused', () => {
    assert.deepEqual(parseKnockPorts('30000,30500,31000'), [30000, 30500, 31000]);
    assert.throws(() => parseKnockPorts('30000,abc'));
    assert.throws(() => parseKnockPorts('70000'));
  });
});
