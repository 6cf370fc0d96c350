// What the fleet bench reads about the machine's processes: CPU time from /proc, which process listens
// on a TCP port, and quantiles of latency samples.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** user + system CPU of a process (all its threads) in microseconds; NaN once it is gone */
export function cpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // clock ticks of 10 ms
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU of a process and all its children, live or ended: its own user + system time, the time of
 * the children it has waited for (cutime + cstime), and the live children's own. For a server that
 * forks a process per connection (postgres), so that backends ending in a window are not lost.
 */
export function treeCpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10_000;
    return own + childPids(pid).reduce((sum, child) => sum + (cpuMicros(child) || 0), 0);
  } catch {
    return Number.NaN;
  }
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** CPU time all cores of the machine spent busy (user, nice, system, irq, softirq), in microseconds */
export function machineBusyMicros(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq!) * 10_000;
}

/** resident memory of a process in MB */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * The pid of the process named `name` that listens on TCP `port` (`ss -ltnp`), else the only
 * process of that name (`pgrep -x`); throws when neither tells.
 */
export function listenerPid(name: string, port: number): number {
  try {
    const ss = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
    const m = new RegExp(`\\("${name}",pid=(\\d+)`).exec(ss);
    if (m) return Number(m[1]);
  } catch {
    // no ss, or no permission to see the owner: fall back to the name
  }
  const pids = allPids(name);
  if (pids.length !== 1) throw new Error(`cannot tell which ${name} listens on ${port}: pids ${pids}`);
  return pids[0]!;
}

function allPids(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** The q-quantile of `samples` (sorted in place), rounded to 0.01; NaN when empty. */
export function quantileOf(samples: number[] | Float64Array, q: number): number {
  if (samples.length === 0) return Number.NaN;
  samples.sort((a, b) => a - b);
  return Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]! * 100) / 100;
}
