// admin's listening line names every address the console answers on (issue 15): bound to 0.0.0.0,
// each non-internal interface address, then 127.0.0.1, not 127.0.0.1 alone.
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { describe, it } from 'node:test';
import { startHarness } from '../src/test-support/admin-harness.js';

describe('listening line', () => {
  it('given admin bound to 0.0.0.0, when started, then the line lists every non-internal IPv4 address and 127.0.0.1', async () => {
    await using h = await startHarness({ ADMIN_HOST: '0.0.0.0' });
    const line = h.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.event === 'listening');
    assert.ok(line, 'no listening line');
    const port = new URL(String(line.http)).port;
    const expected = [
      ...Object.values(networkInterfaces())
        .flatMap((infos) => infos ?? [])
        .filter((i) => !i.internal && i.family === 'IPv4')
        .map((i) => `http://${i.address}:${port}`),
      `http://127.0.0.1:${port}`,
    ];
    assert.deepEqual(line.urls, expected);
    assert.equal(line.http, expected[0]);
    assert.match(
      String(line.msg),
      new RegExp(`^admin console at ${expected.join(', ').replace(/\./g, '\\.')} \\(ops `),
    );
    assert.equal(h.app.addresses.http, expected[0]);
  });
});
