import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@sa/platform';
import { LivenessSweep } from './liveness-sweep.js';

/** The liveness set as a sorted list of [member, last seen]; the sweep's view of Redis. */
function livenessSet(entries: [string, number][]) {
  const set = new Map(entries);
  const sorted = () => [...set].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  return {
    set,
    quiet: {
      async expired(cutoffMs: number, offset: number, limit: number) {
        return sorted()
          .filter(([, at]) => at <= cutoffMs)
          .slice(offset, offset + limit)
          .map(([member]) => {
            const [extension, recordId] = member.split('/') as [string, string];
            return { extension, recordId, member };
          });
      },
      async forget(members: readonly string[], cutoffMs: number) {
        for (const m of members) if ((set.get(m) ?? Number.POSITIVE_INFINITY) <= cutoffMs) set.delete(m);
      },
    },
  };
}

test('given more timed-out entries of partitions another router owns than one page, when this router sweeps, then its own timeouts behind them are found', async () => {
  // 1,200 expired entries of "other" users first (oldest), then 3 of this router's
  const entries: [string, number][] = [];
  for (let i = 0; i < 1200; i++) entries.push([`9${i}/d${i}`, 1000 + i]);
  for (let i = 0; i < 3; i++) entries.push([`2${i}/m${i}`, 5000 + i]);
  const { set, quiet } = livenessSet(entries);
  const reevaluated: string[] = [];
  const sweep = new LivenessSweep({
    quiet,
    clock: () => 100_000,
    presenceTimeoutMs: 60_000,
    intervalMs: 1000,
    owns: (ext) => ext.startsWith('2'),
    reevaluate: async (exts) => void reevaluated.push(...exts),
    logger: createLogger('router', 'silent'),
  });
  assert.equal(await sweep.sweep(), 3);
  assert.deepEqual(reevaluated.sort(), ['20', '21', '22']);
  assert.equal(set.size, 1200, "the other router's entries stay for their owner");
});
