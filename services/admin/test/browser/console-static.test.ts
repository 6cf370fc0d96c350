// Issue 19: the console's static files in real headless Chromium. A cold sign-in and the devices page
// load only the modules they use (pages are loaded on demand), JavaScript travels compressed, files
// named by their content hash are kept for a year, and index.html is revalidated (ETag -> 304) so a
// release shows at once.
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
const VIEWS = readdirSync(join(repoRoot, 'services', 'admin', 'web', 'console', 'views')).map((f) =>
  f.replace(/\.[jt]s$/, ''),
);
/** The page a bundled module holds, if it is one: chunks/devices-<hash>.js holds views/devices.ts. */
const viewOf = (path: string): string | undefined => {
  const name = /^\/chunks\/(.+)-[A-Z0-9]{8}\.js$/.exec(path)?.[1];
  return name && VIEWS.includes(name) ? name : undefined;
};

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
    const views = () => scripts.map((s) => viewOf(s.path)).filter((v) => v !== undefined);
    assert.deepEqual(views(), [], 'the sign-in page loads no page modules');
    await session.signIn(page, PASSWORD);
    await page.waitForLoadState('networkidle');
    const loadedViews = new Set(views());
    assert.ok(loadedViews.has('devices'), `devices among ${[...loadedViews]}`);
    assert.ok(!loadedViews.has('bulk') && !loadedViews.has('accounts'));
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

  it('given the page and its modules, then hashed modules are kept for a year and the page is revalidated (ETag -> 304)', async () => {
    const page = await get(`${baseUrl}/`, {});
    assert.equal(page.status, 200);
    assert.equal(page.headers['cache-control'], 'no-cache');
    const etag = page.headers.etag;
    assert.ok(typeof etag === 'string' && etag.length > 0, 'an ETag');
    // node:http, not fetch: fetch marks a request carrying If-None-Match as not to be answered from cache
    assert.equal((await get(`${baseUrl}/`, { 'if-none-match': etag })).status, 304);
    const html = await (await fetch(`${baseUrl}/`)).text();
    const entry = /src="(app-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
    assert.ok(entry, `index.html names its module by content hash: ${html.slice(0, 600)}`);
    const module = await get(`${baseUrl}/${entry}`, {});
    assert.equal(module.status, 200);
    assert.equal(module.headers['cache-control'], 'public, max-age=31536000, immutable');
    const styles = /href="(styles-[A-Z0-9]{8}\.css)"/.exec(html)?.[1];
    assert.ok(styles, 'the style sheet is named by content hash too');
  });
});
