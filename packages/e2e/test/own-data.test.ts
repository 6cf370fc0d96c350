// The phone shapes its user's routing (issue 17): the own-data kinds of docs/protocol.md travel
// phone -> ingest -> admin (Postgres) -> outbox -> router -> AstDB, every hop a real process.
// Two users: 240 (Standard licence) and 241 (Free); neither can reach the other's data.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { PhoneClient } from '@sa/phone-client';
import { v1 } from '@sa/proto';
import { repoRoot, waitFor } from '@sa/testkit';
import { type Stack, startStack } from '../src/index.js';

const KEY = { secret: '1234567890123456', keyId: 1 };
const HOME = { ssid: 'Home sweet home', bssid: '02:11:22:33:44:55', rssiDbm: -45 };
const S = v1.ReplyStatus;

let stack: Stack;
let ann: PhoneClient;
let bob: PhoneClient;
const ids: Record<string, string> = {};

async function register(
  deviceId: string,
  extension: string,
  tier: 'free' | 'standard',
): Promise<PhoneClient> {
  await stack.admin.request('POST', '/extensions', { extension });
  await stack.admin.request('POST', '/devices', {
    deviceId,
    extension,
    licence: stack.signLicence(deviceId, tier),
    keyMode: 'server_key',
  });
  const phone = new PhoneClient(
    { deviceId, ...KEY },
    { host: stack.ingestUdp.host, port: stack.ingestUdp.port, transport: 'udp' },
  );
  await waitFor(async () => (await phone.send({ ping: {} }, { timeoutMs: 300 })).replies.length === 1, {
    timeoutMs: 15_000,
    what: `ingest to accept ${deviceId}`,
  });
  return phone;
}

async function ask(phone: PhoneClient, body: Parameters<PhoneClient['send']>[0], padTo?: number) {
  const sent = await phone.send(body, { timeoutMs: 3000, ...(padTo ? { padTo } : {}) });
  assert.equal(sent.replies.length, 1, `one reply to ${Object.keys(body).join()}`);
  return sent.replies[0]!;
}

const target = () => stack.ami.dbGet('SMARTASSISTANT', '240/target');

