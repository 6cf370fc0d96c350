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
  // Which of three sockets a loaded event loop reads first says nothing about the order on the wire,
  // so the real sockets prove each port gets one datagram and the recording sender proves the order.
  it('given three UDP ports, when knocking, then each receives exactly one datagram', async () => {
    const { sockets, ports, hits } = await udpListeners(3);
    await knock({ host: '127.0.0.1', ports: [...ports].reverse(), protocol: 'udp', delayMs: 5 });
    const deadline = Date.now() + 5000;
    while (hits.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual([...hits].sort(), [0, 1, 2]);
    for (const s of sockets) s.close();
  });

  it('given a slow network, when knocking, then each knock starts only after the previous one left and the delay passed', async () => {
    const events: string[] = [];
    let lastDone = 0;
    const gaps: number[] = [];
    await knock(
      { host: '192.0.2.1', ports: [30000, 30500, 31000], protocol: 'udp', delayMs: 15 },
      async (host, port) => {
        if (lastDone) gaps.push(performance.now() - lastDone);
        events.push(`start ${host}:${port}`);
        await new Promise((r) => setTimeout(r, 10));
        events.push(`sent ${port}`);
        lastDone = performance.now();
      },
    );
    assert.deepEqual(events, [
      'start 192.0.2.1:30000',
      'sent 30000',
      'start 192.0.2.1:30500',
      'sent 30500',
      'start 192.0.2.1:31000',
      'sent 31000',
    ]);
    assert.ok(
      gaps.every((g) => g >= 14),
      `gaps between knocks ${gaps.join(', ')} ms`,
    );
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
