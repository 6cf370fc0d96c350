// The console's Import and export page in real headless Chromium (Debian's `chromium` + playwright-core)
// against the real admin service, Postgres and NATS: a devices file with bad rows is checked (dry run)
// and its problems listed by line and column as text, Import stays disabled; the fixed file checks
// clean, Import writes it, and the export link downloads it back. Screenshots go to
// artifacts/screenshots/bulk-*.png.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '@sa/platform';
import { type ServiceProcess, uniqueName } from '@sa/testkit';
import type { Browser, Page } from 'playwright-core';
import * as session from './browser-session.js';

const PASSWORD = `bulk-${randomBytes(6).toString('hex')}`;
const INJECTED = '<img src=x onerror="window.__pwned=1">';

const logger = createLogger('console-bulk-test', 'warn');
const prefix = uniqueName('bulk');

let admin: ServiceProcess;
let browser: Browser;
let page: Page;
let baseUrl: string;
let scriptProblems: string[] = [];

const badFile = [
  'deviceId,extension,label,enabled',
  'BULKPHONE0001,230,Reception,true',
  'BULKPHONE0002,,Lobby,true',
  `BULKPHONE0003,231,Desk,"${INJECTED.replace(/"/g, '""')}"`,
].join('\n');
const goodFile = [
  'deviceId,extension,label,enabled',
  'BULKPHONE0001,230,Reception,true',
  'BULKPHONE0002,230,Lobby,true',
  'BULKPHONE0003,231,"Desk, 2nd floor",false',
].join('\n');

async function chooseFile(name: string, csv: string): Promise<void> {
  await page.getByLabel(/^CSV file/).setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
}

describe('console Import and export page in headless Chromium', () => {
  before(async () => {
    session.requireChromium();
    admin = await session.startAdminForBrowser(prefix, PASSWORD);
    baseUrl = admin.addresses.http!;
    browser = await session.launchChromium();
    page = await session.openPage(browser, { acceptDownloads: true });
    scriptProblems = session.collectScriptProblems(page);
  });

  after(async () => {
    await browser?.close();
    await admin?.stop();
    await session.dropAdminState(prefix, logger, 'console-bulk-cleanup');
  });

  it('given a signed-in admin, when the Import and export link is followed, then the page shows export links and a disabled Import', async () => {
    await page.goto(baseUrl);
    await session.signIn(page, PASSWORD);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Import and export' })
      .click();
    await page.getByRole('heading', { name: 'Import and export', level: 1 }).waitFor();
    assert.equal(
      await page.getByRole('link', { name: 'Devices (devices.csv)' }).getAttribute('href'),
      '/api/v1/export/devices.csv',
    );
    assert.equal(await page.getByRole('button', { name: 'Check file' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled(), true);
  });

  it('given a devices file with bad rows, when checked, then each problem is listed by line and column as text and Import stays disabled', async () => {
    await page.getByLabel('What the file holds').selectOption('devices');
    await chooseFile('devices-bad.csv', badFile);
    await page.getByRole('button', { name: 'Check file' }).click();
    const table = page.getByRole('table');
    await table.waitFor();
    const rows = await table.getByRole('row').allTextContents();
    assert.deepEqual(rows.slice(1), ['3extensionrequired', `4enabled"${INJECTED}" is not true or false`]);
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', /2 problems in the file/);
    assert.equal(await page.locator('.import-result img').count(), 0, 'file content is shown as text only');
    assert.equal(await page.evaluate('window.__pwned === undefined'), true);
    assert.equal(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled(), true);
    await session.shot(page, 'bulk-01-problems');
  });

  it('given the fixed file, when checked and then imported, then the devices are written and the export link downloads them', async () => {
    await chooseFile('devices.csv', goodFile);
    assert.equal(await page.getByRole('table').count(), 0, 'a new file clears the old report');
    await page.getByRole('button', { name: 'Check file' }).click();
    await page.getByText('devices.csv is ready to import.').waitFor();
    assert.match((await page.locator('[data-result="ok"]').textContent()) ?? '', /3 rows · 3 to create/);
    const importButton = page.getByRole('button', { name: 'Import', exact: true });
    assert.equal(await importButton.isDisabled(), false);
    await session.shot(page, 'bulk-02-checked');
    await importButton.click();
    await page.getByText('devices.csv imported.').waitFor();
    assert.match((await page.locator('[data-result="ok"]').textContent()) ?? '', /3 created · 0 updated/);
    assert.equal(await importButton.isDisabled(), true, 'importing again needs a new check');
    await session.shot(page, 'bulk-03-imported');

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Devices (devices.csv)' }).click();
    const file = await (await download).path();
    assert.equal(
      readFileSync(file, 'utf8'),
      [
        'deviceId,extension,label,enabled,allowCreateTargets,wifiMacs',
        'BULKPHONE0001,230,Reception,true,false,',
        'BULKPHONE0002,230,Lobby,true,false,',
        'BULKPHONE0003,231,"Desk, 2nd floor",false,false,',
        '',
      ].join('\n'),
    );

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('row').filter({ hasText: 'BULKPHONE0003' }).waitFor();
    assert.deepEqual(scriptProblems, []);
  });
});
