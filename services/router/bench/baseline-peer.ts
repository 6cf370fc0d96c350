// The router bench's baseline: a process doing the router's two paths with no router logic, under
// the same load, so the figures say how much of a latency is the router and how much is this
// machine (NATS, scheduling). It answers requests on `<prefix>.baseline.echo` at once (the call
// path: request in, reply out) and relays every probe published to `<prefix>.baseline.probe.*`
// (a JetStream stream like the phone stream) to the bench's stub as a request on
// `<prefix>.baseline.astdb` (the presence path: JetStream delivery in, AMI command out).
// Prints "ready" on stdout when subscribed.
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export const baselineSubjects = (prefix: string) => ({
  stream: `${prefix.toUpperCase()}_BASELINE`,
  probes: `${prefix}.baseline.probe.>`,
  probe: (n: number) => `${prefix}.baseline.probe.${n}`,
  echo: `${prefix}.baseline.echo`,
  astdb: `${prefix}.baseline.astdb`,
});

if (process.argv[1] === import.meta.filename) {
  const prefix = process.env.BENCH_PREFIX ?? '';
  const s = baselineSubjects(prefix);
  const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  nc.subscribe(s.echo, { callback: (_e, m) => void m.respond(m.data) });
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(s.stream, { durable_name: 'relay', ack_policy: AckPolicy.None });
  const consumer = await jetstream(nc).consumers.get(s.stream, 'relay');
  await consumer.consume({
    callback: (m) => void nc.request(s.astdb, m.data, { timeout: 5000 }).catch(() => {}),
  });
  await nc.flush();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void nc.close().then(() => process.exit(0)));
}
