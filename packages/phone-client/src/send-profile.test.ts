import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_SERVER_SECRET, type Enrolment } from '@sa/phone-protocol';
import { Command } from 'commander';
import { type CommonOptions, withCommon } from './common-options.js';
import { EnrolmentStore } from './enrolment-store.js';
import { sendProfile } from './send-profile.js';

const dir = mkdtempSync(join(tmpdir(), 'sa-phone-profile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const state = join(dir, 'enrolment.json');
const enrolment: Enrolment = {
  version: 1,
  protocol: 1,
  deviceId: 'phone-0042',
  extension: '201',
  keyId: 17,
  secret: 'Qx7vR2mT9kLp4Wz8',
  hosts: ['pbx.example.com', '2001:db8::10'],
  port: 9000,
  knock: [30000, 31000],
  url: 'https://pbx.example.com/sa/v1/phone',
};
new EnrolmentStore(state).enrol(enrolment);

/** Parses `args` as `sa-phone ping` would, with only `env` in the environment, and resolves the profile. */
function profileOf(args: string[], env: NodeJS.ProcessEnv = {}) {
  const saved = process.env;
  process.env = { ...env };
  try {
    const cmd = withCommon(new Command('ping')).exitOverride();
    cmd.parse(args, { from: 'user' });
    return sendProfile(cmd.opts<CommonOptions>(), cmd, env);
  } finally {
    process.env = saved;
  }
}

describe('which device and endpoint sa-phone uses', () => {
  it('given an enrolment and no flags, then it speaks as the enrolled device with its own key, hosts, port, knock and url', () => {
    const p = profileOf(['--state', state]);
    assert.equal(p.source, 'enrolment');
    assert.deepEqual(p.identity, {
      deviceId: 'phone-0042',
      secret: enrolment.secret,
      keyId: 17,
      ownKey: true,
    });
    assert.deepEqual(p.hosts, enrolment.hosts);
    assert.equal(p.port, 9000);
    assert.deepEqual(p.knock, [30000, 31000]);
    assert.equal(p.url, enrolment.url);
    assert.ok(p.counterStore, 'the counter is kept in the state file');
  });

  it('given SA_PHONE_STATE instead of --state, then the same enrolment is found', () => {
    assert.equal(profileOf([], { SA_PHONE_STATE: state }).identity.deviceId, 'phone-0042');
  });

  it('given endpoint flags (or their env), then each overrides its enrolled value and the rest stays', () => {
    const p = profileOf(['--state', state, '-H', '10.0.0.9', '--knock', '1,2', '--key-id', '18'], {
      SA_PHONE_PORT: '9100',
    });
    assert.equal(p.source, 'enrolment');
    assert.deepEqual(p.hosts, ['10.0.0.9']);
    assert.equal(p.port, 9100);
    assert.deepEqual(p.knock, [1, 2]);
    assert.equal(p.identity.keyId, 18);
    assert.equal(p.url, enrolment.url);
  });

  it('given --device (or SA_PHONE_DEVICE / SA_PHONE_KEY), then the enrolment is not used at all', () => {
    const flags = profileOf(['--state', state, '-d', 'lab-1']);
    assert.equal(flags.source, 'flags');
    assert.deepEqual(flags.identity, {
      deviceId: 'lab-1',
      secret: DEFAULT_SERVER_SECRET,
      keyId: 1,
      ownKey: false,
    });
    assert.deepEqual(flags.hosts, ['127.0.0.1']);
    assert.equal(flags.port, 8080);
    assert.deepEqual(flags.knock, []);
    assert.equal(flags.counterStore, undefined);
    const env = profileOf(['--state', state], { SA_PHONE_DEVICE: 'lab-2', SA_PHONE_KEY: 'AAAAAAAAAAAAAAAA' });
    assert.equal(env.source, 'flags');
    assert.equal(env.identity.secret, 'AAAAAAAAAAAAAAAA');
  });

  it('given --key without a device, or no enrolment and no flags, then it says what to do', () => {
    assert.throws(() => profileOf(['--state', state, '-k', 'AAAAAAAAAAAAAAAA']), /--device is required/);
    assert.throws(() => profileOf(['--state', join(dir, 'none.json')]), /not enrolled .*sa-phone enrol/);
  });
});
