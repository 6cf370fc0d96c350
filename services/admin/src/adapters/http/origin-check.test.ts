import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossOriginRefusal } from './origin-check.js';

const own = { protocol: 'http', host: '192.168.1.10:8081' };

test('given a GET from anywhere, then it is never refused', () => {
  assert.equal(crossOriginRefusal({ ...own, method: 'GET', secFetchSite: 'cross-site' }), null);
});

test('given Sec-Fetch-Site, when same-origin or none, then it passes; same-site and cross-site are refused', () => {
  for (const site of ['same-origin', 'none'])
    assert.equal(crossOriginRefusal({ ...own, method: 'POST', secFetchSite: site }), null);
  for (const site of ['same-site', 'cross-site'])
    assert.match(crossOriginRefusal({ ...own, method: 'DELETE', secFetchSite: site }) ?? '', /refused/);
});

test('given Sec-Fetch-Site same-origin behind a proxy that rewrites Host, then Origin is not consulted', () => {
  const r = { ...own, method: 'POST', secFetchSite: 'same-origin', origin: 'https://admin.example.com' };
  assert.equal(crossOriginRefusal(r), null);
});

test('given only Origin, when it equals the request origin, then it passes; another or "null" is refused', () => {
  assert.equal(crossOriginRefusal({ ...own, method: 'PUT', origin: 'http://192.168.1.10:8081' }), null);
  assert.match(
    crossOriginRefusal({ ...own, method: 'PUT', origin: 'http://192.168.1.10:9000' }) ?? '',
    /origin http:\/\/192\.168\.1\.10:9000 is refused/,
  );
  assert.match(crossOriginRefusal({ ...own, method: 'PATCH', origin: 'null' }) ?? '', /refused/);
  assert.match(
    crossOriginRefusal({ ...own, method: 'POST', origin: 'https://192.168.1.10:8081' }) ?? '',
    /refused/,
  );
});

test('given neither header (curl, CLI, API token), then a state-changing request passes', () => {
  assert.equal(crossOriginRefusal({ ...own, method: 'POST' }), null);
});
