// Runs the NATS nodes of deploy/compose.cluster.yaml the way their containers do (the resolved `sh -c`
// command and environment), on this machine: the compose host names and container ports become loopback
// ports, /etc/nats the repository's deploy/nats and /data a temporary store. Resolves with the JetStream
// meta leader's name once all nodes agree on it in a cluster of them all.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePorts, waitFor } from '@sa/testkit';
import { deployDir } from './helpers.js';

export interface NatsNodeContainer {
  /** the compose service name, which the other nodes' routes use as host name */
  readonly name: string;
  /** the resolved `command` of the container (run by `/bin/sh -c`) */
  readonly command: string;
  readonly environment: Record<string, string>;
}

export async function runNatsCluster(
  natsServer: string,
  nodes: readonly NatsNodeContainer[],
): Promise<string> {
  const store = mkdtempSync(join(tmpdir(), 'sa-compose-nats-'));
  const ports = await freePorts(nodes.length * 3);
  const at = (i: number) => ({ client: ports[3 * i], route: ports[3 * i + 1], http: ports[3 * i + 2] });
  const children: ChildProcess[] = [];
  try {
    nodes.forEach((node, i) => {
      let command = node.command
        .replaceAll('$$', '$')
        .replace('/etc/nats/', `${join(deployDir, 'nats')}/`)
        .replace('--store_dir /data', `--store_dir ${join(store, node.name)}`)
        .replace('nats://0.0.0.0:6222', `nats://127.0.0.1:${at(i).route}`);
      nodes.forEach((other, j) => {
        command = command.replace(`nats://${other.name}:6222`, `nats://127.0.0.1:${at(j).route}`);
      });
      const child = spawn('/bin/sh', ['-c', `${command} -a 127.0.0.1 -p ${at(i).client} -m ${at(i).http}`], {
        env: { ...node.environment, PATH: `${dirname(natsServer)}:/usr/bin:/bin` },
        stdio: 'ignore',
      });
      children.push(child);
    });
    const leaderSeenBy = async (i: number) => {
      const jsz = (await (await fetch(`http://127.0.0.1:${at(i).http}/jsz`)).json()) as {
        meta_cluster?: { leader?: string; cluster_size?: number };
      };
      return jsz.meta_cluster?.cluster_size === nodes.length ? jsz.meta_cluster.leader : undefined;
    };
    return await waitFor(
      async () => {
        const leaders = await Promise.all(nodes.map((_, i) => leaderSeenBy(i)));
        return leaders[0] && leaders.every((l) => l === leaders[0]) ? leaders[0] : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: `${nodes.length} NATS nodes to elect one meta leader` },
    );
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(store, { recursive: true, force: true });
  }
}