describe('the phone shapes its own routing', () => {
  before(async () => {
    // the tests talk faster than a phone may (2 requests/s per device): raise the device's bucket
    stack = await startStack({
      presenceTimeoutS: 30,
      extraEnv: { ingest: { RATE_LIMIT_DEVICE_PER_SEC: '100', RATE_LIMIT_DEVICE_BURST: '200' } },
    });
    const dest = (name: string, dial: string) =>
      stack.admin.request<{ id: string }>('POST', '/destinations', { name, dial });
    ann = await register('OWNDATA240PHONE', '240', 'standard');
    bob = await register('OWNDATA241PHONE', '241', 'free');
    ids.desk = (await dest('SMART-Reception', '200')).id;
    ids.mobile = (await dest('240-Mobile', '0170240')).id;
    ids.bobMobile = (await dest('241-Mobile', '0170241')).id;
    // an administrator's default for 240, locked: the user builds around it but cannot change it
    await stack.admin.request('PUT', '/users/240/scenarios', {
      scenarios: [{ name: 'Reception', destinationId: ids.desk, rules: [], isDefault: true, locked: true }],
    });
    await waitFor(async () => target() === '200', { timeoutMs: 15_000, what: 'the default in AstDB' });
  });
  after(async () => {
    await stack?.stop();
  });

  test('given a Standard phone at home, when it saves "Home" and builds "At home -> mobile", then the AstDB target becomes the mobile', async () => {
    // reported twice: router then marks the device quiet, and ingest answers further identical
    // reports itself, so only the configuration change can move the call (router re-places devices)
    await ask(ann, { presence: { connected: HOME, visible: [HOME] } });
    await ask(ann, { presence: { connected: HOME, visible: [HOME] } });
    assert.equal(target(), '200', 'an unknown network keeps the default');

    const saved = await ask(ann, { savePlace: { name: 'Home', network: HOME } });
    assert.equal(saved.status, S.REPLY_STATUS_OK, saved.message);
    const home = saved.places.find((p) => p.id === saved.savedId);
    assert.deepEqual(
      [home?.name, home?.ssids, home?.bssids, home?.shared],
      ['Home', [HOME.ssid], [HOME.bssid], false],
    );

    const built = await ask(ann, {
      saveScenario: {
        name: 'At home',
        targetId: ids.mobile!,
        rules: [{ kind: v1.RuleKind.RULE_KIND_LOCATION, locationId: saved.savedId }],
        position: 0,
      },
    });
    assert.equal(built.status, S.REPLY_STATUS_OK, built.message);
    assert.deepEqual(
      built.scenarios.map((s) => [s.name, s.own, s.locked, s.position]),
      [
        ['At home', true, false, 0],
        ['Reception', false, true, 1],
      ],
    );
    ids.atHome = built.savedId;
    await waitFor(async () => target() === '0170240', {
      timeoutMs: 15_000,
      what: 'AstDB target = the mobile: the phone is at Home',
    });
  });

  test("given two users, when one names the other's place, scenario or destination, then it is refused and nothing changes", async () => {
    const bobPlace = await ask(bob, {
      savePlace: {
        name: 'Gym',
        network: { ssid: 'Gym', bssid: '', rssiDbm: -60 },
        match: v1.PlaceMatch.PLACE_MATCH_SSID,
      },
    });
    assert.equal(bobPlace.status, S.REPLY_STATUS_OK, bobPlace.message);

    const del = await ask(ann, { deletePlace: { id: bobPlace.savedId } });
    assert.equal(del.status, S.REPLY_STATUS_INVALID);
    assert.match(del.message, /no place .* of yours/);
    const rename = await ask(ann, { savePlace: { id: bobPlace.savedId, name: 'Mine now', network: HOME } });
    assert.equal(rename.status, S.REPLY_STATUS_INVALID);
    const annPlaces = await ask(ann, { listPlaces: {} });
    assert.ok(!annPlaces.places.some((p) => p.id === bobPlace.savedId), "another user's place is not listed");

    const steal = await ask(bob, { deleteScenario: { id: ids.atHome } });
    assert.equal(steal.status, S.REPLY_STATUS_INVALID);
    const useTheirs = await ask(bob, {
      saveScenario: { name: 'Theirs', targetId: ids.mobile!, rules: [] },
    });
    assert.equal(useTheirs.status, S.REPLY_STATUS_INVALID, "another user's destination is no target of mine");
    const useTheirPlace = await ask(ann, {
      saveScenario: {
        name: 'At the gym',
        targetId: ids.desk!,
        rules: [{ kind: v1.RuleKind.RULE_KIND_LOCATION, locationId: bobPlace.savedId }],
      },
    });
    assert.equal(useTheirPlace.status, S.REPLY_STATUS_INVALID);

    const still = await ask(ann, { listScenarios: {} });
    assert.deepEqual(
      still.scenarios.map((s) => s.name),
      ['At home', 'Reception'],
    );
    assert.equal(target(), '0170240');
  });

  test('given a Free licence, when the phone builds a scenario on its own destination, then it is DENIED; on a shared one it is OK', async () => {
    const own = await ask(bob, { saveScenario: { name: 'Mobile', targetId: ids.bobMobile!, rules: [] } });
    assert.equal(own.status, S.REPLY_STATUS_DENIED);
    assert.match(own.message, /Standard or Premium/);
    assert.equal(own.tier, v1.Tier.TIER_FREE);
    const shared = await ask(bob, {
      saveScenario: { name: 'Front desk', targetId: ids.desk!, rules: [], isDefault: true },
    });
    assert.equal(shared.status, S.REPLY_STATUS_OK, shared.message);
    assert.deepEqual(
      shared.scenarios.map((s) => [s.name, s.isDefault]),
      [['Front desk', true]],
    );
  });

  test('given a scenario an administrator locked, when the phone edits or deletes it or takes its default, then it is DENIED', async () => {
    const list = await ask(ann, { listScenarios: {} });
    const locked = list.scenarios.find((s) => s.locked)!;
    const edit = await ask(ann, {
      saveScenario: { id: locked.id, name: 'Mine', targetId: ids.desk!, rules: [] },
    });
    assert.equal(edit.status, S.REPLY_STATUS_DENIED);
    const del = await ask(ann, { deleteScenario: { id: locked.id } });
    assert.equal(del.status, S.REPLY_STATUS_DENIED);
    const takeDefault = await ask(ann, {
      saveScenario: { id: ids.atHome, name: 'At home', targetId: ids.mobile!, rules: [], isDefault: true },
    });
    assert.equal(takeDefault.status, S.REPLY_STATUS_DENIED);
    assert.match(takeDefault.message, /locked/);
  });

  test('given more places than one reply holds, when listed with a small request, then the reply pages within the size budget', async () => {
    for (let i = 0; i < 12; i++) {
      const bssid = `02:00:00:00:00:${String(i).padStart(2, '0')}`;
      const r = await ask(bob, {
        savePlace: {
          name: `Branch office number ${i}`,
          network: { ssid: `Branch network ${i}`, bssid, rssiDbm: -50 },
        },
      });
      assert.equal(r.status, S.REPLY_STATUS_OK, r.message);
    }
    const padTo = 400;
    const sent = await bob.send({ listPlaces: {} }, { timeoutMs: 3000, padTo });
    assert.equal(sent.packet.length, padTo);
    const raw = sent.rawReplies[0]!;
    const first = sent.replies[0]!;
    assert.ok(raw.length <= padTo, `reply ${raw.length} B within the request's ${padTo} B`);
    assert.equal(first.truncated, true);
    assert.equal(first.itemsTotal, 13);
    assert.ok(first.places.length > 0 && first.places.length < 13);
    const next = await ask(bob, { listPlaces: { offset: first.places.length } });
    assert.equal(next.itemsOffset, first.places.length);
    const all = [...first.places, ...next.places].map((p) => p.name);
    assert.equal(new Set(all).size, 13, 'two pages hold every place once');
  });

  test('given the reference client, when `sa-phone remember-place` and `sa-phone places` run, then the place is saved and listed', async () => {
    const cli = (args: string[]) =>
      promisify(execFile)(join(repoRoot, 'node_modules', '.bin', 'sa-phone'), [
        ...args,
        '--device',
        'OWNDATA240PHONE',
        '--key',
        KEY.secret,
        '--host',
        stack.ingestUdp.host,
        '--port',
        String(stack.ingestUdp.port),
      ]);
    const saved = await cli([
      'remember-place',
      '--name',
      'Holiday flat',
      '--connected',
      'Flat/02:aa:bb:cc:dd:ee',
    ]);
    const reply = JSON.parse(saved.stdout) as { status: string; savedId: string };
    assert.equal(reply.status, 'REPLY_STATUS_OK', saved.stdout);
    const listed = JSON.parse((await cli(['places'])).stdout) as {
      places: { id: string; bssids: string[] }[];
    };
    assert.deepEqual(listed.places.find((p) => p.id === reply.savedId)?.bssids, ['02:aa:bb:cc:dd:ee']);
  });
});
