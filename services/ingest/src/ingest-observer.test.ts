import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, createMetricsRegistry } from '@sa/platform';
import { MetricsIngestObserver } from './ingest-observer.js';

function observer(options: { perSec?: number; totalPerSec?: number; tableSize?: number } = {}) {
  let now = 1_000_000;
  const lines: Array<{ event: string; src?: string; transport?: string; count?: number }> = [];
  const logger = createLogger('ingest', 'info', { write: (l: string) => void lines.push(JSON.parse(l)) });
  const registry = createMetricsRegistry('ingest');
  const obs = new MetricsIngestObserver(registry, logger, {
    rejectLogPerSec: options.perSec ?? 20,
    rejectLogTotalPerSec: options.totalPerSec ?? 100,
    rejectLogTableSize: options.tableSize ?? 10_000,
    nowMs: () => now,
  });
  const rejectedTotal = async () =>
    (await registry.getSingleMetric('sa_ingest_packets_rejected_total')!.get()).values.reduce(
      (sum, v) => sum + v.value,
      0,
    );
  return {
    obs,
    lines,
    rejectedTotal,
    advance: (ms: number) => {
      now += ms;
    },
    from: (src: string, transport?: string) =>
      lines.filter(
        (l) => l.event === 'packet_rejected' && l.src === src && (!transport || l.transport === transport),
      ),
  };
}

describe('MetricsIngestObserver rejection log', () => {
  it('given one address flooding 20k rejections over a second, when another sends 20, then all 20 of the other are logged and the flood only within its own limit', async () => {
    const o = observer();
    let b = 0;
    for (let i = 0; i < 20_000; i++) {
      o.obs.rejected('too_small', '198.51.100.66', 'udp');
      if (i % 1000 === 500) o.obs.rejected('bad_tag', '203.0.113.7', b++ % 2 ? 'udp' : 'http');
      if (i % 20 === 0) o.advance(1); // 20k packets over 1 s
    }
    assert.equal(o.from('203.0.113.7').length, 20, 'every line of the second address');
    const flood = o.from('198.51.100.66').length;
    assert.ok(flood <= 40 + 20, `the flooder got its burst and rate only: ${flood}`);
    assert.equal(await o.rejectedTotal(), 20_020, 'the metric counts every rejection');
    o.advance(1000); // the next rejection a second later reports what was skipped since the last summary
    o.obs.rejected('bad_tag', '192.0.2.1', 'udp');
    const suppressed = o.lines
      .filter((l) => l.event === 'packet_log_suppressed')
      .reduce((sum, l) => sum + (l.count ?? 0), 0);
    assert.ok(
      suppressed > 19_000 && suppressed <= 20_000 - flood,
      `suppressed lines are counted: ${suppressed}`,
    );
    assert.ok(
      o.lines.filter((l) => l.event === 'packet_log_suppressed').length <= 2,
      'summaries at most once a second',
    );
  });

  it('given a UDP flood from 50k forged addresses, when an address fails over HTTP meanwhile, then its lines are all logged and the UDP lines stay within the per-transport total', () => {
    const o = observer({ tableSize: 1000 });
    for (let i = 0; i < 50_000; i++) {
      o.obs.rejected('bad_header', `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 'udp');
      if (i % 5000 === 0) o.obs.rejected('bad_tag', '192.0.2.9', 'http');
      if (i % 50 === 0) o.advance(1); // 50k over 1 s
    }
    assert.equal(o.from('192.0.2.9', 'http').length, 10);
    const udp = o.lines.filter((l) => l.event === 'packet_rejected' && l.transport === 'udp').length;
    assert.ok(udp <= 200 + 100, `UDP lines bounded by the total: ${udp}`);
  });

  it('given one address failing over both transports, when its UDP packets flood, then its HTTP lines (the ones the jail bans on) are still logged', () => {
    const o = observer();
    for (let i = 0; i < 5000; i++) {
      o.obs.rejected('bad_tag', '203.0.113.50', 'udp');
      if (i % 500 === 0) o.obs.rejected('bad_tag', '203.0.113.50', 'http');
    }
    assert.equal(o.from('203.0.113.50', 'http').length, 10);
    assert.equal(o.from('203.0.113.50', 'udp').length, 40);
  });

  it('given a RADIUS flood from many addresses, when UDP and HTTP rejections follow, then RADIUS lines have their own total budget and the others are all logged', () => {
    const o = observer({ totalPerSec: 10 });
    for (let i = 0; i < 1000; i++) o.obs.radiusRejected('unknown_client', `198.51.100.${i % 250}`);
    o.obs.rejected('bad_tag', '203.0.113.1', 'http');
    o.obs.rejected('bad_tag', '203.0.113.2', 'udp');
    const radius = o.lines.filter((l) => l.transport === 'radius');
    assert.equal(radius.length, 20, 'radius lines within their own total (burst 2x)');
    assert.equal(o.from('203.0.113.1', 'http').length, 1);
    assert.equal(o.from('203.0.113.2', 'udp').length, 1);
    const line = radius[0] as unknown as Record<string, unknown>;
    assert.equal(line.reason, 'unknown_client');
    assert.equal(line.msg, 'rejected packet from 198.51.100.0: unknown_client');
  });
});
