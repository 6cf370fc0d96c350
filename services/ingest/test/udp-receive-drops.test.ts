// Kernel UDP receive drops on the real intake socket: with a tiny receive buffer and ingest's event
// loop held up, a burst of datagrams overflows the socket; every datagram is then either handled
// (counted as a rejection) or counted in sa_ingest_udp_receive_drops_total.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { eventually, IngestFixture, type IngestInstance } from '../src/test-support/ingest-fixture.js';

const SENT = 3000;

describe('kernel UDP receive drops', { skip: process.platform !== 'linux' && 'reads /proc/net/udp' }, () => {
  let fx: IngestFixture;
  let ingest: IngestInstance;

  before(async () => {
    fx = await IngestFixture.create();
    ingest = await fx.startInstance({ UDP_RECV_BUFFER_BYTES: '4096', LOG_LEVEL: 'error' });
  });
  after(() => fx.close());

  const metricValue = async (name: string) => {
    const metric = ingest.app.metrics.getSingleMetric(name);
    assert.ok(metric, `${name} is registered`);
    return (await metric.get()).values.reduce((sum, v) => sum + v.value, 0);
  };

  it('given ingest busy while 3000 datagrams arrive, when the buffer overflows, then the kernel drops are on /metrics and drops + handled = sent', async () => {
    assert.equal(await metricValue('sa_ingest_udp_receive_drops_total'), 0);
    const sender = spawn(
      process.execPath,
      [
        '-e',
        `const s = require('node:dgram').createSocket('udp4');
         process.stdout.write('ready\\n');
         setTimeout(() => {
           let n = 0;
           const next = () => { if (n++ < ${SENT}) s.send(Buffer.alloc(100, 0xff), ${ingest.port}, '127.0.0.1', next); else s.close(); };
           next();
         }, 200);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(sender.stdout!, 'data');
    // hold this process (ingest's event loop) while the sender fills the socket
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2500);
    await once(sender, 'exit');
    const handled = () => ingest.rejected('bad_header');
    const drops = () => metricValue('sa_ingest_udp_receive_drops_total');
    await eventually(
      async () => (await handled()) + (await drops()) === SENT,
      5000,
      'every datagram accounted for',
    );
    assert.ok((await drops()) > 0, 'some were dropped by the kernel');
    const text = await ingest.app.metrics.metrics();
    assert.match(text, /^sa_ingest_udp_receive_drops_total\{service="ingest"\} [1-9]\d*$/m);
  });
});
