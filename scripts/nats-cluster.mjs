#!/usr/bin/env node
// A local NATS cluster to try NATS_REPLICAS=3 with (docs/operations.md, "NATS cluster"):
//   node scripts/nats-cluster.mjs start [--nodes 3] [--dir DIR]   prints NATS_URL=... and the dir
//   node scripts/nats-cluster.mjs stop --dir DIR                  stops the nodes, removes DIR
// Each node is a nats-server on loopback ports with JetStream and its own store under DIR, routed to
// the others; start returns once the JetStream meta leader is elected. The nodes keep running after
// this script exits. Tests start the same cluster through @sa/testkit's startNatsCluster (needs
// `npm run build` once, like `npm start`).
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { nodes: { type: 'string', default: '3' }, dir: { type: 'string' } },
});
const { removeWorkDir, startNatsCluster } = await import('@sa/testkit');

switch (positionals[0]) {
  case 'start': {
    const cluster = await startNatsCluster({
      nodes: Number(values.nodes),
      reap: false,
      ...(values.dir ? { dir: values.dir } : {}),
    });
    for (const n of cluster.nodes)
      console.log(
        `${n.name}: ${n.url} (cluster port ${n.clusterPort}, monitor http://127.0.0.1:${n.monitorPort})`,
      );
    console.log(`NATS_URL=${cluster.natsUrl}`);
    console.log(`stop: node scripts/nats-cluster.mjs stop --dir ${cluster.dir}`);
    break;
  }
  case 'stop':
    if (!values.dir) throw new Error('stop needs --dir (the directory start printed)');
    // SIGTERM first: each node flushes its JetStream store (SIGKILL after 10 s)
    await removeWorkDir(values.dir, 10_000);
    console.log(`stopped the nodes of ${values.dir}`);
    break;
  default:
    console.error('usage: node scripts/nats-cluster.mjs start [--nodes 3] [--dir DIR] | stop --dir DIR');
    process.exit(2);
}
