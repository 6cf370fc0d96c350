// A local NATS cluster: N nats-server processes on loopback ports, JetStream on each with its own
// store directory under one working directory, full-mesh cluster routes. Used by tests and the
// chaos run (start it, kill a node, stop it).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePorts,
  type LocalServer,
  reapWhenGone,
  removeWorkDir,
  startLocalServer,
  waitForLog,
  workDir,
} from './local-servers.js';
import { waitFor } from './wait.js';

export interface NatsClusterNode {
  readonly name: string;
  readonly url: string;
  readonly clientPort: number;
  readonly clusterPort: number;
  readonly monitorPort: number;
  readonly server: LocalServer;
}

export interface NatsCluster {
  readonly dir: string;
  readonly nodes: readonly NatsClusterNode[];
  /** every node's client URL: give them all to the client so it can move to another node */
  readonly urls: readonly string[];
  /** NATS_URL for the services: the URLs comma-separated */
  readonly natsUrl: string;
  /** The JetStream meta leader's server name, as the first node that answers tells it. */
  metaLeader(): Promise<string | undefined>;
  /** SIGKILL one node (no goodbye to its peers or clients). */
  kill(index: number): Promise<void>;
  /** Starts a stopped or killed node again with its store directory, and waits for the meta leader. */
  restart(index: number): Promise<void>;
  /** Stops every node and removes the working directory. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartNatsClusterOptions {
  /** number of nodes (default 3: JetStream's R3 needs three) */
  readonly nodes?: number;
  /** working directory (default a new one under the temp dir) */
  readonly dir?: string;
  /** kill the cluster when this process exits without stopping it (tests; default true) */
  readonly reap?: boolean;
  readonly timeoutMs?: number;
}

function natsServerBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v nats-server || ls /usr/sbin/nats-server'], {
    encoding: 'utf8',
  });
  const binary = found.stdout.trim().split('\n')[0];
  if (found.status !== 0 || !binary)
    throw new Error('nats-server is not installed (apt-get install nats-server)');
  return binary;
}

/** One node's configuration: client, cluster and monitoring ports, its own JetStream store. */
function nodeConfig(dir: string, node: Omit<NatsClusterNode, 'server' | 'url'>, routes: number[]): string {
  return [
    `server_name: ${node.name}`,
    `listen: 127.0.0.1:${node.clientPort}`,
    `http: 127.0.0.1:${node.monitorPort}`,
    `jetstream { store_dir: "${join(dir, node.name)}" }`,
    'cluster {',
    '  name: sa-local',
    `  listen: 127.0.0.1:${node.clusterPort}`,
    `  routes: [${routes.map((p) => `nats-route://127.0.0.1:${p}`).join(', ')}]`,
    '}',
    '',
  ].join('\n');
}

interface MetaCluster {
  leader?: string;
  cluster_size?: number;
  replicas?: { name: string; current?: boolean; offline?: boolean }[];
}

/** A node's view of the JetStream meta group (undefined: the node does not answer). */
async function metaOf(monitorPort: number): Promise<MetaCluster | undefined> {
  const res = await fetch(`http://127.0.0.1:${monitorPort}/jsz`);
  if (!res.ok) return undefined;
  return ((await res.json()) as { meta_cluster?: MetaCluster }).meta_cluster;
}

/** True once a node reports a meta leader and every other node as a current, online peer. */
async function metaReady(monitorPort: number, size: number): Promise<boolean> {
  const meta = await metaOf(monitorPort);
  if (!meta?.leader || meta.cluster_size !== size) return false;
  if (size === 1) return true;
  // the leader alone lists its followers; the followers' view is checked through the leader
  const followers = meta.replicas ?? [];
  return followers.length === size - 1 && followers.every((r) => r.current && !r.offline);
}

async function waitForMetaLeader(nodes: readonly NatsClusterNode[], timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      for (const n of nodes) if (await metaReady(n.monitorPort, nodes.length).catch(() => false)) return true;
      return false;
    },
    { timeoutMs, intervalMs: 100, what: 'the JetStream meta leader with every peer current' },
  );
}

export async function startNatsCluster(options: StartNatsClusterOptions = {}): Promise<NatsCluster> {
  const size = options.nodes ?? 3;
  if (!Number.isInteger(size) || size < 1 || size > 9) throw new Error('a cluster has 1..9 nodes');
  const timeoutMs = options.timeoutMs ?? 20_000;
  const binary = natsServerBinary();
  const dir = options.dir ?? workDir('nats-cluster');
  if (options.reap ?? true) reapWhenGone(dir);
  const ports = await freePorts(size * 3);
  const specs = Array.from({ length: size }, (_, i) => ({
    name: `n${i + 1}`,
    clientPort: ports[i * 3]!,
    clusterPort: ports[i * 3 + 1]!,
    monitorPort: ports[i * 3 + 2]!,
  }));
  const configs = specs.map((s) => {
    const file = join(dir, `${s.name}.conf`);
    const routes = specs.filter((o) => o !== s).map((o) => o.clusterPort);
    writeFileSync(file, nodeConfig(dir, s, routes));
    return file;
  });
  const launch = (i: number) => startLocalServer(dir, specs[i]!.name, binary, ['-c', configs[i]!]);
  const nodes: NatsClusterNode[] = specs.map((s, i) => ({
    ...s,
    url: `nats://127.0.0.1:${s.clientPort}`,
    server: launch(i),
  }));
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.server.stop()));
    await removeWorkDir(dir);
  };
  try {
    await Promise.all(nodes.map((n) => waitForLog(n.server, /Server is ready/, timeoutMs)));
    await waitForMetaLeader(nodes, timeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  const urls = nodes.map((n) => n.url);
  return {
    dir,
    nodes,
    urls,
    natsUrl: urls.join(','),
    metaLeader: async () => {
      for (const n of nodes) {
        const leader = (await metaOf(n.monitorPort).catch(() => undefined))?.leader;
        if (leader) return leader;
      }
      return undefined;
    },
    kill: (i) => nodes[i]!.server.kill(),
    restart: async (i) => {
      await nodes[i]!.server.stop();
      const server = launch(i);
      nodes[i] = { ...nodes[i]!, server };
      await waitForLog(server, /Server is ready/, timeoutMs);
      await waitForMetaLeader(nodes, timeoutMs);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
