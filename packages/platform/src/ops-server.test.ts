import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { HealthRegistry } from './health.js';
import { createLogger } from './logger.js';
import { createMetricsRegistry } from './metrics.js';
import { buildOpsApp } from './ops-server.js';

test('given one dependency down, when /readyz is asked, then 503 lists the failing check', async () => {
  const health = new HealthRegistry();
  let redisUp = false;
  health.add('nats', () => ({ status: 'up' }));
  health.add('redis', () => ({ status: redisUp ? 'up' : 'down', detail: 'reconnecting' }));
  const app = buildOpsApp({
    health,
    metrics: createMetricsRegistry('test'),
    logger: createLogger('test', 'silent'),
    readinessDetails: () => ({ defaultKeyInUse: true }),
  });
  const down = await app.inject('/readyz');
  assert.equal(down.statusCode, 503);
  assert.deepEqual(down.json().checks.redis, { status: 'down', detail: 'reconnecting' });
  assert.equal(down.json().details.defaultKeyInUse, true);
  redisUp = true;
  assert.equal((await app.inject('/readyz')).statusCode, 200);
  assert.equal((await app.inject('/healthz')).statusCode, 200);
  const metrics = await app.inject('/metrics');
  assert.match(metrics.body, /sa_process_cpu_user_seconds_total\{service="test"\}/);
  await app.close();
});

test('given a log call with secrets, when written, then they are redacted', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('test', 'info', sink);
  logger.info({ secret: 'abc123', ami: { password: 'pw' }, deviceId: 'D1' }, 'hello');
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]!);
  assert.equal(line.secret, '[redacted]');
  assert.equal(line.ami.password, '[redacted]');
  assert.equal(line.service, 'test');
  assert.equal(line.deviceId, 'D1');
});
