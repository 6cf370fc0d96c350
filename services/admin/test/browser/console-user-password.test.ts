// Issue 17 in real headless Chromium: an administrator sets a user's self-service password from the
// console's Users page; the user then signs in at /me/ with it, and setting it again ends that
// session (the old cookie no longer works).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@sa/platform';
import { type ServiceProcess, uniqueName } from '@sa/testkit';
import type { Browser, Page } from 'playwright-core';
import * as session from './browser-session.js';

const PASSWORD = `userpw-${randomBytes(6).toString('hex')}`;
const logger = createLogger('console-user-password-test', 'warn');
const prefix = uniqueName('userpw');

let admin: ServiceProcess;
let browser: Browser;
let page: Page;
let baseUrl: string;

async function setFromConsole(extension: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/#/users`);
  await page.getByRole('button', { name: `Set the self-service password of ${extension}` }).click();
  const dialog = page.getByRole('dialog', { name: `Self-service password of ${extension}` });
  await dialog.getByLabel('New password').fill(password);
  await dialog.getByRole('button', { name: 'Set password' }).click();
  // the dialog closes once admin said yes (the notice of an earlier time may still be showing)
  await dialog.waitFor({ state: 'hidden' });
  await page.getByText(`Self-service password of ${extension} set`).first().waitFor();
}

async function meLogin(extension: string, password: string): Promise<Response> {
  return fetch(`${baseUrl}/me/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ extension, password }),
  });
}

describe("console: a user's self-service password", () => {
  before(async () => {
    session.requireChromium();
    admin = await session.startAdminForBrowser(prefix, PASSWORD);
    baseUrl = admin.addresses.http!;
    const api = await session.adminApi(baseUrl, PASSWORD);
    assert.equal((await api('POST', '/extensions', { extension: '250', displayName: 'Dana' })).status, 201);
    browser = await session.launchChromium();
    page = await session.openPage(browser);
    await page.goto(baseUrl);
    await session.signIn(page, PASSWORD);
  });
  after(async () => {
    await browser?.close();
    await admin?.stop();
    await session.dropAdminState(prefix, logger, 'console-user-password-test');
  });

  it('given the Users page, when an administrator sets a password, then the user signs in at /me/ with it; set again, the old session ends', async () => {
    assert.equal((await meLogin('250', 'first-password-1')).status, 401, 'no password yet');
    await setFromConsole('250', 'first-password-1');
    const first = await meLogin('250', 'first-password-1');
    assert.equal(first.status, 200, await first.text());
    const cookie = /sa_me_session=[^;]+/.exec(first.headers.get('set-cookie') ?? '')?.[0] ?? '';
    assert.ok(cookie, 'a session cookie');
    assert.equal((await fetch(`${baseUrl}/me`, { headers: { cookie } })).status, 200);

    await setFromConsole('250', 'second-password-2');
    assert.equal(
      (await fetch(`${baseUrl}/me`, { headers: { cookie } })).status,
      401,
      'the old session ended',
    );
    assert.equal((await meLogin('250', 'first-password-1')).status, 401);
    assert.equal((await meLogin('250', 'second-password-2')).status, 200);
  });
});
