// The self-service API (/me, issue 17) against real Postgres and NATS: sign-in and its rate limits,
// the user session's isolation from the admin API (both ways), one user never reaching another's
// data, tier and lock refusals, the scenario choice handed to the phone stream, the "now" answer
// from router or, when router is silent, from what it last announced, and the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { busNames, decodeMessage, encodeMessage, v1 } from '@sa/proto';
import { eventually, type Harness, type Reply, startHarness } from '../src/test-support/admin-harness.js';
import { deviceReported } from '../src/test-support/device-reported.js';

const ANN = { extension: '230', password: 'ann-secret-pass' };
const BOB = { extension: '231', password: 'bob-secret-pass' };
const LOGIN_RATE_MAX = 4;

let h: Harness;
const ids: Record<string, string> = {};
/** a distinct client address per sign-in, so the per-address limit stays out of the way */
let nextIp = 1;

async function me(
  method: string,
  url: string,
  cookie: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await h.app.http.inject({
    method: method as 'GET',
    url,
    headers: { ...(cookie ? { cookie } : {}), ...headers },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  let json: unknown = null;
  try {
    json = res.json();
  } catch {}
  return { status: res.statusCode, json, body: res.body, headers: res.headers };
}

async function signIn(user: { extension: string; password: string }, ip = `10.0.0.${nextIp++}`) {
  const res = await h.app.http.inject({
    method: 'POST',
    url: '/me/login',
    payload: user,
    remoteAddress: ip,
  });
  return { res, cookie: cookieOf(res.headers['set-cookie']) };
}

function cookieOf(header: unknown): string | null {
  const line = [header].flat().find((c) => typeof c === 'string' && c.startsWith('sa_me_session='));
  return line ? String(line).split(';')[0]! : null;
}

async function audit(entity: string) {
  return (await h.call('GET', `/api/v1/audit?entity=${entity}&limit=200`)).json.items as Array<{
    actor: string;
    action: string;
    entityId: string;
    after: unknown;
    before: unknown;
  }>;
}

describe('self-service API', () => {
  let ann: string;
  let bob: string;
  before(async () => {
    h = await startHarness({ ADMIN_LOGIN_RATE_MAX: String(LOGIN_RATE_MAX), ADMIN_HISTORY_FLUSH_MS: '20' });
    for (const [ext, name] of [
      ['230', 'Ann'],
      ['231', 'Bob'],
    ])
      await h.call('POST', '/api/v1/extensions', { extension: ext, displayName: name });
    // Ann: free licence; Bob: standard
    await h.call('POST', '/api/v1/devices', { deviceId: 'ANNPHONE1', extension: '230' });
    await h.call('POST', '/api/v1/devices', {
      deviceId: 'BOBPHONE1',
      extension: '231',
      licence: h.licence('BOBPHONE1', 'standard'),
    });
    for (const [key, name, dial] of [
      ['desk', 'SMART-Desk', '100'],
      ['annMobile', '230-Mobile', '0170230'],
      ['bobMobile', '231-Mobile', '0170231'],
    ]) {
      const r = await h.call('POST', '/api/v1/destinations', { name, dial });
      assert.equal(r.status, 201, r.body);
      ids[key!] = r.json.id;
    }
    for (const u of [ANN, BOB]) {
      const r = await h.call('PUT', `/api/v1/users/${u.extension}/password`, { password: u.password });
      assert.equal(r.status, 200, r.body);
    }
    ann = (await signIn(ANN)).cookie!;
    bob = (await signIn(BOB)).cookie!;
    const bobScenario = await me('POST', '/me/scenarios', bob, {
      name: 'Bob away',
      targetId: ids.bobMobile,
      rules: [],
    });
    assert.equal(bobScenario.status, 201, bobScenario.body);
    ids.bobScenario = bobScenario.json.id;
    const bobPlace = await me('POST', '/me/places', bob, { name: 'Bob home', ssid: 'BobNet' });
    assert.equal(bobPlace.status, 201, bobPlace.body);
    ids.bobPlace = bobPlace.json.id;
  });
  after(async () => h[Symbol.asyncDispose]());

  test('given the password set by an administrator, when the user signs in, then an HttpOnly SameSite=Strict cookie scoped to /me works and the password is nowhere', async () => {
    const { res } = await signIn(ANN);
    assert.equal(res.statusCode, 200, res.body);
    const cookie = [res.headers['set-cookie']].flat().join('\n');
    assert.match(cookie, /sa_me_session=sau_/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.match(cookie, /Path=\/me(;|$)/);
    assert.doesNotMatch(res.body, /sau_/, 'the token is only in the cookie');
    const profile = await me('GET', '/me', ann);
    assert.equal(profile.status, 200, profile.body);
    assert.equal(profile.json.extension, '230');
    assert.equal(profile.json.displayName, 'Ann');
    assert.equal(profile.json.tier, 'free');
    assert.equal(profile.headers['cache-control'], 'no-store');
    const everything = h.logs.join('') + JSON.stringify(await audit('user_credentials'));
    assert.ok(!everything.includes(ANN.password), 'the password is in no log or audit row');
    const set = (await audit('user_credentials')).find((a) => a.entityId === '230');
    assert.equal(set?.action, 'set_password');
    assert.equal(set?.actor, 'admin:admin');
  });

  test('given a wrong password or an unknown extension, then 401 ADMIN_ME_AUTH_FAILED, no cookie, and the failure is audited', async () => {
    for (const attempt of [
      { extension: '230', password: 'wrong-password' },
      { extension: '299', password: 'whatever-pass' },
    ]) {
      const { res, cookie } = await signIn(attempt);
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json().error.code, 'ADMIN_ME_AUTH_FAILED');
      assert.equal(cookie, null);
    }
    const rows = await audit('user_session');
    assert.ok(
      rows.some((r) => r.action === 'login_failed' && r.entityId === '299' && r.actor === 'anonymous'),
    );
    assert.ok(rows.some((r) => r.action === 'login' && r.entityId === '230' && r.actor === 'user:230'));
    assert.ok(!JSON.stringify(rows).includes('wrong-password'));
  });

  test('given repeated sign-ins, then one extension from many addresses and one address for many extensions are each rate-limited', async () => {
    const target = { extension: '239', password: 'guess-guess' };
    const perExtension = [];
    for (let i = 0; i <= LOGIN_RATE_MAX; i++)
      perExtension.push((await signIn(target, `10.9.0.${i + 1}`)).res.statusCode);
    assert.deepEqual(perExtension.slice(0, LOGIN_RATE_MAX), Array(LOGIN_RATE_MAX).fill(401));
    assert.equal(perExtension[LOGIN_RATE_MAX], 429, 'one extension, many addresses');
    const perAddress = [];
    for (let i = 0; i <= LOGIN_RATE_MAX; i++)
      perAddress.push((await signIn({ extension: `5${i}0`, password: 'guess-guess' }, '10.8.0.1')).res);
    assert.equal(perAddress[LOGIN_RATE_MAX]!.statusCode, 429);
    assert.equal(perAddress[LOGIN_RATE_MAX]!.json().error.code, 'ADMIN_AUTH_RATE_LIMITED');
  });

  test('given a user session, then no admin route accepts it, and given an admin session, then no /me route accepts it', async () => {
    const token = ann.split('=')[1]!;
    const userCredentials: Record<string, string>[] = [
      { cookie: ann },
      { authorization: `Bearer ${token}` },
      { cookie: `sa_session=${token}` },
    ];
    for (const headers of userCredentials) {
      for (const url of ['/api/v1/devices', '/api/v1/auth/me', '/api/v1/users/230/scenarios']) {
        const r = await me('GET', url, null, undefined, headers);
        assert.equal(r.status, 401, `${url} with ${Object.keys(headers)}: ${r.body}`);
      }
    }
    const put = await me(
      'PUT',
      '/api/v1/users/230/password',
      null,
      { password: 'taken-over-1' },
      { cookie: ann },
    );
    assert.equal(put.status, 401);
    const adminCredentials: Record<string, string>[] = [
      { authorization: `Bearer ${h.token}` },
      { cookie: `sa_session=${h.token}` },
      { cookie: `sa_me_session=${h.token}` },
    ];
    for (const headers of adminCredentials) {
      for (const url of ['/me', '/me/scenarios', '/me/export']) {
        const r = await me('GET', url, null, undefined, headers);
        assert.equal(r.status, 401, `${url}: ${r.body}`);
        assert.equal(r.json.error.code, 'ADMIN_ME_AUTH_REQUIRED');
      }
    }
    const routes = h.app.http.routeList.filter((r) => r.url.startsWith('/me') && r.url !== '/me/login');
    for (const r of routes.filter((x) => !x.url.includes('*') && x.method !== 'HEAD')) {
      const res = await me(r.method, r.url.replace(':id', '00000000-0000-4000-8000-000000000000'), null);
      assert.equal(res.status, 401, `${r.method} ${r.url} without a session`);
    }
  });

  test("given another user's scenario and place ids, then every change is 404 and the other user's data stays as it was", async () => {
    const foreign: Array<[string, string, unknown, string]> = [
      [
        'PUT',
        `/me/scenarios/${ids.bobScenario}`,
        { name: 'Mine now', targetId: ids.desk, rules: [] },
        'ADMIN_SCENARIO_NOT_FOUND',
      ],
      ['DELETE', `/me/scenarios/${ids.bobScenario}`, undefined, 'ADMIN_SCENARIO_NOT_FOUND'],
      ['PUT', `/me/places/${ids.bobPlace}`, { name: 'Mine now', ssid: 'AnnNet' }, 'ADMIN_LOCATION_NOT_FOUND'],
      ['DELETE', `/me/places/${ids.bobPlace}`, undefined, 'ADMIN_LOCATION_NOT_FOUND'],
      ['POST', '/me/choice', { scenarioId: ids.bobScenario, hours: 2 }, 'ADMIN_SCENARIO_NOT_FOUND'],
    ];
    for (const [method, url, body, code] of foreign) {
      const r = await me(method, url, ann, body);
      assert.equal(r.status, 404, `${method} ${url}: ${r.body}`);
      assert.equal(r.json.error.code, code);
    }
    const annSees = await me('GET', '/me/scenarios', ann);
    assert.ok(!annSees.body.includes(ids.bobScenario!));
    const bobScenarios = await me('GET', '/me/scenarios', bob);
    assert.deepEqual(
      bobScenarios.json.items.map((s: { id: string; name: string }) => [s.id, s.name]),
      [[ids.bobScenario, 'Bob away']],
    );
    const bobPlaces = (await me('GET', '/me/places', bob)).json.items.filter(
      (p: { shared: boolean }) => !p.shared,
    );
    assert.deepEqual(
      bobPlaces.map((p: { name: string; ssids: string[] }) => [p.name, p.ssids]),
      [['Bob home', ['BobNet']]],
    );
    const exported = await me('GET', '/me/export', ann);
    assert.ok(!exported.body.includes('Bob'), "Ann's export holds nothing of Bob");
  });

  test("given a free licence, then an own <ext>- destination is refused with ADMIN_TIER_FORBIDS and another user's is unknown; a shared one is fine", async () => {
    const targets = await me('GET', '/me/targets', ann);
    assert.deepEqual(
      targets.json.items.map((t: { name: string }) => t.name),
      ['SMART-Desk'],
    );
    const own = await me('POST', '/me/scenarios', ann, {
      name: 'Mobile',
      targetId: ids.annMobile,
      rules: [],
    });
    assert.equal(own.status, 403, own.body);
    assert.equal(own.json.error.code, 'ADMIN_TIER_FORBIDS');
    const others = await me('POST', '/me/scenarios', ann, {
      name: 'Mobile',
      targetId: ids.bobMobile,
      rules: [],
    });
    assert.equal(others.status, 422, others.body);
    assert.equal(others.json.error.code, 'ADMIN_SCENARIO_INVALID');
    const place = await me('POST', '/me/places', ann, {
      name: 'Office',
      ssid: 'Corp',
      bssid: 'AA:BB:CC:00:00:01',
    });
    assert.equal(place.status, 201, place.body);
    assert.deepEqual([place.json.ssids, place.json.bssids], [['Corp'], ['aa:bb:cc:00:00:01']]);
    const ok = await me('POST', '/me/scenarios', ann, {
      name: 'At the desk',
      targetId: ids.desk,
      rules: [{ kind: 'location', locationId: place.json.id }],
    });
    assert.equal(ok.status, 201, ok.body);
    ids.annScenario = ok.json.id;
    const renamed = await me('PUT', `/me/places/${place.json.id}`, ann, { name: 'Head office' });
    assert.equal(renamed.status, 200, renamed.body);
    assert.deepEqual([renamed.json.name, renamed.json.ssids], ['Head office', ['Corp']]);
    const rows = (await audit('scenario')).filter((r) => r.actor === 'user:230');
    assert.ok(rows.some((r) => r.action === 'create' && r.entityId === `230/${ok.json.id}`));
    assert.ok((await audit('place')).some((r) => r.actor === 'user:230' && r.action === 'update'));
  });

  test('given a scenario an administrator locked, then the user sees it read-only and may neither change nor delete it', async () => {
    const current = (await h.call('GET', '/api/v1/users/230/scenarios')).json.items;
    const locked = await h.call('PUT', '/api/v1/users/230/scenarios', {
      scenarios: [
        ...current.map((s: Record<string, unknown>) => ({
          id: s.id,
          name: s.name,
          destinationId: s.destinationId,
          rules: s.rules,
          isDefault: s.isDefault,
          locked: s.locked,
        })),
        { name: 'Company rule', destinationId: ids.desk, rules: [], isDefault: true, locked: true },
      ],
    });
    assert.equal(locked.status, 200, locked.body);
    const item = (await me('GET', '/me/scenarios', ann)).json.items.find(
      (s: { name: string }) => s.name === 'Company rule',
    );
    assert.equal(item.locked, true);
    assert.equal(item.own, false);
    const put = await me('PUT', `/me/scenarios/${item.id}`, ann, {
      name: 'Mine',
      targetId: ids.desk,
      rules: [],
    });
    const del = await me('DELETE', `/me/scenarios/${item.id}`, ann);
    for (const r of [put, del]) {
      assert.equal(r.status, 403, r.body);
      assert.equal(r.json.error.code, 'ADMIN_SCENARIO_LOCKED');
    }
    assert.ok(
      (await me('GET', '/me/scenarios', ann)).json.items.some((s: { id: string }) => s.id === item.id),
    );
  });

  test('given pause and resume, then the profile says so and each is audited as the user', async () => {
    const paused = await me('POST', '/me/pause', ann);
    assert.equal(paused.status, 200, paused.body);
    assert.ok(paused.json.locationPausedAt);
    assert.ok((await me('GET', '/me', ann)).json.locationPausedAt);
    const resumed = await me('POST', '/me/resume', ann);
    assert.equal(resumed.json.locationPausedAt, null);
    const rows = (await audit('location')).filter((r) => r.entityId === '230');
    assert.deepEqual(rows.map((r) => [r.actor, r.action]).slice(0, 2), [
      ['user:230', 'resume'],
      ['user:230', 'pause'],
    ]);
  });

  test('given a choice for 2 hours, then a ScenarioChosen from the reserved device id reaches the phone stream subject; clearing sends clear', async () => {
    const nats = await h.nats();
    const seen: Array<InstanceType<typeof v1.ScenarioChosen>> = [];
    const sub = nats.nc.subscribe(`${h.prefix}.v1.phone.choice.230`, {
      callback: (_e, m) => {
        seen.push(decodeMessage(v1.ScenarioChosen, m.data, 'ScenarioChosen'));
        m.respond(new TextEncoder().encode('{"stream":"TEST","seq":1}'));
      },
    });
    await nats.nc.flush();
    const before = Date.now();
    const chosen = await me('POST', '/me/choice', ann, { scenarioId: ids.annScenario, hours: 2 });
    assert.equal(chosen.status, 202, chosen.body);
    const cleared = await me('DELETE', '/me/choice', ann);
    assert.equal(cleared.status, 202, cleared.body);
    sub.unsubscribe();
    assert.equal(seen.length, 2);
    const [pick, clear] = seen as [
      InstanceType<typeof v1.ScenarioChosen>,
      InstanceType<typeof v1.ScenarioChosen>,
    ];
    assert.equal(pick.deviceId, 'self-service');
    assert.equal(pick.extension, '230');
    assert.equal(pick.scenarioId, ids.annScenario);
    const expires = Number(pick.expiresAtMs);
    assert.ok(expires >= before + 2 * 3600_000 && expires <= Date.now() + 2 * 3600_000);
    assert.ok(Number(clear.counter) > Number(pick.counter) || Number(clear.counter) === Number(pick.counter));
    assert.equal(clear.clear, true);
    assert.ok((await audit('scenario_choice')).some((r) => r.actor === 'user:230' && r.action === 'choose'));
  });

  test('given no stream behind the choice subject, then 503 ADMIN_ROUTER_UNAVAILABLE', async () => {
    const r = await me('POST', '/me/choice', ann, { scenarioId: ids.annScenario, hours: 1 });
    assert.equal(r.status, 503, r.body);
    assert.equal(r.json.error.code, 'ADMIN_ROUTER_UNAVAILABLE');
  });

  test('given router answers the decision query, then /me shows its answer; when it is silent, the decision it last announced', async () => {
    h.app.presence.apply({
      extension: '230',
      scenarioId: 's1',
      scenarioName: 'Announced',
      targetDial: '100',
      targetName: 'SMART-Desk',
      reason: 'announced earlier',
      decidedAt: new Date().toISOString(),
      version: 1,
    });
    const fallback = (await me('GET', '/me', ann)).json.routing;
    assert.equal(fallback.source, 'last-announced');
    assert.equal(fallback.scenarioName, 'Announced');
    const nats = await h.nats();
    const sub = nats.nc.subscribe(`${h.prefix}.v1.router.decision`, {
      callback: (_e, m) => {
        const q = decodeMessage(v1.DecisionQuery, m.data, 'DecisionQuery');
        const answer = v1.DecisionAnswer.create({
          found: true,
          scenarioName: `Live for ${q.extension}`,
          targetDial: '100',
          reason: 'router now',
          decidedAtMs: 1_700_000_000_000,
        });
        m.respond(encodeMessage(v1.DecisionAnswer, answer, 'DecisionAnswer'));
      },
    });
    await nats.nc.flush();
    const live = (await me('GET', '/me', ann)).json.routing;
    sub.unsubscribe();
    assert.deepEqual([live.source, live.scenarioName, live.reason], ['router', 'Live for 230', 'router now']);
  });

  test("given an administrator resets the password, then the user's sessions end and only the new password works", async () => {
    const { cookie } = await signIn(BOB);
    assert.equal((await me('GET', '/me', cookie)).status, 200);
    const reset = await h.call('PUT', '/api/v1/users/231/password', { password: 'bob-new-password' });
    assert.equal(reset.status, 200, reset.body);
    assert.ok(reset.json.sessionsEnded >= 1);
    assert.doesNotMatch(reset.body, /bob-new-password/);
    assert.equal((await me('GET', '/me', cookie)).status, 401);
    assert.equal((await signIn(BOB)).res.statusCode, 401);
    assert.equal((await signIn({ extension: '231', password: 'bob-new-password' })).res.statusCode, 200);
    assert.ok(
      (await audit('user_credentials')).some((r) => r.entityId === '231' && r.action === 'reset_password'),
    );
  });

  test('given a helpdesk account, then it may not set a user password', async () => {
    await h.call('POST', '/api/v1/accounts', {
      username: 'desk',
      role: 'helpdesk',
      password: 'helpdesk-pass-1',
    });
    const login = await h.call('POST', '/api/v1/auth/login', {
      username: 'desk',
      password: 'helpdesk-pass-1',
    });
    const r = await me(
      'PUT',
      '/api/v1/users/230/password',
      null,
      { password: 'whatever-123' },
      {
        authorization: `Bearer ${login.json.token}`,
      },
    );
    assert.equal(r.status, 403, r.body);
  });

  test('given a signed-in user, when they sign out, then the cookie is cleared and the session is gone', async () => {
    const { cookie } = await signIn(ANN);
    const out = await me('POST', '/me/logout', cookie);
    assert.equal(out.status, 204);
    assert.match([out.headers['set-cookie']].flat().join(), /sa_me_session=;/);
    assert.equal((await me('GET', '/me', cookie)).status, 401);
  });

  test("given both users' calls and presence history, then each user sees, exports and deletes only their own", async () => {
    const nats = await h.nats();
    const names = busNames(h.prefix);
    const t0 = Date.now() - 60_000;
    for (const [ext, device, place] of [
      ['230', 'ANNPHONE1', 'Ann office'],
      ['231', 'BOBPHONE1', 'Bob home'],
    ] as const) {
      nats.nc.publish(
        names.deviceReported(ext),
        deviceReported({
          deviceId: device,
          extension: ext,
          reportedAtMs: t0,
          locationName: place,
          reason: 'test',
        }),
      );
      const call = v1.CallRouted.create({
        callId: `call-${ext}`,
        extension: ext,
        callerIdNum: `555${ext}`,
        targetDial: '100',
        targetName: 'SMART-Desk',
        scenarioName: `${place} scenario`,
        reason: `reason for ${ext}`,
        decidedAtMs: t0,
      });
      nats.nc.publish(names.callRouted(ext), encodeMessage(v1.CallRouted, call, 'CallRouted'));
    }
    await nats.nc.flush();
    // both users' rows are written (in batches): the recorders have handled every message
    await eventually(async () => {
      const counts = await Promise.all(
        ['230', '231'].flatMap((ext) => [
          h.app.privacy.calls.recent(ext, 10),
          h.app.privacy.presence.recent(ext, 10),
        ]),
      );
      return counts.every((rows) => rows.length === 1) ? true : undefined;
    });
    const calls = await me('GET', '/me/calls', ann);
    assert.deepEqual(
      calls.json.items.map((c: { callId: string; callerIdNum: string }) => [c.callId, c.callerIdNum]),
      [['call-230', '555230']],
    );
    const places = await me('GET', '/me/presence-history', ann);
    assert.deepEqual(
      places.json.items.map((e: { placeName: string }) => e.placeName),
      ['Ann office'],
    );
    const exported = await me('GET', '/me/export', ann);
    assert.match(
      String(exported.headers['content-disposition']),
      /attachment; filename="smart-assistant-230.json"/,
    );
    assert.equal(exported.json.calls.length, 1);
    assert.equal(exported.json.presenceHistory[0].placeName, 'Ann office');
    assert.equal(exported.json.profile.extension, '230');
    assert.doesNotMatch(exported.body, /231|Bob/, "nothing of Bob's in Ann's export");
    const deleted = await me('DELETE', '/me/presence-history', ann);
    assert.equal(deleted.status, 200, deleted.body);
    assert.equal(deleted.json.deleted, 1);
    assert.deepEqual((await me('GET', '/me/presence-history', ann)).json.items, []);
    assert.equal((await h.app.privacy.presence.recent('231', 10)).length, 1, "Bob's history stays");
  });

  test("given the page, then /me/ serves it with the console's security headers", async () => {
    const page = await me('GET', '/me/', null);
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
  });
});
