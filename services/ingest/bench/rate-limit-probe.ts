// CPU probe of the per-address rate-limit table (TokenBucketTable) at its default bound (100k
// addresses), where it sits on every accepted packet. Two workloads:
// - flood: every take comes from an address not seen before (the table evicts on every take);
// - mixed: addresses drawn from a population 1.5 times the table's bound.
// Baseline, same run: one Map get + set per take with no bound (the floor for any keyed table).
// Prints one JSON line: µs per take for each.
//   node --import tsx services/ingest/bench/rate-limit-probe.ts
import { TokenBucketTable } from '../src/domain/token-bucket-table.js';

const BOUND = Number(process.env.PROBE_TABLE_SIZE ?? 100_000);
const TAKES = Number(process.env.PROBE_TAKES ?? 1_000_000);
const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const flood = Array.from({ length: TAKES }, (_, i) => address(i + BOUND));
const mixed = Array.from({ length: TAKES }, () => address(Math.floor(Math.random() * BOUND * 1.5)));

function usPerTake(take: (id: string, now: number) => unknown, ids: readonly string[]): number {
  const t0 = performance.now();
  for (let i = 0; i < ids.length; i++) take(ids[i]!, i);
  return Math.round(((performance.now() - t0) * 1000 * 100) / ids.length) / 100;
}

function table(): TokenBucketTable {
  const t = new TokenBucketTable({ perSecond: 100, burst: 200, maxEntries: BOUND });
  for (let i = 0; i < BOUND; i++) t.take(address(i), 0); // full: every new address evicts
  return t;
}

function bareMap(): (id: string, now: number) => void {
  const m = new Map<string, { lastMs: number }>();
  return (id, now) => {
    const b = m.get(id);
    if (b) b.lastMs = now;
    else m.set(id, { lastMs: now });
  };
}

const floodTable = table();
const mixedTable = table();
const result = {
  tableSize: BOUND,
  takes: TAKES,
  floodUsPerTake: usPerTake((id, now) => floodTable.take(id, now), flood),
  mixedUsPerTake: usPerTake((id, now) => mixedTable.take(id, now), mixed),
  baselineFloodUsPerTake: usPerTake(bareMap(), flood),
  baselineMixedUsPerTake: usPerTake(bareMap(), mixed),
  sizeAfter: floodTable.size,
};
console.log(JSON.stringify(result));
