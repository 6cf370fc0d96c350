// A network namespace of the test's own, joined to the host by a veth pair with a private /30
// (10.213.x.y): a program run inside it (`exec`) reaches the host at `hostAddress`, from `lanAddress`,
// the way another PC on the office LAN would. Traffic stays on this machine. Needs root and
// iproute2's `ip netns`; fails with a line saying which is missing (CI runs as root).
import { spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';

export interface LanNamespace {
  readonly name: string;
  /** The host's end of the veth pair: what the "other PC" opens. */
  readonly hostAddress: string;
  /** The namespace's end: the "other PC". */
  readonly lanAddress: string;
  /** Writes an executable script that runs `program` inside the namespace with its arguments. */
  wrapper(path: string, program: string): string;
  /** Idempotent; also runs at process exit if the test never got to it. */
  remove(): void;
}

function ip(...args: string[]): string {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  if (run.error) throw new Error(`ip ${args.join(' ')}: ${run.error.message} (apt-get install -y iproute2)`);
  if (run.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${run.stderr.trim()}`);
  return run.stdout;
}

export function assertNamespacesAvailable(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'this test opens the console from another machine, simulated by a network namespace: it needs root ' +
        `(ip netns add), but runs as uid ${process.getuid?.()}. Run it as root (CI does) or with sudo.`,
    );
  }
  try {
    ip('netns', 'list');
  } catch (err) {
    throw new Error(`\`ip netns\` is unavailable: ${(err as Error).message}`);
  }
}

export function createLanNamespace(): LanNamespace {
  assertNamespacesAvailable();
  const tag = randomBytes(3).toString('hex');
  const name = `sa-lan-${tag}`;
  const hostIf = `salan${tag}h`; // interface names: at most 15 characters
  const lanIf = `salan${tag}n`;
  const inUse = ip('-4', '-o', 'addr', 'show');
  let net: string;
  let tries = 0;
  do net = `10.213.${randomInt(256)}.`;
  while (inUse.includes(`inet ${net}`) && ++tries < 20);
  const base = randomInt(64) * 4;
  const hostAddress = `${net}${base + 1}`;
  const lanAddress = `${net}${base + 2}`;

  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    // deleting the namespace destroys its veth end and, with it, the host's end
    spawnSync('ip', ['link', 'del', hostIf], { stdio: 'ignore' });
    spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  };
  process.once('exit', remove);

  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', lanIf);
    ip('link', 'set', lanIf, 'netns', name);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', name, 'addr', 'add', `${lanAddress}/30`, 'dev', lanIf);
    ip('-n', name, 'link', 'set', lanIf, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (err) {
    remove();
    throw err;
  }

  return {
    name,
    hostAddress,
    lanAddress,
    wrapper(path, program) {
      writeFileSync(path, `#!/bin/sh\nexec ip netns exec '${name}' '${program}' "$@"\n`);
      chmodSync(path, 0o755);
      return path;
    },
    remove,
  };
}
