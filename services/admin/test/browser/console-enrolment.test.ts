// Per-device enrolment in the console, in real headless Chromium (Debian's `chromium` +
// playwright-core) against the real admin service, Postgres and NATS: a device added in the form gets
// its own key and the enrolment dialog (its QR code, decoded here with jsQR, holds exactly the text
// shown, for that device); the secret is gone after a reload; re-enrol and revoke change the Key
// column; a server-key device shows in the banner and the "server key only" filter; an enrolment
// sheet for two selected devices prints two cards without the console around them; a device import
// offers its codes as a CSV download; the server keys are turned off for good with the typed phrase.
// No script error and no CSP violation throughout. Screenshots: artifacts/screenshots/enrolment-*.png.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { parseEnrolment } from '@sa/phone-protocol';
import { createLogger } from '@sa/platform';
import { type ServiceProcess, uniqueName, waitFor } from '@sa/testkit';
import jsQR from 'jsqr';
import type { Browser, Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import * as session from './browser-session.js';

const PASSWORD = `enrol-${randomBytes(6).toString('hex')}`;
const OWN = 'ENROLOWNKEY000000001';
const SHARED = 'ENROLSERVERKEY000002';
const LEFT_ON_SERVER_KEY = 'ENROLSERVERKEY000003';
const IMPORTED = 'ENROLIMPORTED0000004';

const logger = createLogger('console-enrolment-test', 'warn');
const prefix = uniqueName('enrolui');

let admin: ServiceProcess;
let browser: Browser;
let page: Page;
let baseUrl: string;
let api: session.ApiCall;
let scriptProblems: string[] = [];
/** The first enrolment the dialog showed: its secret must not survive a reload. */
let firstSecret = '';
let ownKeyId = 0;

/** The text of the QR code in a PNG data: URL, read with jsQR (as a phone's camera would). */
function decodeQr(dataUrl: string): string {
  const match = /^data:image\/png;base64,(.+)$/.exec(dataUrl);
  assert.ok(match, `not a PNG data URL: ${dataUrl.slice(0, 40)}`);
  const png = PNG.sync.read(Buffer.from(match[1]!, 'base64'));
  const code = jsQR.default(
    new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength),
    png.width,
    png.height,
  );
  assert.ok(code, `no QR code in the ${png.width}x${png.height} image`);
  return code.data;
}

async function loaded(image: Locator): Promise<void> {
  await waitFor(
    () =>
      image.evaluate((img) => {
        const el = img as unknown as { complete: boolean; naturalWidth: number };
        return el.complete && el.naturalWidth > 0;
      }),
    { what: 'QR image decoded by the browser' },
  );
}

/** The open enrolment dialog of `deviceId`: checks it and returns the payload and key id it shows. */
async function readEnrolmentDialog(deviceId: string): Promise<{ payload: string; keyId: number }> {
  const dialog = page.getByRole('dialog', { name: `Enrol device ${deviceId}` });
  const image = dialog.getByRole('img', { name: `Enrolment QR code for device ${deviceId}` });
  await loaded(image);
  const payload = await dialog.getByLabel('Enrolment text').inputValue();
  assert.equal(await dialog.getByLabel('Enrolment text').getAttribute('readonly'), '');
  assert.match(
    await session.textOf(dialog.getByRole('alert')),
    /Shown once: it cannot be shown again; re-enrol to get a new one/,
  );
  assert.equal(decodeQr((await image.getAttribute('src'))!), payload, 'the QR code holds the text shown');
  const enrolment = parseEnrolment(payload);
  assert.equal(enrolment.deviceId, deviceId);
  await dialog.getByRole('button', { name: 'Print', exact: true }).waitFor();
  await dialog.getByRole('button', { name: 'Copy' }).waitFor();
  return { payload, keyId: enrolment.keyId };
}

function row(deviceId: string): Locator {
  return page.getByRole('row').filter({ hasText: deviceId });
}

async function keyCellOf(deviceId: string): Promise<string> {
  return session.textOf(row(deviceId).locator('td[data-label="Key"] .badge'));
}

