// Shared set-up of the console's Chromium tests: Debian's `chromium` launched through playwright-core,
// admin started with the real Postgres and NATS, a page that collects script errors, sign-in,
// screenshots (artifacts/screenshots/) and the clean-up of the schema and streams admin created.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats, connectPostgres, type Logger } from '@sa/platform';
import { repoRoot, type ServiceProcess, startService, testUrls } from '@sa/testkit';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = join(repoRoot, 'artifacts', 'screenshots');

/** Flags every test launches Chromium with; `launchChromium` appends a test's own. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Fails early when Chromium is not installed, and makes the screenshot folder. */
export function requireChromium(): void {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(SHOTS, { recursive: true });
}

/** Launches Chromium headless; `executablePath` replaces Debian's binary (a wrapper, say). */
export async function launchChromium(
  flags: string[] = [],
  executablePath: string = CHROMIUM,
): Promise<Browser> {
  return chromium.launch({ executablePath, args: [...FLAGS, ...flags] });
}

/** A desktop-sized page with a 10 s default timeout. */
export async function openPage(browser: Browser, options: { acceptDownloads?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, ...options });
  page.setDefaultTimeout(10_000);
  return page;
}

/**
 * Collects the page's uncaught exceptions and the console messages matching `pattern` (CSP
 * violations, uncaught errors) into the returned list, which a test expects to stay empty.
 */
export function collectScriptProblems(page: Page, pattern = /Content Security Policy|Uncaught/i): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (pattern.test(message.text())) problems.push(message.text());
  });
  return problems;
}

/** Starts admin on `prefix` (bus prefix and schema) with `password`; `env` adds or overrides settings. */
export async function startAdminForBrowser(
  prefix: string,
  password: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  return startService('admin', {
    env: {
      NATS_URL: testUrls.nats,
      SA_BUS_PREFIX: prefix,
      DATABASE_URL: testUrls.postgres,
      DATABASE_SCHEMA: prefix,
      ADMIN_PORT: '0',
      OPS_PORT: '0',
      ADMIN_PASSWORD: password,
      ADMIN_KEK: randomBytes(32).toString('hex'),
      ...env,
    },
    timeoutMs: 30_000,
  });
}

/** Calls admin's API as the signed-in admin (a bearer session token): a test's set-up and checks. */
export type ApiCall = (method: string, path: string, body?: unknown) => Promise<Response>;

/** Signs in as admin with `password` over the API and returns a caller for `baseUrl`'s /api/v1. */
export async function adminApi(baseUrl: string, password: string): Promise<ApiCall> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const { token } = (await login.json()) as { token: string };
  return (method, path, body) =>
    fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
}

/**
 * Fills the sign-in form as admin and waits for the devices page. The first paint of the form
 * waits for the console's modules and its session check: up to 30 s, because Chromium's first page
 * under a loaded CI machine (two test files at once on 2 cores) has taken more than the default 10 s.
 * A form that never comes fails with what the page shows and a screenshot.
 */
export async function signIn(page: Page, password: string): Promise<void> {
  try {
    await page.getByLabel('Username').waitFor({ timeout: 30_000 });
  } catch (err) {
    await shot(page, 'sign-in-form-missing').catch(() => {});
    const body = await page.evaluate('document.body.innerHTML').catch(() => '(page gone)');
    throw new Error(
      `the sign-in form did not appear at ${page.url()}; the page shows: ${String(body).slice(0, 2000)}`,
      {
        cause: err,
      },
    );
  }
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Devices', level: 1 }).waitFor();
}

/**
 * The page's session token, read from its HttpOnly cookie through the browser's own cookie jar (the
 * page's scripts cannot read it), for a test's direct API calls as the same administrator.
 */
export async function sessionToken(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'sa_session');
  assert.ok(cookie?.httpOnly, 'the sign-in set an HttpOnly session cookie');
  return cookie.value;
}

/** Full-page screenshot to artifacts/screenshots/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

export async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? '';
}

/** Drops admin's schema and the JetStream streams of `prefix`. */
export async function dropAdminState(prefix: string, logger: Logger, natsName: string): Promise<void> {
  const pg = await connectPostgres(testUrls.postgres, logger, { max: 1 });
  await pg.pool.query(`DROP SCHEMA IF EXISTS "${prefix}" CASCADE`);
  await pg.close();
  const nats = await connectNats(testUrls.nats, natsName, logger);
  const jsm = await jetstreamManager(nats.nc);
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.toLowerCase().includes(prefix)) await jsm.streams.delete(stream.config.name);
  }
  await nats.close();
}
