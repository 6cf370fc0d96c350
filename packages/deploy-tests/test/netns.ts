// A two-namespace test network (server + client joined by a veth pair) that a test creates and always
// deletes. Addresses come from the documentation range 192.0.2.0/24 and exist only inside these
// namespaces; nothing on the host's own network changes.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { requireTool, run } from './helpers.js';

export const serverAddress = '192.0.2.1';
export const clientAddress = '192.0.2.2';
export const otherClientAddress = '192.0.2.3';

export interface TestNetwork {
  readonly server: string;
  readonly client: string;
  readonly serverInterface: string;
  /** Runs a command inside a namespace and returns its output; throws if it exits non-zero. */
  exec(ns: string, cmd: string, args: readonly string[]): string;
  /** Starts a long-running process inside a namespace; its stdout lines are collected. */
  start(ns: string, cmd: string, args: readonly string[]): RunningProcess;
  destroy(): void;
}

export interface RunningProcess {
  readonly lines: string[];
  readonly child: ChildProcess;
  stop(): void;
}

const ip = () => requireTool('ip', 'iproute2');

/**
 * Creates the namespaces, or throws an error that says plainly why this machine cannot (the test then
 * fails: it never pretends to pass).
 */
export function createTestNetwork(): TestNetwork {
  const id = randomBytes(3).toString('hex');
  const server = `sa-knock-s-${id}`;
  const client = `sa-knock-c-${id}`;
  const serverInterface = `sak${id}s`;
  const clientInterface = `sak${id}c`;
  const processes: RunningProcess[] = [];
  const must = (args: string[]) => {
    const r = run(ip(), args);
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
  };
  const probe = run(ip(), ['netns', 'add', server]);
  if (probe.status !== 0) {
    throw new Error(
      `CANNOT TEST PORT KNOCKING HERE: creating a network namespace failed (needs root with CAP_NET_ADMIN/CAP_SYS_ADMIN): ${probe.stderr.trim()}`,
    );
  }
  const network: TestNetwork = {
    server,
    client,
    serverInterface,
    exec(ns, cmd, args) {
      const r = run(ip(), ['netns', 'exec', ns, cmd, ...args]);
      if (r.status !== 0)
        throw new Error(`${cmd} ${args.join(' ')} in ${ns} failed (${r.status}): ${r.stderr.trim()}`);
      return r.stdout;
    },
    start(ns, cmd, args) {
      const child = spawn(ip(), ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines: string[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
      createInterface({ input: child.stderr }).on('line', (line) => lines.push(`stderr: ${line}`));
      const proc: RunningProcess = {
        lines,
        child,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        },
      };
      processes.push(proc);
      return proc;
    },
    destroy() {
      for (const p of processes) p.stop();
      run(ip(), ['netns', 'del', client]);
      run(ip(), ['netns', 'del', server]);
    },
  };
  try {
    must(['netns', 'add', client]);
    must(['link', 'add', serverInterface, 'type', 'veth', 'peer', 'name', clientInterface]);
    must(['link', 'set', serverInterface, 'netns', server]);
    must(['link', 'set', clientInterface, 'netns', client]);
    must(['-n', server, 'addr', 'add', `${serverAddress}/24`, 'dev', serverInterface]);
    must(['-n', client, 'addr', 'add', `${clientAddress}/24`, 'dev', clientInterface]);
    must(['-n', client, 'addr', 'add', `${otherClientAddress}/24`, 'dev', clientInterface]);
    for (const ns of [server, client]) must(['-n', ns, 'link', 'set', 'lo', 'up']);
    must(['-n', server, 'link', 'set', serverInterface, 'up']);
    must(['-n', client, 'link', 'set', clientInterface, 'up']);
  } catch (error) {
    network.destroy();
    throw error;
  }
  return network;
}
