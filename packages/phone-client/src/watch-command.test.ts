// The real `sa-phone watch` process: a stand-in `nmcli` on PATH prints recorded output (A, then B),
// a stand-in ingest opens the reports with the device key; SIGTERM ends the process cleanly.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { v1 } from '@sa/proto';
import { type FakeIngest, startFakeIngest } from './test-support/fake-ingest.js';

const DEVICE = 'laptop-0042';
const SECRET = 'Wq8nT3vLk5Rz2PxM';
const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures', 'wifi');
const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'sa-phone-watch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An `nmcli` that records its arguments and locale, and prints whatever `output` holds now. */
function fakeNmcli(): { output: string; calls: string } {
  const output = join(dir, 'nmcli-output.txt');
  const calls = join(dir, 'nmcli-calls.txt');
  writeFileSync(join(dir, 'nmcli'), `#!/bin/sh\necho "LC_ALL=$LC_ALL $*" >> '${calls}'\ncat '${output}'\n`);
  chmodSync(join(dir, 'nmcli'), 0o755);
  return { output, calls };
}

/** Resolves with the first stderr line matching `pattern` (rejects after `timeoutMs`). */
function stderrLine(child: ChildProcess, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let buffered = '';
    const timer = setTimeout(() => reject(new Error(`no line ${pattern} in:\n${buffered}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => pattern.test(l));
      if (line) {
        clearTimeout(timer);
        resolveLine(line);
      }
    });
  });
}

describe('sa-phone watch, the process', () => {
  let ingest: FakeIngest | undefined;
  after(() => ingest?.close());

  it('given nmcli switching from A to B, when watched, then both are reported, and SIGTERM stops it with exit 0 and no key in the log', async () => {
    ingest = await startFakeIngest(DEVICE, SECRET);
    const nmcli = fakeNmcli();
    copyFileSync(join(fixtures, 'nmcli-connected.txt'), nmcli.output);
    const args = [
      'watch',
      '-d',
      DEVICE,
      '-k',
      SECRET,
      '--own-key',
      '-p',
      String(ingest.port),
      '--poll',
      '0.2',
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'cli.ts'), ...args], {
      cwd: repoRoot,
      env: { PATH: `${dir}:${process.env.PATH ?? ''}`, HOME: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    try {
      await stderrLine(child, /report \(change\): "Office" 2c:30:33:a4:02:18 .* -> OK via 127\.0\.0\.1/);
      copyFileSync(join(fixtures, 'nmcli-guest.txt'), nmcli.output);
      await stderrLine(child, /report \(change\): "Guest: Lobby Wi-Fi" 2e:30:33:a4:02:18 .* -> OK/);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM: stopping\n.*stopped\n$/);
    assert.ok(!stderr.includes(SECRET), 'the key is never logged');
    const connected = ingest.requests.map((r) => v1.PhoneRequest.toObject(r).presence?.connected?.ssid);
    assert.deepEqual(connected, ['Office', 'Guest: Lobby Wi-Fi']);
    const firstCall = readFileSync(nmcli.calls, 'utf8').split('\n')[0];
    assert.equal(firstCall, 'LC_ALL=C -t -f ACTIVE,SSID,BSSID,SIGNAL device wifi list --rescan no');
  });
});
