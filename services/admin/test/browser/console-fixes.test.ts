// Issue 15, console fixes, in real headless Chromium (Debian's `chromium` + playwright-core) against
// the real admin service, Postgres and NATS, with router's events published as router would: the
// board shows a phone on an unknown network, the device list shows last seen and online/offline
// (and a phone turning offline after router's presence timeout), the Scenarios page picks the user
// from a list searched among 3,000 users, and every form says "<field>: required" for an empty
// required field. Screenshots go to artifacts/screenshots/issue15-*.png.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it, test } from 'node:test';
import { connectNats, connectPostgres, createLogger, type NatsClient } from '@sa/platform';
import { busNames, encodeMessage, v1 } from '@sa/proto';
import { type ServiceProcess, testUrls, uniqueName, waitFor } from '@sa/testkit';
import type { Browser, Locator, Page } from 'playwright-core';
import {
  type DeviceReportedFields,
  deviceReported as deviceReportedMessage,
} from '../../src/test-support/device-reported.js';
import * as session from './browser-session.js';

const PASSWORD = `fixes-${randomBytes(6).toString('hex')}`;
const HOME = 'ISSUE15HOME000000001';
const OFFICE = 'ISSUE15OFFICE0000002';
const SILENT = 'ISSUE15SILENT0000003';
const BRIEF = 'ISSUE15BRIEF00000004';
const USERS = 3000;

const logger = createLogger('console-fixes-test', 'warn');
const prefix = uniqueName('fixes');
const names = busNames(prefix);

let admin: ServiceProcess;
let nats: NatsClient;
let browser: Browser;
let page: Page;
let baseUrl: string;
let api: session.ApiCall;
let scriptProblems: string[] = [];

/** Publishes what router sends after applying a phone's report. */
async function deviceReported(p: DeviceReportedFields): Promise<void> {
  nats.nc.publish(names.deviceReported(p.extension), deviceReportedMessage({ rssiDbm: -52, ...p }));
  await nats.nc.flush();
}

/** Submits a form and expects the field labelled `label` to say "<label>: required". */
async function expectRequired(scope: Locator, label: string, submit: string): Promise<void> {
  await scope.getByRole('button', { name: submit, exact: true }).click();
  const field = scope.getByLabel(label, { exact: true });
  await waitFor(async () => (await field.getAttribute('aria-invalid')) === 'true', {
    what: `${label} marked invalid`,
  });
  const errorId = (await field.getAttribute('aria-describedby'))!.split(' ')[0]!;
  assert.equal(await session.textOf(scope.locator(`[id="${errorId}"]`)), `${label}: required`);
  assert.doesNotMatch(await session.textOf(scope.locator('.form-alert')), /not allowed/);
}

