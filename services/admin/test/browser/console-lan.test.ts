// The console opened from another PC (issue 15): real admin bound to 0.0.0.0 as the shipped configs
// do, Debian's Chromium running inside a network namespace of the test's own (lan-namespace.ts), so
// it reaches admin over plain HTTP at a non-loopback address, as a browser on the office LAN does.
// Chromium treats 127.0.0.1 as secure and forgives what a LAN address does not (an
// upgrade-insecure-requests CSP sends the console's scripts and styles to https, and the page stays
// blank), so only this test sees that. A screenshot after login goes to artifacts/screenshots/.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@sa/platform';
import { type ServiceProcess, uniqueName } from '@sa/testkit';
import type { Browser, Page } from 'playwright-core';
import * as session from './browser-session.js';
import { createLanNamespace, type LanNamespace } from './lan-namespace.js';

const PASSWORD = `lan-${randomBytes(6).toString('hex')}`;

const logger = createLogger('console-lan-test', 'warn');
const prefix = uniqueName('lan');
const workDir = mkdtempSync(join(tmpdir(), 'sa-console-lan-'));

let lan: LanNamespace | undefined;
let admin: ServiceProcess | undefined;
let browser: Browser | undefined;
let page: Page;
let consoleUrl: string;
const requested: string[] = [];
const failed: string[] = [];
let scriptProblems: string[] = [];

describe('admin console opened from another machine over plain HTTP', () => {
  before(async () => {
    session.requireChromium();
    lan = createLanNamespace();
    admin = await session.startAdminForBrowser(prefix, PASSWORD, { ADMIN_HOST: '0.0.0.0' });
    const port = new URL(admin.addresses.http!).port;
    consoleUrl = `http://${lan.hostAddress}:${port}`;
    // playwright starts the wrapper, which execs Chromium inside the namespace (fresh profile dir)
    browser = await session.launchChromium(
      ['--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
      lan.wrapper(join(workDir, 'chromium-in-namespace'), session.CHROMIUM),
    );
    page = await session.openPage(browser);
    page.on('request', (request) => requested.push(request.url()));
    page.on('requestfailed', (request) =>
      failed.push(`${request.url()}: ${request.failure()?.errorText ?? 'failed'}`),
    );
    scriptProblems = session.collectScriptProblems(page, /Content Security Policy|Uncaught|Mixed Content/i);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await admin?.stop();
    lan?.remove();
    rmSync(workDir, { recursive: true, force: true });
    await session.dropAdminState(prefix, logger, 'console-lan-test-cleanup');
  });

  it("given admin bound to 0.0.0.0, when it starts, then its listening line names the host's LAN address", () => {
    const line = admin!.logs.find((l) => l.event === 'listening');
    assert.ok(
      Array.isArray(line?.urls) && line.urls.includes(consoleUrl),
      `listening line without ${consoleUrl}: ${JSON.stringify(line)}`,
    );
    assert.match(String(line.msg), /^admin console at http:\/\//);
  });

  it('given a browser on another machine, when it opens http://<pbx>:<port>/ and signs in, then the console renders with every file fetched over http', async () => {
    const response = await page.goto(`${consoleUrl}/`);
    assert.equal(response?.status(), 200);
    await page
      .getByRole('heading', { name: 'Sign in' })
      .waitFor()
      .catch((err: unknown) => {
        throw new Error(`blank page: no sign-in form; failed requests: ${failed.join(', ') || 'none'}`, {
          cause: err,
        });
      });
    await session.signIn(page, PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).waitFor();
    await session.shot(page, 'lan-01-devices');
    // the stylesheet applied (the sign-in screen and shell are styled, not raw HTML)
    const styled = await page.evaluate(
      '[...document.styleSheets].some((s) => /\\/styles-[A-Z0-9]{8}\\.css$/.test(s.href ?? "") && s.cssRules.length > 0)',
    );
    assert.equal(styled, true, 'styles.css did not load');

    assert.deepEqual(failed, [], 'requests that failed');
    assert.deepEqual(
      requested.filter((url) => !url.startsWith(`${consoleUrl}/`)),
      [],
      'requests not sent over plain http to the address typed (an https upgrade shows here)',
    );
    assert.ok(requested.some((url) => /\/app-[A-Z0-9]{8}\.js$/.test(url)));
    assert.deepEqual(scriptProblems, []);
    const headers = response!.headers();
    assert.equal(headers['strict-transport-security'], undefined, 'HSTS over plain HTTP');
    assert.doesNotMatch(headers['content-security-policy'] ?? '', /upgrade-insecure-requests/);
    // admin saw the browser at its LAN address, not on loopback
    const login = admin!.logs.find((l) => l.event === 'login');
    assert.equal(login?.src, lan!.lanAddress);
  });
});
