import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { deployDir, listFiles, repoRoot, requireTool, run, serviceNames } from './helpers.js';

const unitDir = join(deployDir, 'systemd');
const units = [...listFiles(unitDir, '.service'), ...listFiles(unitDir, '.target')];
/** units for `systemctl --user` (a laptop's sa-phone watch), not for the PBX's system manager */
const userUnits = ['sa-phone-watch.service'];
const analyze = requireTool('systemd-analyze', 'systemd');

// The units name /usr/bin/node (Debian/NodeSource path). Verify checks that ExecStart exists, so the
// copies verified here point at the node running this test: same unit text otherwise.
const scratch = mkdtempSync(join(tmpdir(), 'sa-systemd-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const copies = units.map((file) => {
  const copy = join(scratch, basename(file));
  writeFileSync(copy, readFileSync(file, 'utf8').replaceAll('/usr/bin/node ', `${process.execPath} `));
  return copy;
});

function directives(file: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    map.set(key, [...(map.get(key) ?? []), value]);
  }
  return map;
}

/** NAME=value lines of an env file. */
function envFile(file: string): Map<string, string> {
  return new Map(
    [...readFileSync(file, 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(
      (m) => [m[1], m[2]] as [string, string],
    ),
  );
}

describe('deploy/systemd', () => {
  it('given the four services, the target and the user units, when listed, then each has its unit file', () => {
    assert.deepEqual(
      units.map((f) => basename(f)),
      [
        ...[...userUnits, ...serviceNames.map((s) => `smartassistant-${s}.service`)].sort(),
        'smartassistant.target',
      ],
    );
  });

  it('given every unit, when systemd-analyze verify checks it, then it passes without a single warning', () => {
    const result = run(analyze, ['verify', ...copies]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.trim(), '', `verify warned:\n${result.stderr}`);
  });

  it('given each system service unit, when its sandbox is scored offline, then the exposure stays at 2.0 or below', () => {
    // offline scoring reads every unit as a system service of root; a user unit runs as its user
    const systemServices = copies.filter((f) => f.endsWith('.service') && !userUnits.includes(basename(f)));
    for (const copy of systemServices) {
      const result = run(analyze, ['security', '--offline=yes', '--threshold=20', copy]);
      assert.equal(result.status, 0, `${basename(copy)} exposure above 2.0:\n${result.stdout}`);
    }
  });

  it('given each service unit, when read, then it runs unprivileged from its env file, restarts on failure and belongs to the target', () => {
    for (const service of serviceNames) {
      const d = directives(join(unitDir, `smartassistant-${service}.service`));
      assert.deepEqual(d.get('User'), ['smartassistant'], service);
      assert.deepEqual(d.get('Restart'), ['on-failure'], service);
      assert.ok(d.get('EnvironmentFile')?.includes(`/etc/smartassistant/${service}.env`), service);
      assert.deepEqual(d.get('ExecStart'), [
        `/usr/bin/node /opt/smartassistant/services/${service}/dist/main.js`,
      ]);
      assert.deepEqual(d.get('PartOf'), ['smartassistant.target'], service);
      assert.deepEqual(d.get('WantedBy'), ['smartassistant.target'], service);
      for (const hardening of ['NoNewPrivileges', 'PrivateTmp', 'ProtectHome', 'PrivateDevices']) {
        assert.deepEqual(d.get(hardening), ['yes'], `${service} ${hardening}`);
      }
      assert.deepEqual(d.get('ProtectSystem'), ['strict'], service);
      assert.deepEqual(d.get('CapabilityBoundingSet'), [''], `${service} keeps no capability`);
    }
    const target = directives(join(unitDir, 'smartassistant.target'));
    const wants = (target.get('Wants') ?? []).join(' ').split(/\s+/).sort();
    assert.deepEqual(wants, serviceNames.map((s) => `smartassistant-${s}.service`).sort());
  });

  it('given the sa-phone watch user unit, when read, then it runs the shipped sa-phone watch, restarts on failure, starts with the session and says how to enable it', () => {
    const file = join(unitDir, 'sa-phone-watch.service');
    const d = directives(file);
    const execStart = d.get('ExecStart') ?? [];
    assert.equal(execStart.length, 1);
    const [node, script, command] = (execStart[0] ?? '').split(' ');
    assert.equal(node, '/usr/bin/node');
    assert.equal(command, 'watch');
    // the tarball is the repository under /opt/smartassistant: the script must exist in it
    assert.match(script ?? '', /^\/opt\/smartassistant\//);
    assert.ok(existsSync(join(repoRoot, (script ?? '').replace('/opt/smartassistant/', ''))), script);
    assert.deepEqual(d.get('Restart'), ['on-failure']);
    assert.deepEqual(d.get('WantedBy'), ['default.target']);
    assert.equal(d.get('User'), undefined, 'a user unit runs as the user who enables it');
    assert.match(readFileSync(file, 'utf8'), /^# +systemctl --user enable --now sa-phone-watch$/m);
  });

  it('given /etc/nats-server.conf and the shipped auth file installed beside it as docs/install.md says, when nats-server checks it with the passwords of nats-server.env, then it is valid, and each service logs in as its own bus user', () => {
    const etc = join(scratch, 'etc');
    mkdirSync(join(etc, 'nats-server.d'), { recursive: true });
    copyFileSync(join(unitDir, 'nats-server.conf'), join(etc, 'nats-server.conf'));
    copyFileSync(
      join(deployDir, 'nats', 'smartassistant-auth.conf'),
      join(etc, 'nats-server.d', 'smartassistant-auth.conf'),
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...Object.fromEntries(envFile(join(unitDir, 'env', 'nats-server.env'))),
    };
    assert.equal(Object.keys(env).filter((k) => k.startsWith('SA_NATS_')).length, 5);
    const nats = requireTool('nats-server', 'nats-server');
    const checked = run(nats, ['-c', join(etc, 'nats-server.conf'), '-t'], { env });
    assert.equal(checked.status, 0, `${checked.stdout}${checked.stderr}`);
    const dropIn = directives(join(unitDir, 'nats-server.service.d', 'smartassistant.conf'));
    assert.deepEqual(dropIn.get('EnvironmentFile'), ['/etc/smartassistant/nats-server.env']);
    for (const service of serviceNames) {
      const e = envFile(join(unitDir, 'env', `${service}.env`));
      assert.equal(e.get('NATS_USER'), service, service);
      assert.ok(e.get('NATS_PASSWORD'), `${service} NATS_PASSWORD`);
    }
    assert.equal(envFile(join(unitDir, 'env', 'set-secret.env')).get('NATS_USER'), 'set-secret');
    assert.match(envFile(join(unitDir, 'env', 'common.env')).get('REDIS_URL') ?? '', /^redis:\/\/:[^@]+@/);
  });
});
