// The sa-phone CLI (built @sa/phone-client bin) against a real ingest.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { eventually, IngestFixture, type IngestInstance } from '../src/test-support/ingest-fixture.js';

const cli = fileURLToPath(new URL('./cli.js', import.meta.resolve('@sa/phone-client')));

function saPhone(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('sa-phone CLI', () => {
  let fx: IngestFixture;
  let ingest: IngestInstance;

  before(async () => {
    fx = await IngestFixture.create();
    await fx.seedDevice({ deviceId: 'cli-dev', extension: '230' });
    ingest = await fx.startInstance();
  });
  after(() => fx.close());

  for (const transport of ['udp', 'http']) {
    it(`given presence over ${transport}, when run, then the decrypted reply is printed as JSON`, async () => {
      const r = await saPhone([
        'presence',
        ...['-d', 'cli-dev', '-p', String(ingest.port), '-t', transport],
        ...[
          '--connected',
          'Office/AA:BB:CC:DD:EE:01/-48',
          '--visible',
          'Guest/aa:bb:cc:dd:ee:02/-70',
          '--battery',
          '50',
        ],
      ]);
      assert.equal(r.code, 0, r.stderr);
      const reply = JSON.parse(r.stdout.trim()) as { status: string; tier: string };
      assert.equal(reply.status, 'REPLY_STATUS_OK');
      assert.equal(reply.tier, 'TIER_STANDARD');
    });
  }

  it('given --flip-bit, when run, then no reply, exit code 2, and bad_tag counted', async () => {
    const before = await ingest.rejected('bad_tag');
    const r = await saPhone([
      'ping',
      '-d',
      'cli-dev',
      '-p',
      String(ingest.port),
      '--flip-bit',
      '500',
      '--timeout',
      '300',
    ]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    await eventually(async () => (await ingest.rejected('bad_tag')) === before + 1, 3000, 'bad_tag');
  });

  it('given --replay 1, when run, then one reply and one replay counted', async () => {
    const before = await ingest.rejected('replay');
    const r = await saPhone([
      'ping',
      '-d',
      'cli-dev',
      '-p',
      String(ingest.port),
      '--replay',
      '1',
      '--timeout',
      '500',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    await eventually(async () => (await ingest.rejected('replay')) === before + 1, 3000, 'replay');
  });

  it('given --truncate and a knock sequence, when run, then knocks are sent and the packet is too_small', async () => {
    const before = await ingest.rejected('too_small');
    const r = await saPhone([
      'ping',
      ...['-d', 'cli-dev', '-p', String(ingest.port), '--truncate', '20', '--timeout', '300'],
      ...[
        '--knock',
        `${ingest.port},${ingest.port},${ingest.port}`,
        '--knock-proto',
        'udp',
        '--knock-delay',
        '5',
      ],
    ]);
    assert.equal(r.code, 2);
    // three 1-byte knocks + the truncated packet all land on ingest's UDP port
    await eventually(async () => (await ingest.rejected('too_small')) === before + 4, 3000, 'too_small x4');
  });
});
