// What the ingest benches read about a process under load, and how they summarise latencies.

import { readFileSync } from 'node:fs';

/** user + system CPU of a process in microseconds (clock ticks of 10 ms) */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** resident memory of a process in MB */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** the q-quantile of the first `count` samples, rounded to 0.01 */
export function quantile(samples: Float64Array, count: number, q: number): number {
  if (count === 0) return Number.NaN;
  const sorted = samples.slice(0, count).sort();
  return Math.round(sorted[Math.min(count - 1, Math.floor(q * count))]! * 100) / 100;
}
