// Issue 17 (privacy by design): the retention setting (GET/PUT /settings/privacy, audited) and an
// administrator's view of one user's presence history, written to the audit log on every call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busNames } from '@sa/proto';
import { eventually, startHarness } from '../src/test-support/admin-harness.js';
import { deviceReported } from '../src/test-support/device-reported.js';

test('given a user with presence history, when an administrator views it twice, then each view writes an audit row and the answer carries the place, never the network', async () => {
  await using h = await startHarness({ ADMIN_HISTORY_FLUSH_MS: '20' });
  assert.equal((await h.call('POST', '/api/v1/extensions', { extension: '240' })).status, 201);
  const c = await h.nats();
  const t0 = Date.now() - 60_000;
  for (const [i, place] of ['Office', 'Lab'].entries())
    c.nc.publish(
      busNames(h.prefix).deviceReported('240'),
      deviceReported({
        deviceId: 'DEV240A',
        extension: '240',
        reportedAtMs: t0 + i * 1000,
        ssid: 'SecretCorpNet',
        bssid: 'aa:bb:cc:dd:ee:01',
        locationName: place,
        reason: 'test',
      }),
    );
  await eventually(async () =>
    (await h.app.privacy.presence.recent('240', 10)).length === 2 ? true : undefined,
  );

  const first = await h.call('GET', '/api/v1/users/240/presence-history?limit=10');
  assert.equal(first.status, 200, first.body);
  assert.deepEqual(first.json.items, [
    { at: new Date(t0 + 1000).toISOString(), deviceId: 'DEV240A', placeName: 'Lab' },
    { at: new Date(t0).toISOString(), deviceId: 'DEV240A', placeName: 'Office' },
  ]);
  assert.doesNotMatch(first.body, /SecretCorpNet|aa:bb:cc|rssi/i);
  assert.equal((await h.call('GET', '/api/v1/users/240/presence-history')).status, 200);

  const audit = await h.call('GET', '/api/v1/audit?entity=presence_history&limit=10');
  const views = audit.json.items.filter((a: { action: string }) => a.action === 'view');
  assert.equal(views.length, 2, 'one audit row per view');
  for (const v of views) {
    assert.equal(v.actor, 'admin:admin');
    assert.equal(v.entityId, '240');
  }
  assert.deepEqual(views[1].after, { limit: 10, returned: 2 });
});

test('given a helpdesk account, when it asks for a user presence history, then 403 and nothing is shown', async () => {
  await using h = await startHarness();
  const created = await h.call('POST', '/api/v1/accounts', { username: 'desk1', role: 'helpdesk' });
  assert.equal(created.status, 201, created.body);
  const login = await h.call(
    'POST',
    '/api/v1/auth/login',
    { username: 'desk1', password: created.json.generatedPassword },
    { authorization: '' },
  );
  const res = await h.call('GET', '/api/v1/users/240/presence-history', undefined, {
    authorization: `Bearer ${login.json.token}`,
  });
  assert.equal(res.status, 403);
  assert.equal(res.json.error.code, 'ADMIN_FORBIDDEN');
});

test('given the privacy settings, when read, changed and given out-of-range values, then the default is 30 days, a change is kept and audited, and 0 or 3651 are refused naming the field', async () => {
  await using h = await startHarness();
  const initial = await h.call('GET', '/api/v1/settings/privacy');
  assert.equal(initial.status, 200, initial.body);
  assert.deepEqual(initial.json, { retentionDays: 30, isDefault: true });

  for (const retentionDays of [0, 3651]) {
    const bad = await h.call('PUT', '/api/v1/settings/privacy', { retentionDays });
    assert.equal(bad.status, 400, bad.body);
    assert.equal(bad.json.error.code, 'ADMIN_REQUEST_INVALID');
    assert.equal(bad.json.error.details.field, 'body.retentionDays');
    assert.match(bad.json.error.message, /^body\.retentionDays: must be [<>]= (1|3650)$/);
  }
  const extra = await h.call('PUT', '/api/v1/settings/privacy', { retentionDays: 7, keepForever: true });
  assert.equal(extra.status, 400);

  const put = await h.call('PUT', '/api/v1/settings/privacy', { retentionDays: 7 });
  assert.equal(put.status, 200, put.body);
  assert.deepEqual(put.json, { retentionDays: 7, isDefault: false });
  assert.deepEqual((await h.call('GET', '/api/v1/settings/privacy')).json, {
    retentionDays: 7,
    isDefault: false,
  });
  const audit = await h.call('GET', '/api/v1/audit?entity=settings&limit=10');
  const row = audit.json.items.find((a: { entityId: string }) => a.entityId === 'privacy');
  assert.equal(row?.action, 'update');
  assert.equal(row?.actor, 'admin:admin');
  assert.deepEqual(row?.before, { retentionDays: 30, isDefault: true });
  assert.deepEqual(row?.after, { retentionDays: 7 });
});

test('given ADMIN_RETENTION_DAYS, when nobody set the retention, then it is the default', async () => {
  await using h = await startHarness({ ADMIN_RETENTION_DAYS: '90' });
  assert.deepEqual((await h.call('GET', '/api/v1/settings/privacy')).json, {
    retentionDays: 90,
    isDefault: true,
  });
});
