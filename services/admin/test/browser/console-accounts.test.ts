// Issue 14 (Trust) in real headless Chromium against the real admin, Postgres and NATS: the console's
// Change password form, the Accounts page (a helpdesk account with a generated password shown once),
// a helpdesk sign-in that sees only Devices, Who is where and Change password and is refused
// elsewhere, and a page of another origin on the same host (same site, so the SameSite=Strict cookie
// goes along) whose logout and multipart licence upload admin refuses. Screenshots go to
// artifacts/screenshots/accounts-*.png.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@sa/platform';
import { type ServiceProcess, uniqueName } from '@sa/testkit';
import type { Browser, Page } from 'playwright-core';
import * as session from './browser-session.js';

const PASSWORD = `accounts-${randomBytes(6).toString('hex')}`;
const NEW_PASSWORD = `changed-${randomBytes(6).toString('hex')}`;
const DEVICE = 'ACCOUNTSPHONE01';

const logger = createLogger('console-accounts-test', 'warn');
const prefix = uniqueName('accounts');

let admin: ServiceProcess;
let browser: Browser;
let page: Page;
let baseUrl: string;
let otherSite: Server;
let otherUrl: string;
let helpdeskPassword = '';
let scriptProblems: string[] = [];

/** Another web application on the same host: a page that posts to admin with the browser's cookies. */
function otherOriginPage(target: string): string {
  return `<!doctype html><title>other</title><script>
  window.attack = async () => {
    // admin's Cross-Origin-Resource-Policy hides each answer from this page: the fetch rejects
    await fetch(${JSON.stringify(`${target}/api/v1/auth/logout`)}, { method: 'POST', mode: 'no-cors', credentials: 'include' }).catch(() => {});
    const form = new FormData();
    form.append('file', new Blob(['{}']), 'lic-${DEVICE}.lic');
    await fetch(${JSON.stringify(`${target}/api/v1/devices/${DEVICE}/licence`)}, { method: 'POST', body: form, mode: 'no-cors', credentials: 'include' }).catch(() => {});
    return 'sent';
  };
  </script>`;
}

/** The sign-in form (the console's last page stays in the hidden shell, with labels of its own). */
const loginForm = () => page.locator('#login-screen');

async function signInAs(username: string, password: string): Promise<void> {
  await loginForm().getByLabel('Username').waitFor({ timeout: 30_000 });
  await loginForm().getByLabel('Username').fill(username);
  await loginForm().getByLabel('Password', { exact: true }).fill(password);
  await loginForm().getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.goto(`${baseUrl}/#/devices`);
  await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
}

async function navNames(): Promise<string[]> {
  return page.locator('#main-nav a:visible').allTextContents();
}

