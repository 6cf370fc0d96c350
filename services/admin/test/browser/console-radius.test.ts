// Issue 20 (presence without an app) in the console, in real headless Chromium against the real
// admin, Postgres and NATS: an access point added without a secret shows its generated secret once
// (gone after Done and a reload, never in the list), an edit and a disable reach the list, a new
// secret is shown once; a device added with two Wi-Fi MACs in different spellings lists them
// normalised, a MAC in a bad spelling or of another device is named next to the field, an edit
// replaces them; the Locations hint names the access points. No script error and no CSP violation.
// Screenshots: artifacts/screenshots/radius-*.png.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@sa/platform';
import { type ServiceProcess, uniqueName, waitFor } from '@sa/testkit';
import type { Browser, Locator, Page } from 'playwright-core';
import * as session from './browser-session.js';

const PASSWORD = `radius-${randomBytes(6).toString('hex')}`;
const PHONE = 'RADIUSPHONE000000001';
const OTHER = 'RADIUSPHONE000000002';

const logger = createLogger('console-radius-test', 'warn');
const prefix = uniqueName('radiusui');

let admin: ServiceProcess;
let browser: Browser;
let page: Page;
let baseUrl: string;
let api: session.ApiCall;
let scriptProblems: string[] = [];
let firstSecret = '';

function row(text: string): Locator {
  return page.getByRole('row').filter({ hasText: text });
}

