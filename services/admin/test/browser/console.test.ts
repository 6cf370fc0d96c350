// Drives the admin web console in real headless Chromium (Debian's `chromium` + playwright-core)
// against the real admin service, Postgres and NATS: log in, add a device with a signed licence file,
// create a generic and a specific destination, see them listed, watch the live board update, and
// check the phone-width layout. Screenshots of every step go to artifacts/screenshots/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { connectNats, createLogger } from '@sa/platform';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import { repoRoot, type ServiceProcess, testUrls, uniqueName, waitFor } from '@sa/testkit';
import type { Browser, Page } from 'playwright-core';
import * as session from './browser-session.js';

const LICENCE_CLI = join(repoRoot, 'services', 'admin', 'dist', 'cli', 'sa-licence.js');
const PASSWORD = `console-${randomBytes(6).toString('hex')}`;
const DEVICE_ID = `C0N5${randomBytes(8).toString('hex').toUpperCase()}`; // 20 letters/digits, as the app shows
const EXTENSION = '230';

const logger = createLogger('console-test', 'warn');
const prefix = uniqueName('console');
const workDir = mkdtempSync(join(tmpdir(), 'sa-console-'));

let admin: ServiceProcess;
let browser: Browser;
let page: Page;
let baseUrl: string;
let scriptProblems: string[] = [];

function licenceCli(...args: string[]): string {
  const run = spawnSync(process.execPath, [LICENCE_CLI, ...args], { cwd: workDir, encoding: 'utf8' });
  assert.equal(run.status, 0, `sa-licence ${args[0]} failed: ${run.stderr}`);
  return run.stdout;
}

async function horizontalOverflow(): Promise<number> {
  return Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
}

