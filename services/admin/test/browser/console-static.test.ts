// Issue 19: the console's static files in real headless Chromium. A cold sign-in and the devices page
// load only the modules they use (pages are loaded on demand), JavaScript travels compressed, and
// every file is revalidated (ETag -> 304) rather than kept past a release.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@sa/platform';
import { repoRoot, type ServiceProcess, uniqueName } from '@sa/testkit';
import type { Browser, Page } from 'playwright-core';
import * as session from './browser-session.js';

const PASSWORD = `static-${randomBytes(6).toString('hex')}`;
const logger = createLogger('console-static-test', 'warn');
const prefix = uniqueName('static');
const VIEWS = readdirSync(join(repoRoot, 'services', 'admin', 'public', 'views')).filter((f) =>
  f.endsWith('.js'),
);

let admin: ServiceProcess;
let browser: Browser;
let baseUrl: string;

/** A plain GET: status and headers. */
function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    }).on('error', reject);
  });
}

interface Loaded {
  path: string;
  encoding: string;
  bytes: number;
}

/** Every script the page fetched, with how it came (encoding) and its size on the wire. */
function collectScripts(page: Page): Loaded[] {
  const loaded: Loaded[] = [];
  page.on('requestfinished', async (request) => {
    const url = new URL(request.url());
    if (!url.pathname.endsWith('.js')) return;
    const response = await request.response();
    const sizes = await request.sizes();
    loaded.push({
      path: url.pathname,
      encoding: (await response?.allHeaders())?.['content-encoding'] ?? '',
      bytes: sizes.responseBodySize,
    });
  });
  return loaded;
}

describe('console: static files', () => {
  before(async () => {
    session.requireChromium();
    admin = await session.startAdminForBrowser(prefix, PASSWORD);
    baseUrl = admin.addresses.http!;
    browser = await session.launchChromium();
  });
  after(async () => {
    await browser?.close();
    await admin?.stop();
    await session.dropAdminState(prefix, logger, 'console-static-test');
  });

  it('given a cold browser, when it signs in and opens Devices, then only that page of the views loads, compressed', async () => {
    const page = await session.openPage(browser);
    const scripts = collectScripts(page);
    await page.goto(baseUrl);
    await page.getByLabel('Username').waitFor({ timeout: 30_000 });
    const views = () => scripts.filter((s) => s.path.startsWith('/views/')).map((s) => s.path);
    assert.deepEqual(
      views().filter((p) => p !== '/views/login.js' && p !== '/views/page.js'),
      [],
      'the sign-in page loads no page modules',
    );
    await session.signIn(page, PASSWORD);
    await page.waitForLoadState('networkidle');
    const loadedViews = new Set(views());
    assert.ok(loadedViews.has('/views/devices.js'));
    assert.ok(!loadedViews.has('/views/bulk.js') && !loadedViews.has('/views/accounts.js'));
    assert.ok(
      loadedViews.size < VIEWS.length / 2,
      `${loadedViews.size} of ${VIEWS.length} view modules loaded`,
    );
    const big = scripts.filter((s) => s.bytes > 1024 || s.encoding !== '');
    assert.ok(big.length > 0);
    for (const s of big) assert.match(s.encoding, /^(br|gzip)$/, `${s.path} compressed`);
    const total = scripts.reduce((n, s) => n + s.bytes, 0);
    logger.info({ requests: scripts.length, bytes: total }, 'cold load of the devices page');
    await page.close();
  });

  it('given a module fetched once, when asked again with its ETag, then 304 (revalidated, never kept past a release)', async () => {
    const first = await get(`${baseUrl}/app.js`, {});
    assert.equal(first.status, 200);
    assert.equal(first.headers['cache-control'], 'public, max-age=0');
    const etag = first.headers.etag;
    assert.ok(typeof etag === 'string' && etag.length > 0, 'an ETag');
    // node:http, not fetch: fetch marks a request carrying If-None-Match as not to be answered from cache
    const again = await get(`${baseUrl}/app.js`, { 'if-none-match': etag });
    assert.equal(again.status, 304);
  });
});