describe('console access points and Wi-Fi MACs in headless Chromium', () => {
  before(async () => {
    session.requireChromium();
    admin = await session.startAdminForBrowser(prefix, PASSWORD);
    baseUrl = admin.addresses.http!;
    api = await session.adminApi(baseUrl, PASSWORD);
    assert.equal(
      (await api('POST', '/extensions', { extension: '250', displayName: 'Eve Stone' })).status,
      201,
    );
    assert.equal(
      (await api('POST', '/devices', { deviceId: OTHER, extension: '250', wifiMacs: ['02:00:00:00:00:99'] }))
        .status,
      201,
    );
    browser = await session.launchChromium();
    page = await session.openPage(browser);
    scriptProblems = session.collectScriptProblems(page);
    await page.goto(baseUrl);
    await session.signIn(page, PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await admin?.stop();
    await session.dropAdminState(prefix, logger, 'console-radius-cleanup');
  });

  it('given the Access points page, when an access point is added without a secret, then its generated secret is shown once and is gone after Done and a reload', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access points' }).click();
    await page.getByRole('heading', { name: 'Access points', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add access point' }).click();
    const form = page.getByRole('dialog', { name: 'Add access point' });
    await form.getByLabel('Name').fill('Controller 1');
    await form.getByLabel('Address or network').fill('192.0.2.5/24');
    await form.getByRole('button', { name: 'Add access point' }).click();
    // host bits after the prefix: named next to the field
    const network = form.getByLabel('Address or network');
    await waitFor(async () => (await network.getAttribute('aria-invalid')) === 'true', {
      what: 'network marked invalid',
    });
    assert.match(await session.textOf(form.locator('.field-error')), /bits set after the \/24 prefix/);
    assert.match(await session.textOf(form.getByRole('alert')), /ADMIN_NETWORK_INVALID/);
    await network.fill('192.0.2.0/24');
    await form.getByRole('button', { name: 'Add access point' }).click();
    const secret = form.locator('.secret code');
    await secret.waitFor();
    firstSecret = (await secret.textContent()) ?? '';
    assert.match(firstSecret, /^[A-Za-z0-9]{24}$/);
    assert.match(await session.textOf(form), /will not be shown again/);
    await session.shot(page, 'radius-01-secret-once');
    await form.getByRole('button', { name: 'Done' }).click();
    await row('Controller 1').waitFor();
    assert.match(await session.textOf(row('Controller 1')), /192\.0\.2\.0\/24.*Enabled/);
    assert.equal((await page.content()).includes(firstSecret), false, 'the list shows no secret');
    await page.reload();
    await row('Controller 1').waitFor();
    assert.equal((await page.content()).includes(firstSecret), false, 'no secret after a reload');
  });

  it('given an access point, when it is edited, disabled and given a new secret, then the list follows and the new secret is shown once', async () => {
    await page.getByRole('button', { name: 'Edit Controller 1' }).click();
    const form = page.getByRole('dialog', { name: 'Edit Controller 1' });
    await form.getByLabel('Name').fill('Controller A');
    await form.getByLabel('Address or network').fill('2001:DB8::/48');
    await form.getByRole('button', { name: 'Save access point' }).click();
    await form.waitFor({ state: 'detached' });
    await waitFor(async () => /2001:db8::\/48/.test(await session.textOf(row('Controller A'))), {
      what: 'edited access point listed (canonical network)',
    });
    await page.getByRole('button', { name: 'Disable Controller A' }).click();
    await waitFor(async () => /Disabled/.test(await session.textOf(row('Controller A'))), {
      what: 'access point disabled',
    });
    await page.getByRole('button', { name: 'New secret for Controller A' }).click();
    const rotate = page.getByRole('dialog', { name: 'New secret for Controller A' });
    await rotate.getByRole('button', { name: 'Generate new secret' }).click();
    const secret = rotate.locator('.secret code');
    await secret.waitFor();
    const fresh = (await secret.textContent()) ?? '';
    assert.match(fresh, /^[A-Za-z0-9]{24}$/);
    assert.notEqual(fresh, firstSecret);
    await session.shot(page, 'radius-02-new-secret');
    await rotate.getByRole('button', { name: 'Done' }).click();
    const listed = (await (await api('GET', '/accounting-clients')).json()) as {
      items: { name: string; network: string; enabled: boolean }[];
    };
    assert.deepEqual(
      listed.items.map((c) => [c.name, c.network, c.enabled]),
      [['Controller A', '2001:db8::/48', false]],
    );
    await session.shot(page, 'radius-03-list');
  });

  it('given the device form, when a device is added with two MACs in different spellings, then the list shows them normalised; a bad or taken MAC is named next to the field', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add device' }).click();
    const form = page.getByRole('dialog', { name: 'Add device' });
    await form.getByLabel('Device ID').fill(PHONE);
    await form.getByLabel('Extension', { exact: true }).fill('250');
    const macs = form.getByLabel('Wi-Fi MAC addresses (optional)');
    await macs.fill('A4-5E-60-12-34-56\nzz:zz');
    await form.getByRole('button', { name: 'Add device' }).click();
    await waitFor(async () => (await macs.getAttribute('aria-invalid')) === 'true', {
      what: 'MAC field marked invalid',
    });
    assert.match(await session.textOf(form.locator('.field-error')), /"zz:zz" is not a MAC address/);
    await macs.fill('A4-5E-60-12-34-56\n02:00:00:00:00:99');
    await form.getByRole('button', { name: 'Add device' }).click();
    await waitFor(
      async () => /already belongs to device RADIUSPHONE000000002/.test(await session.textOf(form)),
      {
        what: 'taken MAC named with its device',
      },
    );
    await macs.fill('A4-5E-60-12-34-56\na45e.6012.3457');
    await session.shot(page, 'radius-04-device-macs');
    await form.getByRole('button', { name: 'Add device' }).click();
    await form.waitFor({ state: 'detached' });
    // a new device is enrolled as usual: close its enrolment dialog
    await page
      .getByRole('dialog', { name: `Enrol device ${PHONE}` })
      .getByRole('button', { name: 'Done' })
      .click();
    const cell = row(PHONE).locator('.wifi-macs');
    await waitFor(async () => /a4:5e:60:12:34:56\s*a4:5e:60:12:34:57$/.test(await session.textOf(cell)), {
      what: 'MACs listed normalised',
    });
    await session.shot(page, 'radius-05-device-list');
  });

  it('given a device with MACs, when edited, then the form shows them one per line and the new set replaces them', async () => {
    await page.getByRole('button', { name: `Edit ${PHONE}` }).click();
    const form = page.getByRole('dialog', { name: `Edit device ${PHONE}` });
    const macs = form.getByLabel('Wi-Fi MAC addresses (optional)');
    assert.equal(await macs.inputValue(), 'a4:5e:60:12:34:56\na4:5e:60:12:34:57');
    await macs.fill('A45E60123458');
    await form.getByRole('button', { name: 'Save device' }).click();
    await form.waitFor({ state: 'detached' });
    const cell = row(PHONE).locator('.wifi-macs');
    await waitFor(async () => /a4:5e:60:12:34:58$/.test((await session.textOf(cell)).trim()), {
      what: 'edited MACs listed',
    });
    const device = (await (await api('GET', `/devices/${PHONE}`)).json()) as { wifiMacs: string[] };
    assert.deepEqual(device.wifiMacs, ['a4:5e:60:12:34:58']);
  });

  it('given the Locations page, then its BSSID hint says they may be the access points’ MACs; no script error or CSP violation happened', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Locations' }).click();
    await page.getByRole('button', { name: 'New location' }).click();
    const form = page.getByRole('dialog', { name: 'New location' });
    assert.match(await session.textOf(form), /access points’ MAC addresses the accounting carries/);
    await form.getByRole('button', { name: 'Cancel' }).click();
    assert.deepEqual(scriptProblems, []);
  });
});