describe('console fixes of issue 15 in headless Chromium', () => {
  before(async () => {
    session.requireChromium();
    admin = await session.startAdminForBrowser(prefix, PASSWORD);
    baseUrl = admin.addresses.http!;
    api = await session.adminApi(baseUrl, PASSWORD);
    // thousands of users, as a company has: inserted directly (the picker only reads them)
    const pg = await connectPostgres(testUrls.postgres, logger, { max: 1, searchPath: prefix });
    await pg.pool.query(
      `INSERT INTO extensions (extension, display_name)
       SELECT (5000 + g)::text, 'Staff ' || g FROM generate_series(1, $1) g`,
      [USERS],
    );
    await pg.close();
    for (const [extension, displayName] of [
      ['230', 'Alice Martin'],
      ['231', 'Bob Alison'],
    ])
      assert.equal((await api('POST', '/extensions', { extension, displayName })).status, 201);
    for (const deviceId of [HOME, OFFICE, SILENT, BRIEF])
      assert.equal((await api('POST', '/devices', { deviceId, extension: '230' })).status, 201);
    nats = await connectNats(testUrls.nats, 'console-fixes-router', logger);
    browser = await session.launchChromium();
    page = await session.openPage(browser);
    scriptProblems = session.collectScriptProblems(page);
    await page.goto(baseUrl);
    await session.signIn(page, PASSWORD);
  });

  afterEach(async () => {
    await page?.evaluate("for (const d of document.querySelectorAll('dialog[open]')) d.close()");
  });

  after(async () => {
    await browser?.close();
    await nats?.close();
    await admin?.stop();
    await session.dropAdminState(prefix, logger, 'console-fixes-cleanup');
  });

  it('given router decided "no presence reported yet", when a phone reports a network no location knows, then the board shows the phone with that network, when, and the new reason', async () => {
    await page.getByRole('link', { name: 'Who is where' }).click();
    await page.getByText('No user has reported a position yet.').waitFor();
    nats.nc.publish(
      names.scenarioChanged('230'),
      encodeMessage(
        v1.ScenarioChanged,
        v1.ScenarioChanged.create({
          extension: '230',
          scenarioId: 'away',
          scenarioName: 'Away',
          targetDial: '0170230',
          targetName: '230-Mobile',
          reason: 'no presence reported yet; default scenario "Away"',
          decidedAtMs: Date.now() - 60_000,
          version: 1,
        }),
        'ScenarioChanged',
      ),
    );
    await nats.nc.flush();
    const row = page.getByRole('row').filter({ hasText: '230-Mobile' });
    await row.getByText('no presence reported yet', { exact: false }).waitFor();
    await deviceReported({
      deviceId: HOME,
      extension: '230',
      reportedAtMs: Date.now(),
      ssid: 'HomeNet',
      bssid: 'de:ad:be:ef:00:01',
      reason: `device ${HOME} connected to SSID HomeNet, no rule matched; default scenario "Away"`,
    });
    const phones = row.getByRole('list', { name: 'Phones of 230' });
    await phones.getByText(HOME).waitFor();
    const text = await session.textOf(row);
    assert.match(text, /Online/);
    assert.match(text, /Wi-Fi “HomeNet”/);
    assert.match(text, /de:ad:be:ef:00:01/);
    assert.match(text, /unknown network/);
    assert.match(text, /reported /);
    assert.match(text, /no rule matched; default scenario "Away"/);
    assert.doesNotMatch(text, /no presence reported yet/);
    await session.shot(page, 'issue15-board-unknown-network');
  });

  it("given phones that reported recently, too long ago and never, when the device list opens, then each row shows last seen and online, offline or not seen by router's timeout", async () => {
    const now = Date.now();
    await deviceReported({
      deviceId: OFFICE,
      extension: '230',
      reportedAtMs: now - 6000,
      ssid: 'Corp',
      locationName: 'Office',
      reason: 'at Office',
      presenceTimeoutMs: 5000,
    });
    await waitFor(
      async () => {
        const r = await api('GET', `/devices/${OFFICE}`);
        return ((await r.json()) as { presence: string }).presence === 'offline';
      },
      { what: 'admin has the OFFICE report' },
    );
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
    await page.getByRole('columnheader', { name: 'Last seen' }).waitFor();
    const rowOf = (id: string) => page.getByRole('row').filter({ hasText: id });
    await rowOf(HOME).getByText('Online', { exact: true }).waitFor();
    await rowOf(OFFICE).getByText('Offline', { exact: true }).waitFor();
    await rowOf(SILENT).getByText('Not seen', { exact: true }).waitFor();
    const expected = await page.evaluate(
      (ms) => new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
      now - 6000,
    );
    assert.ok((await session.textOf(rowOf(OFFICE))).includes(expected), `last seen ${expected}`);
    assert.equal(
      await rowOf(SILENT).getByText('Not seen').locator('..').getAttribute('title'),
      'No report since the admin service started',
    );
    await session.shot(page, 'issue15-devices-last-seen');
  });

  it("given a phone online now, when router's presence timeout passes without a report, then the device list shows it offline", async () => {
    await deviceReported({
      deviceId: BRIEF,
      extension: '230',
      reportedAtMs: Date.now(),
      ssid: 'Corp',
      reason: 'r',
      presenceTimeoutMs: 4000,
    });
    const row = page.getByRole('row').filter({ hasText: BRIEF });
    await waitFor(
      async () => {
        await page.reload();
        await row.waitFor();
        return (await session.textOf(row)).includes('Online');
      },
      { what: 'BRIEF online', timeoutMs: 3000, intervalMs: 100 },
    );
    await waitFor(
      async () => {
        await page.reload();
        await row.waitFor();
        return (await session.textOf(row)).includes('Offline');
      },
      { what: 'BRIEF offline after 4 s', timeoutMs: 10_000, intervalMs: 500 },
    );
  });

  it('given 3,000 users, when picking one on the Scenarios page by part of a name, then the list offers the matches and a click shows that user', async () => {
    await page.getByRole('link', { name: 'Scenarios' }).click();
    const search = page.getByRole('combobox', { name: 'User' });
    await search.click();
    const options = page.getByRole('listbox', { name: 'Matching users' }).getByRole('option');
    await options.first().waitFor();
    assert.equal(await options.count(), 20, 'the first matches only, never every user');
    await page.getByText(`First 20 of ${USERS + 2} users: type more to narrow.`).waitFor();
    await search.fill('ali');
    await waitFor(async () => (await options.count()) === 2, { what: 'two users match "ali"' });
    assert.deepEqual(await options.allTextContents(), ['230Alice Martin4 devices', '231Bob Alison0 devices']);
    await session.shot(page, 'issue15-scenarios-user-picker');
    await options.filter({ hasText: 'Alice Martin' }).click();
    await page.getByText('Extension 230 has no scenarios yet.').waitFor();
    assert.equal(await search.inputValue(), '230');
    assert.equal(await page.getByRole('button', { name: 'Add scenario' }).isDisabled(), false);

    // keyboard: narrow to one of the thousands, arrow to it, Enter
    await search.fill('Staff 2999');
    await waitFor(async () => (await options.count()) === 1, { what: 'one user matches' });
    await search.press('ArrowDown');
    await search.press('Enter');
    await page.getByText('Extension 7999 has no scenarios yet.').waitFor();

    // typed and sent: only a user that exists
    await search.fill('9999');
    await page.getByRole('button', { name: 'Show scenarios' }).click();
    await page.getByRole('alert').getByText('Please correct the highlighted field.').waitFor();
    assert.match(
      await session.textOf(page.locator('.field-error')),
      /No user has the extension “9999”: pick one from the list/,
    );

    // typed and sent at once while the server is slow (the button's lookup held back 600 ms, longer
    // than the typing search's 200 ms debounce): the user is shown. Before, the typing search that
    // started meanwhile superseded the button's lookup and the click did nothing.
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('link', { name: 'Scenarios' }).click();
    let heldBack = 0;
    await page.route(/\/api\/v1\/extensions\?.*q=231/, async (route) => {
      if (heldBack++ === 0) await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    await search.fill('231');
    await page.getByRole('button', { name: 'Show scenarios' }).click();
    await page.getByText('Extension 231 has no scenarios yet.').waitFor();
    await page.unroute(/\/api\/v1\/extensions\?.*q=231/);
  });

  it('given an empty required field, when each form is sent, then it says "<field>: required" and sends nothing', async () => {
    const refused: string[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'GET') refused.push(`${r.method()} ${r.url()}`);
    });

    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('button', { name: 'Add device' }).click();
    let dialog = page.getByRole('dialog', { name: 'Add device' });
    await dialog.getByLabel('Extension', { exact: true }).fill('230');
    await expectRequired(dialog, 'Device ID', 'Add device');
    await dialog.getByLabel('Device ID').fill('ISSUE15NEW0000000005');
    await dialog.getByLabel('Extension', { exact: true }).fill('');
    await expectRequired(dialog, 'Extension', 'Add device');
    await session.shot(page, 'issue15-required-device');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Add extension' }).click();
    dialog = page.getByRole('dialog', { name: 'Add extension' });
    await expectRequired(dialog, 'Extension', 'Add extension');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Destinations' }).click();
    await page.getByRole('button', { name: 'New destination' }).click();
    dialog = page.getByRole('dialog', { name: 'New destination' });
    await dialog.getByLabel('Dial string').fill('200');
    await expectRequired(dialog, 'Name', 'Create destination');
    await dialog.getByLabel('Name', { exact: true }).fill('Desk');
    await dialog.getByLabel('Specific to one extension').check();
    await expectRequired(dialog, 'Extension', 'Create destination');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Locations' }).click();
    await page.getByRole('button', { name: 'New location' }).click();
    dialog = page.getByRole('dialog', { name: 'New location' });
    await expectRequired(dialog, 'Name', 'Create location');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Automation' }).click();
    await page.getByRole('button', { name: 'New token' }).click();
    dialog = page.getByRole('dialog', { name: 'New API token' });
    await expectRequired(dialog, 'Token name', 'Create token');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('link', { name: 'Scenarios' }).click();
    await page.getByRole('combobox', { name: 'User' }).fill('');
    await expectRequired(page.getByRole('form', { name: 'Choose user' }), 'User', 'Show scenarios');
    await page.getByRole('combobox', { name: 'User' }).fill('230');
    await page.getByRole('button', { name: 'Show scenarios' }).click();
    await page.getByText('Extension 230 has no scenarios yet.').waitFor();
    await page.getByRole('button', { name: 'Add scenario' }).click();
    dialog = page.getByRole('dialog', { name: 'New scenario for 230' });
    await expectRequired(dialog, 'Scenario name', 'Add scenario');
    await dialog.getByLabel('Scenario name').fill('Office');
    await expectRequired(dialog, 'Send calls to', 'Add scenario'); // no destination exists yet
    await session.shot(page, 'issue15-required-scenario');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    assert.deepEqual(refused, [], 'nothing was sent');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await page.getByLabel('Password').fill('');
    await expectRequired(page.locator('form.login-card'), 'Password', 'Sign in');
    await session.shot(page, 'issue15-required-login');
  });

  it('given every step above, then the console raised no script error and no Content-Security-Policy violation', () => {
    assert.deepEqual(scriptProblems, []);
  });
});

test('given an API message for an empty required field, when shown in a form, then it reads "<Field>: required", not "contains characters that are not allowed"', async () => {
  const { humanise } = (await import(
    new URL('../../web/console/ui/form-errors.js', import.meta.url).href
  )) as {
    humanise(message: string): string;
  };
  assert.equal(humanise('body.name: required'), 'Name: required');
  assert.equal(humanise('body.scenarios.0.destinationId: required'), 'Destination id: required');
  assert.equal(humanise('body.deviceId: required'), 'Device id: required');
});