describe('console per-device enrolment in headless Chromium', () => {
  before(async () => {
    session.requireChromium();
    admin = await session.startAdminForBrowser(prefix, PASSWORD);
    baseUrl = admin.addresses.http!;
    api = await session.adminApi(baseUrl, PASSWORD);
    for (const [extension, displayName] of [
      ['240', 'Carla Weiss'],
      ['241', 'Dan Frost'],
    ])
      assert.equal((await api('POST', '/extensions', { extension, displayName })).status, 201);
    browser = await session.launchChromium();
    page = await session.openPage(browser, { acceptDownloads: true });
    scriptProblems = session.collectScriptProblems(page);
    await page.goto(baseUrl);
    await session.signIn(page, PASSWORD);
  });

  afterEach(async () => {
    await page?.emulateMedia({ media: 'screen' });
  });

  after(async () => {
    await browser?.close();
    await admin?.stop();
    await session.dropAdminState(prefix, logger, 'console-enrolment-cleanup');
  });

  it('given the add-device form left on its default key, when the device is added, then the enrolment dialog shows a QR code holding exactly the text shown, for that device', async () => {
    await page.getByRole('button', { name: 'Add device' }).click();
    const form = page.getByRole('dialog', { name: 'Add device' });
    assert.equal(await form.getByLabel('Own key (enrolment QR code)').isChecked(), true);
    assert.equal(await form.getByLabel('Shared server key (original model)').isChecked(), false);
    await form.getByLabel('Device ID').fill(OWN);
    await form.getByLabel('Extension', { exact: true }).fill('240');
    await form.getByLabel('Label (optional)').fill('Carla, desk phone');
    await session.shot(page, 'enrolment-01-add-device');
    await form.getByRole('button', { name: 'Add device' }).click();
    await form.waitFor({ state: 'detached' });

    const { payload, keyId } = await readEnrolmentDialog(OWN);
    firstSecret = parseEnrolment(payload).secret;
    ownKeyId = keyId;
    await session.shot(page, 'enrolment-02-dialog');
    // its Print button prints the dialog alone
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false);
    assert.equal(
      await page.getByRole('img', { name: `Enrolment QR code for device ${OWN}` }).isVisible(),
      true,
    );
    await page.emulateMedia({ media: 'screen' });
    await page
      .getByRole('dialog', { name: `Enrol device ${OWN}` })
      .getByRole('button', { name: 'Done' })
      .click();
    await waitFor(async () => (await keyCellOf(OWN)) === `Own key #${keyId}`, {
      what: 'own key in the list',
    });
  });

  it('given the enrolment was shown, when the page is reloaded, then its secret is nowhere: not in the page, the storage or the address', async () => {
    await page.reload();
    await row(OWN).waitFor();
    const html = await page.content();
    assert.ok(firstSecret.length === 16);
    assert.equal(html.includes(firstSecret), false, 'secret in the page');
    assert.equal(html.includes('smartassistant://enrol'), false, 'enrolment payload in the page');
    const stored = await page.evaluate<string>(
      'JSON.stringify([{ ...localStorage }, { ...sessionStorage }, location.href])',
    );
    assert.equal(stored.includes(firstSecret), false, 'secret in storage or the address');
    assert.equal(await page.getByRole('dialog').count(), 0);
  });

  it('given an enrolled device, when re-enrolled with "revoke the old key now", then a new key id is shown once and listed, and the old key is retired', async () => {
    await page.getByRole('button', { name: `Re-enrol ${OWN}` }).click();
    const form = page.getByRole('dialog', { name: `Re-enrol device ${OWN}` });
    await form.getByLabel('Old key').selectOption({ label: 'Revoke the old key now' });
    await session.shot(page, 'enrolment-03-re-enrol');
    await form.getByRole('button', { name: 'Re-enrol device' }).click();
    const { payload, keyId } = await readEnrolmentDialog(OWN);
    assert.notEqual(keyId, ownKeyId);
    assert.notEqual(parseEnrolment(payload).secret, firstSecret);
    await page
      .getByRole('dialog', { name: `Enrol device ${OWN}` })
      .getByRole('button', { name: 'Done' })
      .click();
    await waitFor(async () => (await keyCellOf(OWN)) === `Own key #${keyId}`, { what: 'new key listed' });
    const keys = (await (await api('GET', `/devices/${OWN}/keys`)).json()) as {
      items: { keyId: number; state: string }[];
    };
    assert.equal(keys.items.find((k) => k.keyId === ownKeyId)?.state, 'retired');
    assert.equal(keys.items.find((k) => k.keyId === keyId)?.state, 'active');
    ownKeyId = keyId;
  });

  it('given an enrolled device, when its keys are revoked after the confirmation, then it is listed as revoked', async () => {
    await page.getByRole('button', { name: `Revoke keys of ${OWN}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke keys?' });
    assert.match(await session.textOf(confirm), /refused until it is enrolled again/);
    await confirm.getByRole('button', { name: 'Revoke keys' }).click();
    await waitFor(async () => (await keyCellOf(OWN)) === 'Revoked — re-enrol', { what: 'revoked' });
    assert.equal(await page.getByRole('button', { name: `Revoke keys of ${OWN}` }).count(), 0);
    await session.shot(page, 'enrolment-04-revoked');
    await page.getByRole('button', { name: `Re-enrol ${OWN}` }).click();
    const form = page.getByRole('dialog', { name: `Re-enrol device ${OWN}` });
    assert.match(await session.textOf(form), /it is refused until the phone scans the new code/);
    assert.equal(await form.getByLabel('Old key').count(), 0, 'no old key to keep');
    await form.getByRole('button', { name: 'Cancel' }).click();
  });

  it('given a device added on the shared server key, then no enrolment is shown, the banner counts it and "Show them" filters the list to it', async () => {
    await page.getByRole('button', { name: 'Add device' }).click();
    const form = page.getByRole('dialog', { name: 'Add device' });
    await form.getByLabel('Device ID').fill(SHARED);
    await form.getByLabel('Extension', { exact: true }).fill('241');
    await form.getByLabel('Shared server key (original model)').check();
    await form.getByRole('button', { name: 'Add device' }).click();
    await form.waitFor({ state: 'detached' });
    await waitFor(async () => (await keyCellOf(SHARED)) === 'Server key', { what: 'server key listed' });
    assert.equal(await page.getByRole('dialog').count(), 0, 'no enrolment for a server-key device');
    const banner = page.locator('.server-key-banner');
    await banner.getByText('1 device still uses the shared server key').waitFor();
    await session.shot(page, 'enrolment-05-banner');
    await banner.getByRole('button', { name: 'Show them' }).click();
    await waitFor(async () => (await row(OWN).count()) === 0, { what: 'list filtered to the server key' });
    assert.equal(await page.getByLabel('On the server key only').isChecked(), true);
    assert.equal(await row(SHARED).count(), 1);
    await page.getByRole('button', { name: `Enrol ${SHARED}`, exact: true }).waitFor();
    await page.getByRole('button', { name: `QR code for ${SHARED}` }).waitFor();
    await session.shot(page, 'enrolment-06-server-key-only');
    await page.getByLabel('On the server key only').uncheck();
    await row(OWN).waitFor();
  });

  it('given two selected devices, when an enrolment sheet is printed, then it shows two cards with QR codes and print hides the console', async () => {
    await page.getByRole('checkbox', { name: `Select ${OWN}` }).check();
    await page.getByRole('checkbox', { name: `Select ${SHARED}` }).check();
    await page.getByText('2 devices selected').waitFor();
    await page.getByRole('button', { name: 'Print enrolment sheet…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Print enrolment sheet' });
    assert.match(await session.textOf(confirm), /Phones already set up must scan their new code/);
    await confirm.getByLabel('Old key').selectOption({ label: 'Keep the old key 1 hour' });
    await confirm.getByRole('button', { name: 'Issue new keys for 2 devices' }).click();

    await page.getByRole('heading', { name: 'Enrolment sheet', level: 1 }).waitFor();
    const cards = page.getByRole('list', { name: 'Enrolment codes' }).getByRole('listitem');
    assert.equal(await cards.count(), 2);
    const images = page.getByRole('img', { name: /^Enrolment QR code for device / });
    assert.equal(await images.count(), 2);
    for (const [deviceId, extension, name] of [
      [OWN, '240', 'Carla Weiss'],
      [SHARED, '241', 'Dan Frost'],
    ] as const) {
      const card = cards.filter({ hasText: deviceId });
      const text = await session.textOf(card);
      assert.match(text, new RegExp(`Extension${extension}`));
      assert.match(text, new RegExp(name));
      const image = card.getByRole('img');
      await loaded(image);
      assert.equal(parseEnrolment(decodeQr((await image.getAttribute('src'))!)).deviceId, deviceId);
    }
    assert.match(await session.textOf(cards.filter({ hasText: OWN })), /Carla, desk phone/);
    assert.equal(page.url().includes('enrol'), false, 'nothing of the sheet in the address');
    await session.shot(page, 'enrolment-07-sheet');

    await page.evaluate('window.printed = 0; window.print = () => { window.printed += 1; }');
    await page.getByRole('button', { name: 'Print', exact: true }).click();
    assert.equal(await page.evaluate('window.printed'), 1);

    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false, 'nav printed');
    assert.equal(await page.locator('.topbar').isVisible(), false, 'top bar printed');
    assert.equal(await page.getByRole('button', { name: 'Print', exact: true }).isVisible(), false);
    assert.equal(await images.nth(1).isVisible(), true);
    const breakInside = await page.evaluate(
      "getComputedStyle(document.querySelector('.enrolment-card')).breakInside",
    );
    assert.equal(breakInside, 'avoid');
    await session.shot(page, 'enrolment-08-sheet-print');
    await page.emulateMedia({ media: 'screen' });

    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    await waitFor(async () => /^Own key #\d+$/.test(await keyCellOf(SHARED)), {
      what: 'the server-key device enrolled by the sheet',
    });
    assert.equal(await page.locator('.server-key-banner').count(), 0);
  });

  it('given a device import, then its enrolment codes are offered once as a CSV download', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Import and export' })
      .click();
    await page.getByLabel('What the file holds').selectOption('devices');
    await page.getByLabel(/^CSV file/).setInputFiles({
      name: 'devices.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`deviceId,extension,label\n${IMPORTED},241,Spare\n`),
    });
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('devices.csv is ready to import.').waitFor();
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const notice = page.locator('.import-enrolments');
    await notice.getByText('1 new device was enrolled: its enrolment code is shown once').waitFor();
    await session.shot(page, 'enrolment-09-import');
    const download = page.waitForEvent('download');
    await notice.getByRole('button', { name: 'Download enrolment codes (CSV)' }).click();
    const lines = readFileSync((await (await download).path())!, 'utf8')
      .trim()
      .split(/\r?\n/);
    assert.equal(lines[0], 'deviceId,extension,keyId,payload');
    const [deviceId, extension, keyId, payload] = lines[1]!.split(',');
    assert.deepEqual([deviceId, extension], [IMPORTED, '241']);
    const enrolment = parseEnrolment(payload!);
    assert.equal(enrolment.deviceId, IMPORTED);
    assert.equal(enrolment.keyId, Number(keyId));

    // the sheet needs QR codes the import did not keep: it issues a new key, and says so
    await notice.getByRole('button', { name: 'Print enrolment sheet' }).click();
    const confirm = page.getByRole('dialog', { name: 'Print enrolment sheet' });
    assert.match(await session.textOf(confirm), /printing it issues new keys/);
    await confirm.getByRole('button', { name: 'Issue new keys for 1 device' }).click();
    await page.getByRole('heading', { name: 'Enrolment sheet', level: 1 }).waitFor();
    const image = page.getByRole('img', { name: `Enrolment QR code for device ${IMPORTED}` });
    await loaded(image);
    const reissued = parseEnrolment(decodeQr((await image.getAttribute('src'))!));
    assert.equal(reissued.deviceId, IMPORTED);
    assert.notEqual(reissued.keyId, enrolment.keyId);
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { name: 'Import and export', level: 1 }).waitFor();
  });

  it('given a device still on the server key, when the server keys are turned off with the phrase and force, then the page says so and rotating is gone', async () => {
    assert.equal(
      (
        await api('POST', '/devices', {
          deviceId: LEFT_ON_SERVER_KEY,
          extension: '241',
          keyMode: 'server_key',
        })
      ).status,
      201,
    );
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Server keys' }).click();
    const card = page.locator('[data-server-keys]');
    await card.getByText('1 device still uses the shared server key').waitFor();
    assert.equal(await card.getAttribute('data-server-keys'), 'on');
    await page.getByRole('button', { name: 'Rotate key' }).waitFor();
    await card.getByRole('button', { name: 'Turn off server keys for good' }).click();

    const dialog = page.getByRole('dialog', { name: 'Turn off server keys for good?' });
    const phrase = dialog.getByLabel('Type “turn off server keys” to confirm');
    await phrase.fill('turn off');
    await dialog.getByRole('button', { name: 'Turn off server keys' }).click();
    await waitFor(async () => (await phrase.getAttribute('aria-invalid')) === 'true', {
      what: 'a wrong phrase refused',
    });
    await phrase.fill('turn off server keys');
    await dialog.getByRole('button', { name: 'Turn off server keys' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'ADMIN_SERVER_KEY_IN_USE' }).waitFor();
    const force = dialog.getByLabel('Turn them off although 1 device still uses them');
    assert.equal(await force.getAttribute('aria-invalid'), 'true');
    assert.match(await session.textOf(dialog), /tick the box to turn them off anyway/);
    await force.check();
    await session.shot(page, 'enrolment-10-turn-off');
    await dialog.getByRole('button', { name: 'Turn off server keys' }).click();
    await dialog.waitFor({ state: 'detached' });

    await waitFor(async () => (await card.getAttribute('data-server-keys')) === 'off', {
      what: 'server keys shown as off',
    });
    assert.match(await session.textOf(card), /Turned off for good/);
    assert.match(await session.textOf(card), /1 device is still on the server key and refused/);
    assert.equal(await page.getByRole('button', { name: 'Rotate key' }).isVisible(), false);
    const status = (await (await api('GET', '/keys/server-keys')).json()) as { serverKeysDisabled: boolean };
    assert.equal(status.serverKeysDisabled, true);
    await session.shot(page, 'enrolment-11-server-keys-off');
    assert.deepEqual(scriptProblems, []);
  });
});