describe('console accounts, roles and cross-origin refusal in headless Chromium', () => {
  before(async () => {
    session.requireChromium();
    admin = await session.startAdminForBrowser(prefix, PASSWORD);
    baseUrl = admin.addresses.http!;
    otherSite = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(otherOriginPage(baseUrl));
    });
    await new Promise<void>((resolve) => otherSite.listen(0, '127.0.0.1', resolve));
    otherUrl = `http://127.0.0.1:${(otherSite.address() as AddressInfo).port}/`;
    browser = await session.launchChromium();
    // a context of its own: the other origin's page opens in the same one, so it has the cookies
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    scriptProblems = session.collectScriptProblems(page);
    await page.goto(baseUrl);
    await session.signIn(page, PASSWORD);
    const token = await session.sessionToken(page);
    const created = await fetch(`${baseUrl}/api/v1/devices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ deviceId: DEVICE, extension: '230', label: 'Front desk' }),
    });
    assert.equal(created.status, 201, await created.text());
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => otherSite?.close(resolve));
    await admin?.stop();
    await session.dropAdminState(prefix, logger, 'console-accounts-cleanup');
  });

  it('given a signed-in administrator, when a page of another origin on the same host posts logout and a multipart licence, then admin refuses both (403) and the session stays', async () => {
    const other = await page.context().newPage();
    await other.goto(otherUrl);
    assert.equal(await other.evaluate('window.attack()'), 'sent');
    await other.close();
    const otherOrigin = otherUrl.replace(/\/$/, '');
    const refused = (l: { event?: string }) => l.event === 'cross_origin_refused';
    await admin.waitForLog(
      () => admin.logs.filter(refused).length === 2,
      5000,
      'two cross_origin_refused lines',
    );
    const refusals = admin.logs.filter(refused);
    assert.deepEqual(
      refusals.map((l) => [l.url, l.origin, l.secFetchSite, l.sessionCookie]),
      [
        ['/api/v1/auth/logout', otherOrigin, 'same-site', true],
        [`/api/v1/devices/${DEVICE}/licence`, otherOrigin, 'same-site', true],
      ],
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    await page.getByRole('row').filter({ hasText: DEVICE }).waitFor();
    await session.shot(page, 'accounts-01-still-signed-in');
  });

  it('given the Change password page, when the current password is wrong, then the field says so; when right, then the new one signs in', async () => {
    await page.getByRole('link', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Change password', level: 1 }).waitFor();
    await page.getByLabel('Current password').fill('not-the-password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is wrong.').first().waitFor();
    await session.shot(page, 'accounts-02-wrong-current');

    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await loginForm().getByLabel('Username').fill('admin');
    await loginForm().getByLabel('Password', { exact: true }).fill(PASSWORD);
    await loginForm().getByRole('button', { name: 'Sign in' }).click();
    await loginForm().getByText('wrong username or password', { exact: false }).waitFor();
    await signInAs('admin', NEW_PASSWORD);
  });

  it('given the Accounts page, when a helpdesk account is added without a password, then its generated password is shown once', async () => {
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('row').filter({ hasText: 'admin' }).getByText('Administrator').waitFor();
    await page.getByRole('button', { name: 'Add account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add account' });
    await dialog.getByLabel('Username').fill('desk1');
    await dialog.getByLabel('Role').selectOption('helpdesk');
    await dialog.getByRole('button', { name: 'Add account' }).click();
    await dialog.getByText('Copy its password now').waitFor();
    helpdeskPassword = (await session.textOf(dialog.locator('.secret code'))).trim();
    assert.match(helpdeskPassword, /^[A-Za-z0-9_-]{20}$/);
    await session.shot(page, 'accounts-03-generated-password');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('row').filter({ hasText: 'desk1' }).getByText('Helpdesk').waitFor();
    assert.equal(await page.getByText(helpdeskPassword).count(), 0, 'the password is not shown again');
  });

  it('given a helpdesk sign-in, then only Devices, Who is where and Change password are in the navigation, it can disable a device, and the server keys page is refused', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs('desk1', helpdeskPassword);
    assert.deepEqual(await navNames(), ['Devices', 'Who is where', 'Change password']);
    assert.equal(await session.textOf(page.locator('#whoami')), 'desk1 (Helpdesk)');
    await session.shot(page, 'accounts-04-helpdesk-navigation');

    const row = page.getByRole('row').filter({ hasText: DEVICE });
    await row.getByRole('button', { name: `Disable ${DEVICE}` }).click();
    await page.getByText(`Device ${DEVICE} disabled`).waitFor();
    await row.getByText('Disabled').waitFor();
    // nothing the API would refuse it is offered: no Add device, Edit or Delete
    assert.equal(await page.getByRole('button', { name: 'Add device' }).count(), 0);
    assert.equal(await row.getByRole('button', { name: `Edit ${DEVICE}` }).count(), 0);
    assert.equal(await row.getByRole('button', { name: `Delete ${DEVICE}` }).count(), 0);

    await page.getByRole('link', { name: 'Who is where' }).click();
    await page.getByRole('heading', { name: 'Who is where', level: 1 }).waitFor();

    await page.goto(`${baseUrl}/#/keys`);
    await page
      .getByText('Could not load: account desk1 (helpdesk): this route needs the administrator role')
      .waitFor();
    await session.shot(page, 'accounts-05-helpdesk-refused');
    await page.goto(`${baseUrl}/#/accounts`);
    await page.getByText(/Could not load: account desk1 \(helpdesk\)/).waitFor();
  });

  it('given a 375 px wide phone screen, when the accounts and password pages are shown, then nothing scrolls sideways', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs('admin', NEW_PASSWORD);
    await page.setViewportSize({ width: 375, height: 812 });
    const overflow = async () =>
      Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    for (const [route, ready] of [
      ['devices', page.getByRole('row').filter({ hasText: DEVICE })],
      ['accounts', page.getByRole('row').filter({ hasText: 'desk1' })],
      ['password', page.getByLabel('Current password')],
    ] as const) {
      await page.goto(`${baseUrl}/#/${route}`);
      await ready.waitFor();
      assert.equal(await overflow(), 0, `${route} overflows horizontally at 375 px`);
    }
    await session.shot(page, 'accounts-06-phone-accounts');
    assert.deepEqual(scriptProblems, []);
  });
});