describe('admin web console in headless Chromium', () => {
  before(async () => {
    session.requireChromium();
    const keygen = licenceCli('keygen', '--out', join(workDir, 'issuer.key'));
    const publicKeys = /LICENCE_PUBLIC_KEYS=(\S+)/.exec(keygen)?.[1];
    assert.ok(publicKeys, `sa-licence keygen printed no LICENCE_PUBLIC_KEYS line: ${keygen}`);
    admin = await session.startAdminForBrowser(prefix, PASSWORD, { LICENCE_PUBLIC_KEYS: publicKeys });
    baseUrl = admin.addresses.http!;
    assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    browser = await session.launchChromium();
    page = await session.openPage(browser);
    scriptProblems = session.collectScriptProblems(page);
  });

  afterEach(async () => {
    // A failed step must not leave a modal dialog blocking the next one.
    await page?.evaluate("for (const d of document.querySelectorAll('dialog[open]')) d.close()");
  });

  after(async () => {
    await browser?.close();
    await admin?.stop();
    rmSync(workDir, { recursive: true, force: true });
    await session.dropAdminState(prefix, logger, 'console-test-cleanup');
  });

  it('given a wrong password, when signing in, then the form says so and stays on the login screen', async () => {
    await page.goto(baseUrl);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await session.shot(page, '01-login');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong username or password' }).waitFor();
    await session.shot(page, '02-login-refused');
  });

  it('given the admin password, when signing in, then the devices page shows', async () => {
    await session.signIn(page, PASSWORD);
    await page.getByText('No devices yet').waitFor();
    await session.shot(page, '03-devices-empty');
  });

  it('given a premium licence file, when adding the device with it, then the list shows it with its tier', async () => {
    licenceCli(
      'sign',
      '--key',
      join(workDir, 'issuer.key'),
      '--device',
      DEVICE_ID,
      '--tier',
      'premium',
      '--expires',
      '2099-12-31',
      '--out-dir',
      workDir,
    );
    const licenceFile = join(workDir, `lic-${DEVICE_ID}.lic`);
    await page.getByRole('button', { name: 'Add device' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add device' });
    await dialog.getByLabel('Device ID').fill(DEVICE_ID);
    await dialog.getByLabel('Extension', { exact: true }).fill(EXTENSION);
    await dialog.getByLabel('Label (optional)').fill('Alice, work phone');
    await dialog.getByLabel('Allow creating targets from the app').check();
    // the provisioning QR code (below) is for a server-key device; own keys: console-enrolment.test.ts
    await dialog.getByLabel('Shared server key (original model)').check();
    await dialog.getByLabel('Licence file').setInputFiles({
      name: `lic-${DEVICE_ID}.lic`,
      mimeType: 'application/octet-stream',
      buffer: readFileSync(licenceFile),
    });
    await session.shot(page, '04-add-device-form');
    await dialog.getByRole('button', { name: 'Add device' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ hasText: DEVICE_ID });
    await row.waitFor();
    assert.match(await session.textOf(row), /Premium/);
    assert.match(await session.textOf(row), new RegExp(EXTENSION));
    assert.match(await session.textOf(row), /Allowed/);
    assert.match(await session.textOf(row), /Alice, work phone/);
    await session.shot(page, '05-device-listed');
  });

  it('given a licence for another device, when uploading it, then the licence field names the problem', async () => {
    const other = 'OTHERDEVICE000000001';
    licenceCli(
      'sign',
      '--key',
      join(workDir, 'issuer.key'),
      '--device',
      other,
      '--tier',
      'standard',
      '--expires',
      '2099-12-31',
      '--out-dir',
      workDir,
    );
    await page.getByRole('button', { name: `Edit ${DEVICE_ID}` }).click();
    const dialog = page.getByRole('dialog', { name: `Edit device ${DEVICE_ID}` });
    await dialog.getByLabel('Licence file').setInputFiles({
      name: `lic-${other}.lic`,
      mimeType: 'application/octet-stream',
      buffer: readFileSync(join(workDir, `lic-${other}.lic`)),
    });
    await dialog.getByRole('button', { name: 'Save device' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'ADMIN_LICENCE_WRONG_DEVICE' }).waitFor();
    assert.equal(await dialog.getByLabel('Licence file').getAttribute('aria-invalid'), 'true');
    await session.shot(page, '06-licence-for-another-device');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('given a device, when opening its QR code, then the provisioning image and setup link show', async () => {
    await page.getByRole('button', { name: `QR code for ${DEVICE_ID}` }).click();
    const dialog = page.getByRole('dialog', { name: `Provision device ${DEVICE_ID}` });
    const image = dialog.getByRole('img', { name: `Provisioning QR code for device ${DEVICE_ID}` });
    await image.waitFor();
    await waitFor(
      () =>
        image.evaluate((img) => {
          const el = img as unknown as { complete: boolean; naturalWidth: number };
          return el.complete && el.naturalWidth > 0;
        }),
      {
        what: 'QR image decoded',
      },
    );
    await dialog.getByText('Show setup link').click();
    assert.match(await session.textOf(dialog.locator('code')), /^smartassistant:\/\/provision\?.*device=/);
    assert.doesNotMatch(await session.textOf(dialog), /1234567890123456/);
    await session.shot(page, '07-device-qr');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('given a name breaking the naming rule, when creating a destination, then the name field shows the API error', async () => {
    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.getByRole('heading', { name: 'Destinations', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New destination' }).click();
    const dialog = page.getByRole('dialog', { name: 'New destination' });
    await dialog.getByLabel('Name', { exact: true }).fill('Front desk!');
    await dialog.getByLabel('Dial string').fill('200');
    await dialog.getByRole('button', { name: 'Create destination' }).click();
    await dialog.getByRole('alert').waitFor();
    assert.equal(await dialog.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), 'true');
    await session.shot(page, '08-destination-name-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('given the naming rules, when creating a generic and a specific destination, then both are listed', async () => {
    await page.getByRole('button', { name: 'New destination' }).click();
    let dialog = page.getByRole('dialog', { name: 'New destination' });
    await dialog.getByLabel('Name', { exact: true }).fill('Desk');
    await dialog.getByLabel('Dial string').fill('200');
    assert.equal(await session.textOf(dialog.locator('output')), 'SMART-Desk');
    await dialog.getByRole('button', { name: 'Create destination' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'New destination' }).click();
    dialog = page.getByRole('dialog', { name: 'New destination' });
    await dialog.getByLabel('Specific to one extension').check();
    await dialog.getByLabel('Extension', { exact: true }).fill(EXTENSION);
    await dialog.getByLabel('Name', { exact: true }).fill('Mobile');
    await dialog.getByLabel('Dial string').fill('0049301234567');
    assert.equal(await session.textOf(dialog.locator('output')), `${EXTENSION}-Mobile`);
    await session.shot(page, '09-specific-destination-form');
    await dialog.getByRole('button', { name: 'Create destination' }).click();
    await dialog.waitFor({ state: 'detached' });

    const generic = page.getByRole('row').filter({ hasText: 'SMART-Desk' });
    const specific = page.getByRole('row').filter({ hasText: `${EXTENSION}-Mobile` });
    await generic.waitFor();
    await specific.waitFor();
    assert.match(await session.textOf(generic), /Generic/);
    assert.match(await session.textOf(specific), new RegExp(`Extension ${EXTENSION}`));
    await session.shot(page, '10-destinations-listed');
  });

  it('given the scope filter and a confirmed delete, then the list shows only matches and loses the deleted row', async () => {
    await page.getByRole('button', { name: 'New destination' }).click();
    const dialog = page.getByRole('dialog', { name: 'New destination' });
    await dialog.getByLabel('Name', { exact: true }).fill('Spare');
    await dialog.getByLabel('Dial string').fill('201');
    await dialog.getByRole('button', { name: 'Create destination' }).click();
    await dialog.waitFor({ state: 'detached' });
    const spare = page.getByRole('row').filter({ hasText: 'SMART-Spare' });
    await spare.waitFor();

    await page.getByLabel('Scope').selectOption('specific');
    await page.getByRole('button', { name: 'Apply' }).click();
    await spare.waitFor({ state: 'detached' });
    await page
      .getByRole('row')
      .filter({ hasText: `${EXTENSION}-Mobile` })
      .waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: 'SMART-Desk' }).count(), 0);
    await page.getByLabel('Scope').selectOption('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await spare.waitFor();

    await page.getByRole('button', { name: 'Delete SMART-Spare' }).click();
    await page
      .getByRole('dialog', { name: 'Delete destination?' })
      .getByRole('button', { name: 'Delete destination' })
      .click();
    await spare.waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: 'SMART-Desk' }).waitFor();
  });

  it('given SSIDs and BSSIDs, when creating a location, then it is listed with both', async () => {
    await page.getByRole('link', { name: 'Locations' }).click();
    await page.getByRole('button', { name: 'New location' }).click();
    const dialog = page.getByRole('dialog', { name: 'New location' });
    await dialog.getByLabel('Name', { exact: true }).fill('Office');
    await dialog.getByLabel('Wi-Fi names (SSIDs)').fill('CorpWiFi\nCorpGuest');
    await dialog.getByLabel('Access points (BSSIDs)').fill('AA:BB:CC:DD:EE:01');
    await dialog.getByRole('button', { name: 'Create location' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row').filter({ hasText: 'Office' });
    await row.waitFor();
    assert.match(await session.textOf(row), /CorpGuest/);
    assert.match(await session.textOf(row), /aa:bb:cc:dd:ee:01/);
    await session.shot(page, '11-locations');
  });

  it('given a location and destinations, when adding two scenarios and reordering, then the order is kept', async () => {
    await page.getByRole('link', { name: 'Scenarios' }).click();
    await page.getByRole('combobox', { name: 'User' }).fill(EXTENSION);
    await page.getByRole('button', { name: 'Show scenarios' }).click();
    await page.getByText(`Extension ${EXTENSION} has no scenarios yet.`).waitFor();

    await page.getByRole('button', { name: 'Add scenario' }).click();
    let dialog = page.getByRole('dialog', { name: `New scenario for ${EXTENSION}` });
    await dialog.getByLabel('Scenario name').fill('Office');
    await dialog.getByLabel('Send calls to').selectOption({ label: 'SMART-Desk (200)' });
    await dialog.getByRole('button', { name: 'Add rule' }).click();
    await dialog.getByLabel('When').selectOption('location');
    await dialog.getByLabel('Location').selectOption({ label: 'Office' });
    await dialog.getByLabel('Only during a time window').check();
    await session.shot(page, '12-scenario-form');
    await dialog.getByRole('button', { name: 'Add scenario' }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Add scenario' }).click();
    dialog = page.getByRole('dialog', { name: `New scenario for ${EXTENSION}` });
    await dialog.getByLabel('Scenario name').fill('Away');
    await dialog.getByLabel('Send calls to').selectOption({ label: `${EXTENSION}-Mobile (0049301234567)` });
    await dialog.getByLabel('Default scenario').check();
    await dialog.getByRole('button', { name: 'Add scenario' }).click();
    await dialog.waitFor({ state: 'detached' });

    const list = page.getByRole('list', { name: `Scenarios of ${EXTENSION}` });
    await list.getByRole('heading', { name: 'Away' }).waitFor();
    assert.deepEqual(await list.getByRole('heading').allTextContents(), ['Office', 'Away']);
    assert.match(
      await session.textOf(list.getByRole('listitem').first()),
      /At Office 08:00–18:00 on Mon, Tue, Wed, Thu, Fri/,
    );
    await page.getByRole('button', { name: 'Move Away up' }).click();
    await waitFor(async () => (await list.getByRole('heading').allTextContents()).join() === 'Away,Office', {
      what: 'Away moved first',
    });
    await session.shot(page, '13-scenarios');
  });

  it('given the active key, when rotating with an overlap, then the secret shows once and the old key is retiring', async () => {
    await page.getByRole('link', { name: 'Server keys' }).click();
    await page.getByRole('row').filter({ hasText: 'Active' }).first().waitFor();
    await page.getByRole('button', { name: 'Rotate key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rotate server key' });
    await dialog.getByLabel('Overlap (hours)').fill('2');
    await dialog.getByRole('button', { name: 'Rotate key' }).click();
    const secret = await session.textOf(dialog.locator('.secret code'));
    assert.match(secret, /^[A-Za-z0-9]{16}$/);
    await session.shot(page, '14-key-secret-once');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    const retiring = page.getByRole('row').filter({ hasText: 'Retiring' });
    await retiring.waitFor();
    await page.getByText(/Rotation in progress/).waitFor();
    assert.doesNotMatch(await session.textOf(page.locator('body')), new RegExp(secret));
    await page.reload();
    await page.getByRole('row').filter({ hasText: 'Retiring' }).waitFor();
    assert.doesNotMatch(await session.textOf(page.locator('body')), new RegExp(secret));
    await session.shot(page, '15-server-keys');
  });

  it('given the board is open, when the router announces a scenario change, then the board shows it without reload', async () => {
    await page.getByRole('link', { name: 'Who is where' }).click();
    await page.getByText('No user has reported a position yet.').waitFor();
    const nats = await connectNats(testUrls.nats, 'console-test-router', logger);
    try {
      const names = busNames(prefix);
      const change = v1.ScenarioChanged.create({
        extension: EXTENSION,
        scenarioId: 'office',
        scenarioName: 'Office',
        targetDial: '200',
        targetName: 'SMART-Desk',
        reason: 'at location Office',
        decidedAtMs: Date.now(),
        version: 1,
      });
      nats.nc.publish(
        names.scenarioChanged(EXTENSION),
        encodeMessage(v1.ScenarioChanged, change, 'ScenarioChanged'),
      );
      await nats.nc.flush();
      const row = page.getByRole('row').filter({ hasText: 'SMART-Desk' });
      await row.waitFor();
      assert.match(await session.textOf(row), /Office/);
    } finally {
      await nats.close();
    }
    await session.shot(page, '16-board-live');
  });

  it('given router announces users whose FreePBX Follow Me ignores it, then the board and the scenarios page show each with the fix (issue 21)', async () => {
    const fix =
      'Applications > Follow Me for 230: save once with ring strategy ringall and "Destination if no answer" set (any list: router replaces it), then Apply Config';
    const expected = `${EXTENSION}: FreePBX ignores Smart Assistant's Follow-Me keys — no Follow Me is saved for this user. Fix: ${fix}.`;
    const markup = '<b>Applications > Extensions</b> & <img src=x>';
    const nats = await connectNats(testUrls.nats, 'console-test-router', logger);
    try {
      const names = busNames(prefix);
      const announce = (extension: string, status: number, text: string) =>
        nats.nc.publish(
          names.followMeStatus(extension),
          encodeMessage(
            v1.FollowMeStatusChanged,
            v1.FollowMeStatusChanged.create({
              extension,
              status,
              fix: text,
              checkedAtMs: Date.now(),
              republishMs: 60_000,
            }),
            'FollowMeStatusChanged',
          ),
        );
      announce(EXTENSION, v1.FollowMeStatus.FOLLOW_ME_STATUS_NO_FOLLOWME, fix);
      announce('600', v1.FollowMeStatus.FOLLOW_ME_STATUS_NOT_AN_EXTENSION, markup);
      await nats.nc.flush();
    } finally {
      await nats.close();
    }
    const token = await session.sessionToken(page);
    await waitFor(
      async () => {
        const res = await fetch(`${baseUrl}/api/v1/followme-status`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return ((await res.json()) as { items: unknown[] }).items.length === 2;
      },
      { what: 'admin lists both Follow-Me problems' },
    );
    await page.reload();
    const warning = page.getByRole('alert').filter({ hasText: 'Follow-Me keys' });
    await warning.getByText(expected, { exact: true }).waitFor();
    await warning
      .getByText(`600: Smart Assistant cannot route this user's calls in Follow-Me mode`)
      .waitFor();
    assert.ok((await session.textOf(warning)).includes(`Fix: ${markup}.`), 'router text shown as it is');
    assert.equal(await warning.locator('b, img').count(), 0, 'router text is shown as text, never as markup');
    const row = page.getByRole('row').filter({ hasText: 'SMART-Desk' });
    assert.match(await session.textOf(row), /Follow Me not saved/);
    await session.shot(page, '16b-board-followme');

    await page.getByRole('link', { name: 'Scenarios' }).click();
    await page.getByRole('combobox', { name: 'User' }).fill(EXTENSION);
    await page.getByRole('button', { name: 'Show scenarios' }).click();
    await page.getByRole('alert').getByText(expected, { exact: true }).waitFor();
    assert.equal(await page.getByText('600:', { exact: false }).count(), 0);
    await session.shot(page, '16c-scenarios-followme');
  });

  it('given the changes made, when opening the audit log, then each change is listed with who made it', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const deviceRow = page.getByRole('row').filter({ hasText: DEVICE_ID }).first();
    await deviceRow.waitFor();
    assert.match(await session.textOf(deviceRow), /admin:admin/);
    await page.getByRole('row').filter({ hasText: 'SMART-Desk' }).first().waitFor();
    await page.getByRole('row').filter({ hasText: 'server key' }).first().waitFor();
    await session.shot(page, '17-audit-log');
  });

  it('given the automation page, when creating and revoking an API token, then it works once shown and stops after', async () => {
    await page.getByRole('link', { name: 'Automation' }).click();
    await page.getByText('No API tokens.').waitFor();
    await page.getByRole('button', { name: 'New token' }).click();
    const dialog = page.getByRole('dialog', { name: 'New API token' });
    await dialog.getByLabel('Token name').fill('console-test');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const token = await session.textOf(dialog.locator('.secret code'));
    assert.match(token, /^sat_/);
    const me = await fetch(`${baseUrl}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    await session.shot(page, '18-automation');
    await page.getByRole('button', { name: 'Revoke console-test' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke token?' })
      .getByRole('button', { name: 'Revoke token' })
      .click();
    await page.getByRole('row').filter({ hasText: 'Revoked' }).waitFor();
    const after = await fetch(`${baseUrl}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(after.status, 401);
  });

  it('given a 375 px wide phone screen, when visiting every page, then nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    for (const route of [
      'devices',
      'users',
      'destinations',
      'locations',
      'scenarios',
      'board',
      'keys',
      'audit',
    ]) {
      await page.goto(`${baseUrl}/#/${route}`);
      await page.locator('.page-body').locator('table, .empty, .scenario-list').first().waitFor();
      assert.equal(await horizontalOverflow(), 0, `${route} overflows horizontally at 375 px`);
    }
    await page.goto(`${baseUrl}/#/devices`);
    await page.getByRole('row').filter({ hasText: DEVICE_ID }).waitFor();
    assert.equal(await horizontalOverflow(), 0);
    await session.shot(page, '19-phone-devices');
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.getByRole('row').filter({ hasText: 'SMART-Desk' }).waitFor();
    assert.equal(await horizontalOverflow(), 0);
    await session.shot(page, '20-phone-destinations');
  });

  it('given a session, when signing out, then the login screen shows and a reload does not restore the session', async () => {
    const token = await session.sessionToken(page);
    const stored = await page.evaluate<string>(
      'JSON.stringify([{ ...localStorage }, { ...sessionStorage }])',
    );
    assert.equal(stored.includes(token), false, 'the session lives only in its HttpOnly cookie');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    assert.equal(
      (await page.context().cookies()).find((c) => c.name === 'sa_session'),
      undefined,
      'the session cookie is gone',
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await session.shot(page, '21-signed-out');
  });

  it('given every step above, then the console raised no script error and no Content-Security-Policy violation', () => {
    assert.deepEqual(scriptProblems, []);
  });
});
